#!/usr/bin/env bash
# Accept-runs benchmark (issue: api-gateway). Runs the gateway in a JVM against a real Kafka broker and
# PostgreSQL of its own (state under .local/bench-gateway, ports 23xxx unless PJ_* variables say otherwise) and prints a
# table: accepted runs/s and latency percentiles at 64 requests in flight, beside two harnesses measured in the same
# run: a bare one (each run's rows inserted in a transaction of its own through the same reactive pool, then an
# equivalent record produced with the same acks) and a grouped one (the gateway's own store, whose statement the runs
# of concurrent calls share, then the same record): docs/benchmarks.md, gateway.
# Sizes: BENCH_CONCURRENCY (64), BENCH_SECONDS (60 measured per path), BENCH_WARMUP_SECONDS (30 per path first: the
# JIT compiler is still busy after 15 s on two shared cores).
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
  -Dbench.concurrency="${BENCH_CONCURRENCY:-64}" -Dbench.seconds="${BENCH_SECONDS:-60}" \
  -Dbench.warmup-seconds="${BENCH_WARMUP_SECONDS:-30}" | grep -E '^\||^Ratio|operations|Tests run|BUILD|ERROR' || true
cat "$root/api-gateway/target/gateway-benchmark.md"
