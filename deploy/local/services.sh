#!/usr/bin/env bash
# The platform's own processes on the local stack: the provider simulator and the four services,
# each from its packaged Quarkus app (build first: ./mvnw package -DskipTests), each service as one
# or more replicas.
#
#   deploy/local/services.sh start              migrate the database (schema/target/schema.jar), then start
#                                               what is not running, wait until every replica is ready
#   deploy/local/services.sh stop [REPLICA...]  stop every replica (no-op when stopped), or only those named
#   deploy/local/services.sh kill REPLICA...    kill -9 the named replicas, as a crash would (for drills)
#   deploy/local/services.sh status             show what runs; exit 0 when every replica is up, 3 otherwise
#
# PJ_REPLICAS sets the replicas per service, e.g. PJ_REPLICAS=executor=3,dispatcher=2,gateway=2,ingest=2
# (gateway, executor, dispatcher, ingest or the services' own names; 1 to 9 each, one by default; the provider
# simulator runs once). A replica is named after its service, with -2 … -9 from the second on (run-executor,
# run-executor-2, …), and listens on its service's port plus 200 per replica before it (run-executor-2 on
# PJ_EXECUTOR_PORT + 200): steps of 200 stay clear of the other services' ports, of the simulator's and
# receiver's (…90, …99), and of dev mode's 1818x, so stacks with other ports never meet.
# The services call each other's first replica (the local stack has no load balancer).
#
# Logs and pid files live under $PJ_STATE_DIR, one each per replica; ports come from env.sh.
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
JAVA=$(service_java)
readonly JAVA
readonly RUN_DIR="$PJ_STATE_DIR/services"
readonly LOG_DIR="$PJ_STATE_DIR/logs"
readonly READY_TIMEOUT=120
readonly REPLICA_PORT_STEP=200
readonly MAX_REPLICAS=9

# Replicas per service from PJ_REPLICAS; a service it does not name has one.
declare -A REPLICAS=()
read_replicas() {
  local setting=${PJ_REPLICAS:-} entries entry name count
  IFS=',' read -ra entries <<<"${setting// /}"
  for entry in "${entries[@]}"; do
    [[ -n "$entry" ]] || continue
    name=${entry%%=*} count=${entry#*=}
    [[ "$entry" == *=* && "$count" =~ ^[1-9]$ ]] \
      || die "PJ_REPLICAS: '$entry' must be <service>=<1-$MAX_REPLICAS>, e.g. PJ_REPLICAS=executor=3,dispatcher=2"
    case "$name" in
      gateway) name=api-gateway ;;
      executor) name=run-executor ;;
      dispatcher) name=webhook-dispatcher ;;
      ingest) name=knowledge-ingest ;;
      api-gateway | run-executor | webhook-dispatcher | knowledge-ingest) ;;
      *) die "PJ_REPLICAS: '$name' is not a service with replicas (gateway, executor, dispatcher, ingest)" ;;
    esac
    REPLICAS[$name]=$count
  done
}

replica_name() { if (($2 == 1)); then echo "$1"; else echo "$1-$2"; fi; }

# The service a replica runs (run-executor-2 -> run-executor).
service_of() { echo "${1%-[2-9]}"; }

