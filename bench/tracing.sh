#!/usr/bin/env bash
# Cost of tracing (issue 18), run as `./platform bench tracing`: the gateway and executor benchmarks, each with
# tracing off and then on (every trace sampled, exported over OTLP/HTTP to a receiver on loopback,
# bench/otlp-sink.mjs, which decodes and counts the spans), in one run. Each benchmark keeps its own stack, ports
# (PJ_* variables) and sizes (BENCH_* variables, e.g. smaller runs for a quick look); the executor's tables do not
# replace the current figures of docs/benchmarks.md. Prints the four tables and the spans received; copy them to
# docs/benchmarks.md ("Tracing").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Each benchmark's own state dir (they wipe it): one given here would be shared.
unset PJ_STATE_DIR
: "${PJ_OTLP_PORT:=23318}"
out="$root/.local/bench-tracing"
mkdir -p "$out"
node "$root/bench/otlp-sink.mjs" "$PJ_OTLP_PORT" >"$out/sink.log" 2>&1 &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT

for tracing in off on; do
  if [[ "$tracing" == on ]]; then
    export QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$PJ_OTLP_PORT" QUARKUS_OTEL_TRACES_SAMPLER_ARG=1.0
  else
    unset QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT
  fi
  echo "== gateway, tracing $tracing =="
  "$root/bench/gateway.sh" | tee "$out/gateway-$tracing.txt"
  echo "== executor, tracing $tracing =="
  # The first run builds the jars; the second takes them as they are.
  BENCH_WRITE_DOC=0 BENCH_SKIP_BUILD="$([[ "$tracing" == on ]] && echo 1 || echo "${BENCH_SKIP_BUILD:-0}")" \
    "$root/bench/executor.sh"
  cp "$root/.local/bench-executor/executor-benchmark.md" "$out/executor-$tracing.md"
  cat "$out/executor-$tracing.md"
done
kill "$sink"
wait "$sink" || true
cat "$out/sink.log"
