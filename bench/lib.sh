# Helpers shared by the benchmark scripts under bench/.
# shellcheck shell=bash

# Replaces the generated block of one section of docs/benchmarks.md with a benchmark's result; a section that
# has no block yet gets one at the end. The rest of the file is kept.
#   $1 the file (docs/benchmarks.md)  $2 the section's heading  $3 the block's start marker  $4 its end marker
#   $5 the file holding the new block
replace_generated_block() {
  local doc=$1 heading=$2 start=$3 end=$4 block=$5 tmp
  [[ -f "$doc" ]] || printf '# Benchmarks\n\nEach benchmark runs with `./platform bench NAME` (bench/NAME.sh) on a stack of its own.\n' >"$doc"
  if ! grep -qF -- "$start" "$doc"; then
    printf '\n## %s\n\n%s\n%s\n' "$heading" "$start" "$end" >>"$doc"
  fi
  tmp=$(mktemp "$doc.XXXXXX")
  awk -v start="$start" -v end="$end" -v block="$block" '
    $0 == start { print; while ((getline line < block) > 0) print line; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }' "$doc" >"$tmp"
  cat "$tmp" >"$doc"
  rm -f "$tmp"
}
