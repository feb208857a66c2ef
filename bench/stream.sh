#!/usr/bin/env bash
# Streaming benchmark (issue 15), run as `./platform bench stream`. Three parts, in one run:
#   (a) and (b) on a local stack of its own (fresh state under .local/bench-stream, ports 27xxx unless PJ_* variables
#       say otherwise; stopped on exit), the provider simulator streaming with BENCH_CHUNK_DELAY_MS (20) between its
#       events and run-executor calling it in streaming mode (the default): bench/stream-client.mjs measures
#       (a) provider chunk -> SSE frame at the client, p50/p99, with BENCH_STREAM_RUNS (100) runs streaming at once,
#           steadily (BENCH_STREAM_WORDS, 200, stamped pieces each; BENCH_STREAM_SECONDS, 30, measured after
#           BENCH_STREAM_WARMUP_SECONDS, 180, of the same load), then the same latency when as many runs
#           (BENCH_BURST_WORDS, 40, pieces each) are posted at once, and
#       (b) BENCH_SUBSCRIBERS (2000) subscribers open on one gateway over BENCH_SUBSCRIBER_THREADS (200) threads, with
#           the gateway's RSS;
#   (c) the cost of streaming: bench/executor.sh twice, providers called with streaming off then on
#       (PROVIDERS_<NAME>_STREAM), each on its own stack (its ports, PJ_EXECUTOR_BENCH_* below), smaller than its
#       defaults unless BENCH_* says otherwise (BENCH_RUNS 6000, BENCH_WARMUP_RUNS 2000, BENCH_BACKLOG 2000,
#       BENCH_ONSITE_SECONDS 15, BENCH_ONSITE_SETTLE_SECONDS 5); runs/s of each, side by side.
# Prints the tables and the load average at each step (the machine may be shared: say so beside the figures) and
# leaves them in .local/bench-stream/stream-benchmark.md; copy them to docs/benchmarks.md ("Streaming").
# BENCH_SKIP_BUILD=1 runs the jars as packaged. Takes about 15 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${PJ_STATE_DIR:=$root/.local/bench-stream}"
: "${PJ_KAFKA_PORT:=27092}" "${PJ_KAFKA_CONTROLLER_PORT:=27093}" "${PJ_KAFKA_SASL_PORT:=27094}" "${PJ_PG_PORT:=27432}"
: "${PJ_SIMULATOR_PORT:=27090}" "${PJ_GATEWAY_PORT:=27080}" "${PJ_EXECUTOR_PORT:=27081}"
: "${PJ_DISPATCHER_PORT:=27082}" "${PJ_INGEST_PORT:=27083}"
export PJ_STATE_DIR PJ_KAFKA_PORT PJ_KAFKA_CONTROLLER_PORT PJ_KAFKA_SASL_PORT PJ_PG_PORT PJ_SIMULATOR_PORT \
  PJ_GATEWAY_PORT PJ_EXECUTOR_PORT PJ_DISPATCHER_PORT PJ_INGEST_PORT
# The executor benchmark's stacks: ports of their own (it wipes and stops its stack), the same for both passes.
: "${PJ_EXECUTOR_BENCH_KAFKA_PORT:=27192}" "${PJ_EXECUTOR_BENCH_PG_PORT:=27532}"
: "${PJ_EXECUTOR_BENCH_SIMULATOR_PORT:=27190}" "${PJ_EXECUTOR_BENCH_EXECUTOR_PORT:=27181}"
source "$root/deploy/local/env.sh"
export BENCH_CHUNK_DELAY_MS=${BENCH_CHUNK_DELAY_MS:-20}
readonly OUT="$PJ_STATE_DIR/stream-benchmark.md"
load() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "== Building =="
  "$root/mvnw" -B -q -DskipTests package
fi
(cd "$root/e2e" && npm ci --no-audit --no-fund --loglevel=error)

stop_stack() {
  "$root/deploy/local/services.sh" stop || true
  "$root/deploy/local/infra.sh" stop || true
}
trap stop_stack EXIT
# Leftovers of an earlier run must not weigh on this one; only a stack under .local/ is wiped.
stop_stack
case "$(realpath -m "$PJ_STATE_DIR")" in "$root/.local/"*) rm -rf "$PJ_STATE_DIR" ;; esac
mkdir -p "$PJ_STATE_DIR"
started="$(date -u '+%Y-%m-%d %H:%M UTC') (load average $(load))"

