# Helpers shared by the scripts under deploy/local/ (sourced after env.sh).
# shellcheck shell=bash

# `./platform up` exports PJ_STARTED_AT (epoch seconds): every step it runs, in whichever script, then shows
# the time since it began, so a first run that takes minutes says what it is doing and for how long.
elapsed() {
  local s=$(($(date +%s) - PJ_STARTED_AT))
  printf '%d:%02d' $((s / 60)) $((s % 60))
}
info() {
  if [[ -n "${PJ_STARTED_AT:-}" ]]; then
    printf '[%s %s] %s\n' "$(elapsed)" "${0##*/}" "$*"
  else
    printf '[%s] %s\n' "${0##*/}" "$*"
  fi
}
die() { printf '[%s] ERROR: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# `apt-get update` at most once per top-level invocation (exported so child scripts see it too).
apt_update_once() {
  if [[ -z "${PJ_APT_UPDATED:-}" ]]; then
    info "apt-get update (the distribution's package index)"
    apt-get update -qq 8>&- 9>&- || die "apt-get update failed (see above)"
    export PJ_APT_UPDATED=1
  fi
}

apt_install() {
  [[ $EUID -eq 0 ]] || die "needs root to apt-get install $*: run sudo ./platform install once, or install these packages: $*"
  apt_update_once
  info "apt-get install $* (system-wide; apt's downloads and set-ups follow)"
  # 8>&- 9>&-: infra.sh's lock descriptors must not leak into daemons that packages start
  # (installing postgresql starts the distribution's own cluster). Of apt's output only its downloads
  # and set-ups are shown, one short line each; the whole of it goes to the log on failure.
  local log
  log=$(mktemp)
  { DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y --no-install-recommends "$@" 8>&- 9>&- 2>&1
    echo $? >"$log.status"; } \
    | tee "$log" | { grep --line-buffered -E '^(Get:[0-9]+ |Setting up )' || true; } \
    | sed -u -E 's/^Get:[0-9]+ [^ ]+ [^ ]+ [^ ]+ /  downloading /; s/^Setting up /  setting up /'
  if [[ "$(cat "$log.status")" != 0 ]]; then
    tail -n 30 "$log" >&2
    rm -f "$log" "$log.status"
    die "apt-get install $* failed (see above)"
  fi
  rm -f "$log" "$log.status"
  info "installed $*"
}

# Directory of the distribution's PostgreSQL server binaries (newest major version if several);
# prints nothing when no server is installed. /usr/local/bin is deliberately not searched: on these
# machines it holds unrelated initdb/pg_ctl/postgres entries.
pg_server_bindir() {
  local postgres
  postgres=$({ compgen -G '/usr/lib/postgresql/*/bin/postgres' || true; } | sort -V | tail -n 1)
  [[ -n "$postgres" ]] && dirname "$postgres"
  return 0
}

# Major version of the server whose bin directory is $1 (/usr/lib/postgresql/15/bin -> 15).
pg_major_of() { basename "$(dirname "$1")"; }

# Share directory of that server (extensions live in its extension/; pg_config comes with the
# server package on Debian).
pg_sharedir_of() {
  if [[ -x "$1/pg_config" ]]; then "$1/pg_config" --sharedir; else echo "/usr/share/postgresql/$(pg_major_of "$1")"; fi
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp: no extra tools).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs Maven (the project's wrapper, batch mode, from the project's root) with its full output in the log
# file $1 and a compact account on the terminal: each module as it starts, the downloads every 100 files,
# and the errors.
# Fails with the log's tail when Maven fails.
maven_with_progress() {
  local log=$1 line downloads=0
  shift
  mkdir -p "$(dirname "$log")"
  { (cd "$PJ_ROOT" && "$PJ_ROOT/mvnw" -B "$@") 2>&1; echo $? >"$log.status"; } | tee "$log" | while IFS= read -r line; do
    case "$line" in
      "[INFO] Building "*"["*/*"]")
        line=${line#\[INFO\] Building }
        info "  [${line##*[}  ${line% *-SNAPSHOT *}" ;;
      "Downloaded from "*)
        downloads=$((downloads + 1))
        ((downloads % 100)) || info "  downloaded $downloads files from the Maven registry so far (first run only)" ;;
      "[ERROR]"*) printf '%s\n' "$line" ;;
    esac
  done
  if [[ "$(cat "$log.status")" != 0 ]]; then
    rm -f "$log.status"
    tail -n 40 "$log" >&2
    die "./mvnw $* failed (full log: $log)"
  fi
  rm -f "$log.status"
}

# The JVM options of a service process on the local stack ($1: its quarkus-app directory), as
# deploy/local/services.sh starts it and bench/e2e.sh measures it: a 384 MB heap unless PJ_JAVA_OPTS says otherwise,
# and an AppCDS archive of the classes the service loads (PJ_APPCDS=0: none). Class data sharing maps those classes
# parsed and verified instead of loading them from the jars: about a fifth less CPU to start a service
# (docs/benchmarks.md, "End to end"). The archive is the service's own, beside its jars, for that build only (a
# rebuild names a new one): when there is none, the process that $2 = create lets make it writes it when it exits
# (-XX:ArchiveClassesAtExit, on a normal stop), and starts after that use it. One whose writing was cut short
# (killed) lacks the dynamic archive's magic number and is made again; one the JVM cannot use (another JDK) is
# ignored by it (-Xshare:auto). Never committed: it lives under target/.
service_jvm_options() {
  local app=$1 create=${2:-} archive
  echo "${PJ_JAVA_OPTS:--Xmx384m}"
  [[ "${PJ_APPCDS:-1}" == 1 ]] || return 0
  archive="$app/app-cds-$(find "$app" -name '*.jar' -printf '%P %s %T@\n' | LC_ALL=C sort | md5sum | cut -c1-12).jsa"
  # JDK 17's dynamic archives start with 0xf00baba8; the header is written last.
  if [[ -f "$archive" && "$(od -An -tx4 -N4 "$archive" | tr -d ' ')" == f00baba8 ]]; then
    echo "-XX:SharedArchiveFile=$archive -Xshare:auto -Xlog:cds=off,cds+dynamic=off"
  elif [[ "$create" == create ]]; then
    rm -f "$app"/app-cds-*.jsa
    echo "-XX:ArchiveClassesAtExit=$archive -Xlog:cds=off,cds+dynamic=off"
  fi
}
