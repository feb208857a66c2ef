# Helpers shared by the benchmark scripts under bench/.
# shellcheck shell=bash

# Replaces the generated block (the latest run) of one benchmark in docs/benchmarks.md with a new result; a
# benchmark that has no block yet gets a section at the end of "Current figures", before the journal. The rest
# of the file is kept.
#   $1 the file (docs/benchmarks.md)  $2 the section's heading  $3 the block's start marker  $4 its end marker
#   $5 the file holding the new block
replace_generated_block() {
  local doc=$1 heading=$2 start=$3 end=$4 block=$5 tmp
  [[ -f "$doc" ]] || printf '# Benchmarks\n\nEach benchmark runs with `./platform bench NAME` (bench/NAME.sh) on a stack of its own.\n\n## Current figures\n\n## Journal\n' >"$doc"
  if ! grep -qF -- "$start" "$doc"; then
    tmp=$(mktemp "$doc.XXXXXX")
    awk -v section="### $heading" -v start="$start" -v end="$end" '
      $0 == "## Journal" && !done { print section "\n\n" start "\n" end "\n"; done = 1 }
      { print }
      END { if (!done) print "\n" section "\n\n" start "\n" end }' "$doc" >"$tmp"
    cat "$tmp" >"$doc"
    rm -f "$tmp"
  fi
  tmp=$(mktemp "$doc.XXXXXX")
  awk -v start="$start" -v end="$end" -v block="$block" '
    $0 == start { print; while ((getline line < block) > 0) print line; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }' "$doc" >"$tmp"
  cat "$tmp" >"$doc"
  rm -f "$tmp"
}