# The port of replica $1 (run-executor-2 -> PJ_EXECUTOR_PORT + 200); stops the script for a name that is none.
replica_port() {
  local service index=1 entry
  service=$(service_of "$1")
  [[ "$1" == "$service" ]] || index=${1##*-}
  for entry in "${SERVICES[@]}"; do
    if [[ "${entry%%:*}" == "$service" ]]; then
      echo $((${entry##*:} + REPLICA_PORT_STEP * (index - 1)))
      return
    fi
  done
  die "no replica is called '$1' (a service's name, with -2 … -$MAX_REPLICAS for its further replicas)"
}

# Every replica PJ_REPLICAS asks for, in start order.
wanted_replicas() {
  local entry service i
  for entry in "${SERVICES[@]}"; do
    service=${entry%%:*}
    for ((i = 1; i <= ${REPLICAS[$service]:-1}; i++)); do replica_name "$service" "$i"; done
  done
}

# Every replica with a pid file, in start order: what a stop must cover, whatever PJ_REPLICAS says now.
recorded_replicas() {
  local entry name i
  for entry in "${SERVICES[@]}"; do
    for ((i = 1; i <= MAX_REPLICAS; i++)); do
      name=$(replica_name "${entry%%:*}" "$i")
      if [[ -f "$RUN_DIR/$name.pid" ]]; then echo "$name"; fi
    done
  done
}

service_pid() {
  local pid_file="$RUN_DIR/$1.pid" pid
  [[ -f "$pid_file" ]] || return 0
  pid=$(<"$pid_file")
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F -- "$(service_of "$1")/target/quarkus-app" >/dev/null; then
    echo "$pid"
  fi
}

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/q/health/ready"; }

# Secrets of the local stack, made once per state dir: the operator's token for the gateway's
# bootstrap endpoint, the key that encrypts environment variables at rest, and the key that signs
# stream tokens (the same for every gateway replica, so a token minted by one opens a stream on another).
ensure_secrets() {
  local token="$PJ_STATE_DIR/bootstrap-token" key="$PJ_STATE_DIR/secrets-key" signing="$PJ_STATE_DIR/stream-signing-key"
  if [[ ! -s "$token" ]]; then
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$token.tmp" && mv "$token.tmp" "$token")
  fi
  if [[ ! -s "$key" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$key.tmp" && mv "$key.tmp" "$key")
  fi
  if [[ ! -s "$signing" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$signing.tmp" && mv "$signing.tmp" "$signing")
  fi
}

start_one() {
  local name=$1 port options jar="$PJ_ROOT/$(service_of "$1")/target/quarkus-app/quarkus-run.jar"
  port=$(replica_port "$name")
  if [[ -n "$(service_pid "$name")" ]]; then
    info "$name already running on port $port"
    return
  fi
  [[ -f "$jar" ]] || die "$jar is missing; build first: ./mvnw -B package -DskipTests"
  port_in_use "$port" && die "port $port (for $name) is in use by another process; free it or change its PJ_*_PORT variable"
  info "starting $name on 127.0.0.1:$port"
  # The options are worked out here, before the fork: until the forked shell has exec'd the JVM, the pid is that
  # shell's, and the longer that takes the longer a check of the pid's command line would miss the service.
  options=$(service_jvm_options "${jar%/*}" "$([[ "$name" == "$(service_of "$name")" ]] && echo create)" "$JAVA")
  : >"$LOG_DIR/$name.log"
  launch_service "$JAVA" "${jar%/*}" "$port" "$options" "$LOG_DIR/$name.log" >"$RUN_DIR/$name.pid"
}

# Whether the process of replica $1 (started by this script, or found running by start_one) still runs. Its pid,
# not its command line: a replica this script just forked may not have exec'd its JVM yet.
still_running() {
  local pid
  pid=$(<"$RUN_DIR/$1.pid")
  [[ -r "/proc/$pid/stat" && "$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" != Z ]]
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
  local name=$1 port waited=0
  port=$(replica_port "$name")
  until ready "$port"; do
    still_running "$name" || die "$name exited during start; see $LOG_DIR/$name.log"
    ((waited++ < READY_TIMEOUT)) || die "$name not ready after ${READY_TIMEOUT}s; see $LOG_DIR/$name.log"
    sleep 1
  done
  info "$name ready"
}

start() {
  command -v curl >/dev/null || apt_install curl
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  ensure_secrets
  local name
  migrate
  info "the services run on JDK $(java_major "$JAVA") ($JAVA; PJ_SERVICE_JAVA chooses another)"
  for name in $(wanted_replicas); do start_one "$name"; done
  for name in $(wanted_replicas); do wait_ready "$name"; done
}

# Stops the named replicas, or every one with a pid file: all are asked at once, then each gets 30 s.
stop() {
  local names=("$@") name pid waited
  local -A stopping=()
  ((${#names[@]})) || mapfile -t names < <(recorded_replicas)
  for name in "${names[@]}"; do
    replica_port "$name" >/dev/null
    pid=$(service_pid "$name")
    if [[ -n "$pid" ]]; then
      info "stopping $name"
      kill "$pid"
      stopping[$name]=$pid
    fi
    rm -f "$RUN_DIR/$name.pid"
  done
  for name in "${!stopping[@]}"; do
    pid=${stopping[$name]} waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited++ < 30)); do sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid"
    elif [[ "$name" == "$(service_of "$name")" ]]; then
      # Stopped normally: the class-data archive the first replica may have written is complete.
      keep_service_archive "$PJ_ROOT/$name/target/quarkus-app"
    fi
  done
  return 0
}

# kill -9: no shutdown hook runs, leases and consumer group memberships are left to expire.
kill_replicas() {
  (($#)) || die "usage: $0 kill REPLICA... (e.g. run-executor-2)"
  local name pid
  for name in "$@"; do
    replica_port "$name" >/dev/null
    pid=$(service_pid "$name")
    if [[ -n "$pid" ]]; then
      info "killing $name (kill -9 $pid)"
      kill -9 "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$RUN_DIR/$name.pid"
  done
}

status() {
  local name port all_up=0
  for name in $(wanted_replicas); do
    port=$(replica_port "$name")
    if [[ -n "$(service_pid "$name")" ]] && ready "$port"; then
      info "$name: ready on http://127.0.0.1:$port"
    else
      info "$name: not running"; all_up=3
    fi
  done
  # Replicas started under a larger PJ_REPLICAS than this call's.
  for name in $(recorded_replicas); do
    if ! wanted_replicas | grep -qx -- "$name" && [[ -n "$(service_pid "$name")" ]]; then
      info "$name: running on port $(replica_port "$name") (beyond PJ_REPLICAS)"
    fi
  done
  return $all_up
}

read_replicas
case "${1:-}" in
  start) start ;;
  stop) stop "${@:2}" ;;
  kill) kill_replicas "${@:2}" ;;
  status) status ;;
  *) echo "usage: $0 start|stop [REPLICA...]|kill REPLICA...|status  (replicas per service: PJ_REPLICAS)" >&2; exit 2 ;;
esac