echo "== (a), (b): the local stack, the simulator streaming with ${BENCH_CHUNK_DELAY_MS} ms between events =="
"$root/deploy/local/infra.sh" start
SIMULATOR_STREAM_CHUNK_DELAY_MS="$BENCH_CHUNK_DELAY_MS" "$root/deploy/local/services.sh" start
PJ_GATEWAY_URL="http://127.0.0.1:$PJ_GATEWAY_PORT" PJ_BOOTSTRAP_TOKEN="$(<"$PJ_STATE_DIR/bootstrap-token")" \
  BENCH_GATEWAY_PID="$(<"$PJ_STATE_DIR/services/api-gateway.pid")" \
  node "$root/bench/stream-client.mjs" >"$PJ_STATE_DIR/client.md"
cat "$PJ_STATE_DIR/client.md"
stop_stack

echo "== (c): the executor benchmark with streaming off, then on =="
for stream in false true; do
  echo "-- providers.<name>.stream=$stream (load average $(load))"
  PROVIDERS_OPENAI_STREAM=$stream PROVIDERS_ANTHROPIC_STREAM=$stream PROVIDERS_GEMINI_STREAM=$stream \
    PJ_STATE_DIR="$root/.local/bench-stream-executor" PJ_KAFKA_PORT="$PJ_EXECUTOR_BENCH_KAFKA_PORT" \
    PJ_KAFKA_CONTROLLER_PORT=$((PJ_EXECUTOR_BENCH_KAFKA_PORT + 1)) PJ_KAFKA_SASL_PORT=$((PJ_EXECUTOR_BENCH_KAFKA_PORT + 2)) \
    PJ_PG_PORT="$PJ_EXECUTOR_BENCH_PG_PORT" PJ_SIMULATOR_PORT="$PJ_EXECUTOR_BENCH_SIMULATOR_PORT" \
    PJ_EXECUTOR_PORT="$PJ_EXECUTOR_BENCH_EXECUTOR_PORT" \
    BENCH_RUNS="${BENCH_RUNS:-6000}" BENCH_WARMUP_RUNS="${BENCH_WARMUP_RUNS:-2000}" BENCH_BACKLOG="${BENCH_BACKLOG:-2000}" \
    BENCH_ONSITE_SECONDS="${BENCH_ONSITE_SECONDS:-15}" BENCH_ONSITE_SETTLE_SECONDS="${BENCH_ONSITE_SETTLE_SECONDS:-5}" \
    BENCH_WRITE_DOC=0 BENCH_SKIP_BUILD=1 "$root/bench/executor.sh" >"$PJ_STATE_DIR/executor-$stream.log" 2>&1 \
    || { tail -n 20 "$PJ_STATE_DIR/executor-$stream.log" >&2; exit 1; }
  cp "$root/.local/bench-stream-executor/executor-benchmark.md" "$PJ_STATE_DIR/executor-$stream.md"
done

steady() { grep -m1 'Runs/s completed, steady state' "$1" | cut -d'|' -f3 | tr -d ' *'; }
overall() { grep -m1 'Runs/s completed, overall' "$1" | cut -d'|' -f3 | tr -d ' *'; }
execution() { grep -m1 'Execution (finished_at' "$1" | cut -d'|' -f3 | sed 's/^ *//; s/ *$//'; }
{
  echo "#### Latest run: $started"
  echo
  echo "Command: \`./platform bench stream\`. Machine: $(nproc) CPUs, $(java -version 2>&1 | head -n 1)."
  echo
  cat "$PJ_STATE_DIR/client.md"
  echo "##### (c) The cost of streaming: the executor benchmark with streaming off and on"
  echo
  echo "\`bench/executor.sh\` twice in this run (runs of $(grep -m1 -o '[0-9,]* normal runs offered at once' "$PJ_STATE_DIR/executor-true.md"), the simulator answering after its fixed latency, no delay between events); its own tables are in \`.local/bench-stream/executor-{false,true}.md\`."
  echo
  echo "| Providers called | Runs/s, steady state | Runs/s, overall | Execution p50 / p99 |"
  echo "|---|---|---|---|"
  for stream in false true; do
    echo "| $([[ $stream == true ]] && echo streaming || echo whole) | $(steady "$PJ_STATE_DIR/executor-$stream.md") | $(overall "$PJ_STATE_DIR/executor-$stream.md") | $(execution "$PJ_STATE_DIR/executor-$stream.md") |"
  done
  echo
  echo "Load average at the end: $(load)."
} >"$OUT"
cat "$OUT"
