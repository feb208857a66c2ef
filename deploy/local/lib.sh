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

# Major version of the JDK whose java binary is $1, from its release file (0 when it has none).
java_major() {
  local home major
  home=$(dirname "$(dirname "$(readlink -f "$1")")")
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
  echo "${major:-0}"
}

# The java binary the local stack's services run on: PJ_SERVICE_JAVA when set, otherwise the newest JDK among
# JAVA_HOME's, the one on PATH and those under /usr/lib/jvm (the services are built for 17 and run on any later
# JDK). The newest, because from JDK 25 on a service starts from an ahead-of-time cache (service_jvm_options).
service_java() {
  if [[ -n "${PJ_SERVICE_JAVA:-}" ]]; then
    echo "$PJ_SERVICE_JAVA"
    return
  fi
  local candidate best=java best_major=-1 major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    major=$(java_major "$candidate")
    if ((major > best_major)); then best=$candidate best_major=$major; fi
  done
  echo "$best"
}

# The option that points ONNX Runtime (knowledge-ingest's in-process embedding model; $1: a quarkus-app directory,
# $2: the java binary) at its native libraries extracted once per build, beside the jars: without it the library
# extracts them (28 MB) into a temporary directory at every start, on the way to readiness (loading ONNX Runtime
# took 0.3–0.5 s of the start). Nothing for an app without ONNX Runtime, or when the JDK has no jar tool.
onnxruntime_native_path() {
  local app=$1 jar_tool platform native library
  library=$(compgen -G "$app/lib/main/com.microsoft.onnxruntime.onnxruntime-*.jar" | head -n 1 || true)
  [[ -n "$library" ]] && library=$(realpath "$library")
  jar_tool="$(dirname "$(readlink -f "$2")")/jar"
  [[ -n "$library" && -x "$jar_tool" ]] || return 0
  case "$(uname -m)" in
    x86_64) platform=linux-x64 ;;
    aarch64) platform=linux-aarch64 ;;
    *) return 0 ;;
  esac
  native="$(realpath -m "$app")/onnxruntime-native"
  if [[ ! -f "$native/$platform/extracted" ]]; then
    rm -rf "$native.tmp" && mkdir -p "$native.tmp"
    (cd "$native.tmp" && "$jar_tool" xf "$library" "ai/onnxruntime/native/$platform") >/dev/null 2>&1
    [[ -d "$native.tmp/ai/onnxruntime/native/$platform" ]] || { rm -rf "$native.tmp"; return 0; }
    rm -rf "$native" && mkdir -p "$native"
    mv "$native.tmp/ai/onnxruntime/native/$platform" "$native/$platform" && touch "$native/$platform/extracted"
    rm -rf "$native.tmp"
  fi
  echo "-Donnxruntime.native.path=$native/$platform"
}

