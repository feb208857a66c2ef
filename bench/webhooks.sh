#!/usr/bin/env bash
# Webhook delivery benchmark (issue: webhook-dispatcher). Runs webhook-dispatcher in a JVM beside a
# local receiver, against a real Kafka broker and PostgreSQL of its own (state under .local/bench,
# ports 20xxx unless PJ_* variables say otherwise), and prints a table:
#   - deliveries/s from runs.finished to a local receiver, 16 endpoints of 16 tenants;
#   - first-attempt latency (p50/p99) from runs.finished to receipt at a steady 1,000 events/s;
#   - beside both, a bare Vert.x Web Client POST loop to the same receiver, in the same run.
# Sizes: BENCH_EVENTS (20000), BENCH_RATE (1000 events/s), BENCH_SECONDS (20), BENCH_ENDPOINTS (16),
# BENCH_WARMUP_SECONDS (40 s at the steady rate after a warm-up burst, before anything is measured). JVM options
# for the dispatcher's JVM (e.g. a GC log) in BENCH_ARGLINE. Per-event latencies of the steady phase land in
# webhook-dispatcher/target/webhook-latencies.csv.
# Copy the table into the current figures of docs/benchmarks.md, with the date and the machine; the run it
# replaces goes to the journal there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${PJ_STATE_DIR:=$root/.local/bench}"
: "${PJ_KAFKA_PORT:=20092}" "${PJ_KAFKA_CONTROLLER_PORT:=20093}" "${PJ_PG_PORT:=20432}"
export PJ_STATE_DIR PJ_KAFKA_PORT PJ_KAFKA_CONTROLLER_PORT PJ_PG_PORT
source "$root/deploy/local/env.sh"
trap '"$root/deploy/local/infra.sh" stop' EXIT
# A fresh database each run: the figures must not depend on what an earlier run left behind.
"$root/deploy/local/infra.sh" stop
case "$(realpath -m "$PJ_STATE_DIR")" in "$root/.local/"*) rm -rf "$PJ_STATE_DIR" ;; esac
"$root/deploy/local/infra.sh" start
# The dispatcher is built with the modules it needs (-am), so nothing goes to the shared ~/.m2.
"$root/mvnw" -B -pl webhook-dispatcher -am verify -Dtest=WebhookDeliveryBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.events="${BENCH_EVENTS:-20000}" -Dbench.rate="${BENCH_RATE:-1000}" -Dbench.seconds="${BENCH_SECONDS:-20}" \
  -Dbench.endpoints="${BENCH_ENDPOINTS:-16}" \
  -Dbench.warmUpSeconds="${BENCH_WARMUP_SECONDS:-40}" ${BENCH_ARGLINE:+"-DargLine=$BENCH_ARGLINE"} | grep -E '^\||Tests run|BUILD|ERROR' || true
cat "$root/webhook-dispatcher/target/webhook-benchmark.md"
