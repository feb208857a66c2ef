#!/usr/bin/env bash
# Two builds of api-gateway compared on the webhook-endpoint management API (ADR 0001's revisit of
# Hibernate Reactive): each git revision is built once, then the builds are started in turn, ROUNDS times,
# against the same Kafka and PostgreSQL (state under .local/bench-crud, ports 26xxx unless PJ_* variables say
# otherwise). Per start: time to ready, RSS when ready and after the load, PostgreSQL connections held, and
# bench/management-crud.mjs at concurrency 1 and 16. Alternating the builds spreads the machine's noise over
# both; the spread between rounds is part of the result.
#   bench/management-crud.sh REVISION_A REVISION_B     e.g. main orm-experiment
# Sizes: ROUNDS (3), CYCLES_1 (300), CYCLES_16 (600) cycles of five requests each, after WARMUP_CYCLES (50).
# Raw lines go to .local/bench-crud/results.jsonl; the summary (medians, min–max over rounds) to stdout.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# -eq 2 ]] || { echo "usage: $0 REVISION_A REVISION_B" >&2; exit 2; }
: "${PJ_STATE_DIR:=$root/.local/bench-crud/stack}"
: "${PJ_KAFKA_PORT:=26092}" "${PJ_KAFKA_CONTROLLER_PORT:=26093}" "${PJ_PG_PORT:=26432}" "${PJ_GATEWAY_PORT:=26080}"
export PJ_STATE_DIR PJ_KAFKA_PORT PJ_KAFKA_CONTROLLER_PORT PJ_PG_PORT PJ_GATEWAY_PORT
source "$root/deploy/local/env.sh"
work=$root/.local/bench-crud
results=$work/results.jsonl
rounds=${ROUNDS:-3}
pg_bin=/usr/lib/postgresql/15/bin
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Each revision in a detached worktree of its own, built once; the package is kept beside its label and
# reused while the revision is the same commit.
build() {
  local label=$1 revision=$2 src=$work/src-$1 commit
  commit=$(git -C "$root" rev-parse "$revision^{commit}")
  [[ "$(cat "$work/$label.commit" 2>/dev/null)" == "$commit" ]] && return
  rm -rf "$work/$label" "$work/$label-schema"
  git -C "$root" worktree remove --force "$src" 2>/dev/null || true
  git -C "$root" worktree add --detach "$src" "$revision" >/dev/null
  (cd "$src" && ./mvnw -B -q -o -pl api-gateway -am -DskipTests package)
  cp -r "$src/api-gateway/target/quarkus-app" "$work/$label"
  # Revisions with the schema module migrate through its migrator; older gateways migrated at start.
  if [[ -d "$src/schema" ]]; then
    (cd "$src" && ./mvnw -B -q -o -pl schema -am -DskipTests package)
    mkdir -p "$work/$label-schema" && cp -r "$src/schema/target/schema.jar" "$src/schema/target/lib" "$work/$label-schema/"
  fi
  git -C "$root" worktree remove --force "$src"
  echo "$commit" >"$work/$label.commit"
}

connections() {
  PGPASSWORD="$PJ_PG_PASSWORD" "$pg_bin/psql" -h 127.0.0.1 -p "$PJ_PG_PORT" -U "$PJ_PG_USER" -d "$PJ_PG_DATABASE" \
    -X -A -t -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
}

rss_mb() { awk -v field="$2:" '$1 == field { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

# Starts a build and waits until it is ready; sets pid and ready_ms.
start_gateway() {
  local log=$1 jar=$2 start
  start=$(date +%s%N)
  # Flyway's connection may take more than Agroal's 5 s to open on a loaded machine; the same for both builds.
  PJ_BOOTSTRAP_TOKEN=$token PJ_SECRETS_KEY=$secrets_key QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT=60S \
    "$java" -Xmx384m -jar "$jar" >"$log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$PJ_GATEWAY_PORT/q/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  ready_ms=$((($(date +%s%N) - start) / 1000000))
}

run_one() {
  local label=$1 round=$2 line
  start_gateway "$work/$label-$round.log" "$work/$label/quarkus-run.jar"
  printf '{"build":"%s","round":%d,"ready_ms":%d,"quarkus_started_s":%s,"rss_ready_mb":%d}\n' "$label" "$round" \
    "$ready_ms" "$(grep -o 'started in [0-9.]*s' "$work/$label-$round.log" | grep -o '[0-9.]*' | head -1)" \
    "$(rss_mb "$pid" VmRSS)" >>"$results"
  for concurrency in 1 16; do
    local cycles_var="CYCLES_$concurrency"
    node "$root/bench/management-crud.mjs" "http://127.0.0.1:$PJ_GATEWAY_PORT" "$token" "$concurrency" \
      "${!cycles_var:-$((concurrency == 1 ? 300 : 600))}" "${WARMUP_CYCLES:-50}" |
      while read -r line; do echo "{\"build\":\"$label\",\"round\":$round,${line#\{}"; done >>"$results"
  done
  printf '{"build":"%s","round":%d,"rss_loaded_mb":%d,"rss_peak_mb":%d,"pg_connections":%d}\n' "$label" "$round" \
    "$(rss_mb "$pid" VmRSS)" "$(rss_mb "$pid" VmHWM)" "$(connections)" >>"$results"
  kill "$pid"
  wait "$pid" || true
}

mkdir -p "$work"
build a "$1"
build b "$2"
trap '"$root/deploy/local/infra.sh" stop' EXIT
# A fresh database: the figures must not depend on what an earlier run left behind.
"$root/deploy/local/infra.sh" stop
case "$(realpath -m "$PJ_STATE_DIR")" in "$root/.local/"*) rm -rf "$PJ_STATE_DIR" ;; esac
"$root/deploy/local/infra.sh" start
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
secrets_key=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
: >"$results"
# The empty database is migrated first (by A's migrator, or by a first start of an A that migrates itself); no
# build is measured doing that.
if [[ -f "$work/a-schema/schema.jar" ]]; then
  "$java" -jar "$work/a-schema/schema.jar" migrate >"$work/migrate.log" 2>&1
else
  start_gateway "$work/migrate.log" "$work/a/quarkus-run.jar"
  kill "$pid"
  wait "$pid" || true
fi
for round in $(seq 1 "$rounds"); do
  # Which build goes first alternates too, so neither always meets a warmer machine.
  if ((round % 2)); then run_one a "$round"; run_one b "$round"; else run_one b "$round"; run_one a "$round"; fi
done
node "$root/bench/management-crud-summary.mjs" "$results" "a = $1" "b = $2"
