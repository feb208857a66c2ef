#!/usr/bin/env bash
# Accept-runs benchmark (issue: api-gateway). Runs the gateway in a JVM against a real Kafka broker and
# PostgreSQL of its own (state under .local/bench-gateway, ports 23xxx unless PJ_* variables say
# otherwise) and prints a table: accepted runs/s and latency percentiles at 64 requests in flight for
# two minutes, beside a bare harness (the same rows inserted through the same reactive pool, then an
# equivalent record produced with the same acks) measured in the same run.
# Sizes: BENCH_CONCURRENCY (64), BENCH_SECONDS (120), BENCH_WARMUP_SECONDS (15).
# Copy the table into the current figures of docs/benchmarks.md, with the date and the machine; the run it
# replaces goes to the journal there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${PJ_STATE_DIR:=$root/.local/bench-gateway}"
: "${PJ_KAFKA_PORT:=23092}" "${PJ_KAFKA_CONTROLLER_PORT:=23093}" "${PJ_PG_PORT:=23432}"
export PJ_STATE_DIR PJ_KAFKA_PORT PJ_KAFKA_CONTROLLER_PORT PJ_PG_PORT
source "$root/deploy/local/env.sh"
trap '"$root/deploy/local/infra.sh" stop' EXIT
# A fresh database each run: the figures must not depend on what an earlier run left behind.
"$root/deploy/local/infra.sh" stop
case "$(realpath -m "$PJ_STATE_DIR")" in "$root/.local/"*) rm -rf "$PJ_STATE_DIR" ;; esac
"$root/deploy/local/infra.sh" start
"$root/mvnw" -B -q -N install
"$root/mvnw" -B -q -pl contracts,schema,runtime install -DskipTests
"$root/mvnw" -B -pl api-gateway verify -Dtest=AcceptRunsBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.concurrency="${BENCH_CONCURRENCY:-64}" -Dbench.seconds="${BENCH_SECONDS:-120}" \
  -Dbench.warmup-seconds="${BENCH_WARMUP_SECONDS:-15}" | grep -E '^\||^Ratio|operations|Tests run|BUILD|ERROR' || true
cat "$root/api-gateway/target/gateway-benchmark.md"
