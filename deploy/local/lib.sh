# Helpers shared by the scripts under deploy/local/ (sourced after env.sh).
# shellcheck shell=bash

info() { printf '[%s] %s\n' "${0##*/}" "$*"; }
die() { printf '[%s] ERROR: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# `apt-get update` at most once per top-level invocation (exported so child scripts see it too).
apt_update_once() {
  if [[ -z "${PJ_APT_UPDATED:-}" ]]; then
    info "apt-get update"
    apt-get update -qq 8>&- 9>&- || die "apt-get update failed (see above)"
    export PJ_APT_UPDATED=1
  fi
}

apt_install() {
  [[ $EUID -eq 0 ]] || die "needs root to apt-get install $*; run as root or install these packages: $*"
  apt_update_once
  info "apt-get install $*"
  # 8>&- 9>&-: infra.sh's lock descriptors must not leak into daemons that packages start
  # (installing postgresql starts the distribution's own cluster).
  DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq --no-install-recommends "$@" >/dev/null 8>&- 9>&- \
    || die "apt-get install $* failed (see above)"
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
