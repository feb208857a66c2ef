#!/usr/bin/env bash
# The platform's own processes on the local stack: the provider simulator and the four services,
# each from its packaged Quarkus app (build first: ./mvnw package -DskipTests).
#
#   deploy/local/services.sh start    migrate the database (schema/target/schema.jar), then start what is
#                                     not running, wait until every service is ready
#   deploy/local/services.sh stop     stop them (no-op when stopped)
#   deploy/local/services.sh status   show what runs; exit 0 when all are up, 3 otherwise
#
# Logs and pid files live under $PJ_STATE_DIR; ports come from env.sh.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"
source "$here/lib.sh"
PJ_STATE_DIR=$(realpath -m -- "$PJ_STATE_DIR")

# name:port, in start order (any order works: no service migrates, the database is migrated before).
readonly SERVICES=(
  "provider-simulator:$PJ_SIMULATOR_PORT"
  "api-gateway:$PJ_GATEWAY_PORT"
  "run-executor:$PJ_EXECUTOR_PORT"
  "webhook-dispatcher:$PJ_DISPATCHER_PORT"
  "knowledge-ingest:$PJ_INGEST_PORT"
)
readonly JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
readonly RUN_DIR="$PJ_STATE_DIR/services"
readonly LOG_DIR="$PJ_STATE_DIR/logs"
readonly READY_TIMEOUT=120

service_pid() {
  local pid_file="$RUN_DIR/$1.pid" pid
  [[ -f "$pid_file" ]] || return 0
  pid=$(<"$pid_file")
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F -- "$1/target/quarkus-app" >/dev/null; then
    echo "$pid"
  fi
}

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/q/health/ready"; }

# Secrets of the local stack, made once per state dir: the operator's token for the gateway's
# bootstrap endpoint, and the key that encrypts environment variables at rest.
ensure_secrets() {
  local token="$PJ_STATE_DIR/bootstrap-token" key="$PJ_STATE_DIR/secrets-key"
  if [[ ! -s "$token" ]]; then
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$token.tmp" && mv "$token.tmp" "$token")
  fi
  if [[ ! -s "$key" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$key.tmp" && mv "$key.tmp" "$key")
  fi
}

start_one() {
  local name=$1 port=$2 jar="$PJ_ROOT/$1/target/quarkus-app/quarkus-run.jar"
  if [[ -n "$(service_pid "$name")" ]]; then
    info "$name already running on port $port"
    return
  fi
  [[ -f "$jar" ]] || die "$jar is missing; build first: ./mvnw -B package -DskipTests"
  port_in_use "$port" && die "port $port (for $name) is in use by another process; free it or change its PJ_*_PORT variable"
  info "starting $name on 127.0.0.1:$port"
  # setsid: the service must outlive this script and must not receive the terminal's signals.
  PJ_BOOTSTRAP_TOKEN="$(<"$PJ_STATE_DIR/bootstrap-token")" PJ_SECRETS_KEY="$(<"$PJ_STATE_DIR/secrets-key")" \
    setsid nohup "$JAVA" ${PJ_JAVA_OPTS:--Xmx384m} -jar "$jar" \
    >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# Every schema's migrations, one history, before any service starts (idempotent: nothing to do is quick).
migrate() {
  local jar="$PJ_ROOT/schema/target/schema.jar"
  [[ -f "$jar" ]] || die "$jar is missing; build first: ./mvnw -B package -DskipTests"
  info "migrating the database ($PJ_PG_DATABASE on 127.0.0.1:$PJ_PG_PORT; log: $LOG_DIR/migrate.log)"
  "$JAVA" -jar "$jar" migrate >"$LOG_DIR/migrate.log" 2>&1 \
    || { tail -n 5 "$LOG_DIR/migrate.log" >&2; die "migrating the database failed (log: $LOG_DIR/migrate.log)"; }
  info "$(tail -n 1 "$LOG_DIR/migrate.log")"
}

wait_ready() {
  local name=$1 port=$2 waited=0
  until ready "$port"; do
    [[ -n "$(service_pid "$name")" ]] || die "$name exited during start; see $LOG_DIR/$name.log"
    ((waited++ < READY_TIMEOUT)) || die "$name not ready after ${READY_TIMEOUT}s; see $LOG_DIR/$name.log"
    sleep 1
  done
  info "$name ready"
}

start() {
  command -v curl >/dev/null || apt_install curl
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  ensure_secrets
  local entry
  migrate
  for entry in "${SERVICES[@]}"; do start_one "${entry%%:*}" "${entry##*:}"; done
  for entry in "${SERVICES[@]}"; do wait_ready "${entry%%:*}" "${entry##*:}"; done
}

stop() {
  local entry name pid waited
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*}
    pid=$(service_pid "$name")
    [[ -n "$pid" ]] || continue
    info "stopping $name"
    kill "$pid"
    waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited++ < 30)); do sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$RUN_DIR/$name.pid"
  done
}

status() {
  local entry name port all_up=0
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*} port=${entry##*:}
    if [[ -n "$(service_pid "$name")" ]] && ready "$port"; then
      info "$name: ready on http://127.0.0.1:$port"
    else
      info "$name: not running"; all_up=3
    fi
  done
  return $all_up
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