# The JVM options of a service process on the local stack ($1: its quarkus-app directory; $2 = create: see below;
# $3: the java binary it runs on), as deploy/local/services.sh starts it and bench/e2e.sh measures it:
# - C2, the optimizing JIT compiler, takes a method after four times the JVM's default calls and loop turns
#   (Tier4*Threshold): by default its one thread on two cores spends a whole start compiling code only the start runs
#   (2.0 s of CPU in api-gateway's 1.9 s start), beside the start's own thread; code a request runs still gets to it
#   within seconds under load (docs/benchmarks.md, e2e journal, 2026-12-06). Flags in PJ_JAVA_OPTS come after, so
#   they win;
# - a heap that starts at 64 MB and grows to 384 MB at most, unless PJ_JAVA_OPTS says otherwise: an idle service
#   then holds what it uses, not a young space sized for 384 MB (about 65 MB less each);
# - a class-data archive of the classes the service's start loads (PJ_APPCDS=0: none), mapped instead of read from
#   the jars: on JDK 25 and later an ahead-of-time cache (JEP 483 and 514: the classes loaded and linked, with the
#   method profiles of the start), on earlier JDKs an AppCDS archive (the classes parsed and verified). Start-up
#   figures: docs/benchmarks.md, "End to end".
# The archive is the service's own, beside its jars, for that build and that JDK only (either changing names a new
# one): when there is none, the process that $2 = create lets make it writes it as <archive>.partial when it exits,
# and keep_service_archive makes that the archive once the process has stopped normally; starts after that use it.
# So no process ever maps an archive still being written: a process killed while it (or the JVM's helper that
# assembles an AOT cache) writes leaves a partial file, which the next process that makes one deletes. One the JVM
# cannot use is ignored by it. Never committed: it lives under target/.
service_jvm_options() {
  local app=$1 create=${2:-} java=$3 major build archive magic
  major=$(java_major "$java")
  echo "-XX:Tier4InvocationThreshold=20000 -XX:Tier4MinInvocationThreshold=2400 -XX:Tier4CompileThreshold=60000"
  echo "-XX:Tier4BackEdgeThreshold=160000"
  echo "${PJ_JAVA_OPTS:--Xms64m -Xmx384m}"
  # From JDK 24 on, a library that loads native code (knowledge-ingest's ONNX Runtime) is warned about unless enabled.
  ((major < 24)) || echo "--enable-native-access=ALL-UNNAMED"
  onnxruntime_native_path "$app" "$java"
  [[ "${PJ_APPCDS:-1}" == 1 ]] || return 0
  # The build's jars and the JDK (its path and release file) name the archive.
  build=$({ find "$app" -name '*.jar' -printf '%P %s %T@\n'; readlink -f "$java"
    cat "$(dirname "$(dirname "$(readlink -f "$java")")")/release" 2>/dev/null; } | LC_ALL=C sort | md5sum | cut -c1-12)
  if ((major >= 25)); then
    # A cache is a static archive: it starts with 0xf00baba2.
    archive="$app/app-aot-$build.aot" magic=f00baba2
  else
    # JDK 17's dynamic archives start with 0xf00baba8; the header is written last.
    archive="$app/app-cds-$build.jsa" magic=f00baba8
  fi
  if [[ -f "$archive" && "$(od -An -tx4 -N4 "$archive" | tr -d ' ')" == "$magic" ]]; then
    if ((major >= 25)); then
      echo "-XX:AOTCache=$archive -Xlog:aot=off,cds=off"
    else
      echo "-XX:SharedArchiveFile=$archive -Xshare:auto -Xlog:cds=off,cds+dynamic=off"
    fi
  elif [[ "$create" == create ]]; then
    rm -f "$app"/app-cds-*.jsa* "$app"/app-aot-*.aot*
    if ((major >= 25)); then
      echo "-XX:AOTCacheOutput=$archive.partial -Xlog:aot=off,cds=off"
    else
      echo "-XX:ArchiveClassesAtExit=$archive.partial -Xlog:cds=off,cds+dynamic=off"
    fi
  fi
}

# Starts a service's JVM in the background as the local stack runs it, with the stack's secrets from $PJ_STATE_DIR
# ($1: the java binary; $2: its quarkus-app directory; $3: its port, which wins over the service's PJ_*_PORT, so the
# further replicas of a service can share that; $4: its JVM options, service_jvm_options; $5: its log, appended to);
# prints the process's pid. setsid: the service outlives the calling script and gets none of the terminal's signals.
launch_service() {
  local java=$1 app=$2 port=$3 options=$4 log=$5
  PJ_BOOTSTRAP_TOKEN="$(<"$PJ_STATE_DIR/bootstrap-token")" PJ_SECRETS_KEY="$(<"$PJ_STATE_DIR/secrets-key")" \
    PJ_STREAM_SIGNING_KEY="$(<"$PJ_STATE_DIR/stream-signing-key")" \
    setsid nohup "$java" $options -Dquarkus.http.port="$port" -jar "$app/quarkus-run.jar" >>"$log" 2>&1 </dev/null &
  echo $!
}

# After a service process that may have made its class-data archive stopped normally ($1: its quarkus-app
# directory): the archive it wrote becomes the build's (service_jvm_options); one without its magic number (cut
# short) is deleted.
keep_service_archive() {
  local partial magic
  for partial in "$1"/app-aot-*.aot.partial "$1"/app-cds-*.jsa.partial; do
    [[ -f "$partial" ]] || continue
    case "$partial" in *.aot.partial) magic=f00baba2 ;; *) magic=f00baba8 ;; esac
    if [[ "$(od -An -tx4 -N4 "$partial" | tr -d ' ')" == "$magic" ]]; then
      mv -f "$partial" "${partial%.partial}"
    else
      rm -f "$partial"
    fi
  done
}
