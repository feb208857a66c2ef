#!/usr/bin/env bash
# Installs the pgvector extension into the distribution's PostgreSQL server (called by infra.sh).
#
#   install-pgvector.sh <server bin dir>      e.g. /usr/lib/postgresql/15/bin
#
# Uses the distribution's postgresql-NN-pgvector package when there is one. Debian 12 has none, so
# the source package of Debian's next release is built instead (PGXS), with a private apt sources
# list so that the machine's apt configuration stays untouched. No-op when already installed.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Release whose source package is built when the distribution has no binary package.
readonly SOURCE_SUITE=trixie

bindir=${1:?usage: install-pgvector.sh <postgresql server bin dir>}
major=$(pg_major_of "$bindir")
control="$(pg_sharedir_of "$bindir")/extension/vector.control"
if [[ -f "$control" ]]; then
  exit 0
fi

[[ $EUID -eq 0 ]] || die "pgvector is not installed for PostgreSQL $major ($control missing) and installing it needs root: run sudo ./platform install once, or install the postgresql-$major-pgvector package (pgvector from source where there is none, as on Debian 12)"

apt_install_if_missing() {
  local missing=() pkg
  for pkg in "$@"; do
    [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == "install ok installed" ]] || missing+=("$pkg")
  done
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

apt_update_once  # apt-cache only knows packages of a fresh index

candidate=$(apt-cache policy "postgresql-$major-pgvector" 2>/dev/null | awk '/Candidate:/ {print $2}')
if [[ -n "$candidate" && "$candidate" != "(none)" ]]; then
  apt_install "postgresql-$major-pgvector"
  [[ -f "$control" ]] || die "postgresql-$major-pgvector installed but $control is still missing"
  exit 0
fi

info "no postgresql-$major-pgvector package; building pgvector from Debian $SOURCE_SUITE's source package"
# dpkg-dev (part of build-essential) unpacks the source package; the server headers and PGXS
# come with postgresql-server-dev of the same major version as the server.
apt_install_if_missing build-essential "postgresql-server-dev-$major"

# The mirror the machine's own apt sources use (first non-security URI), so no host is hard-coded.
mirror=""
keyring=""
if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
  mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  keyring=$(awk '/^Signed-By:/ && $2 ~ /^\// {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [[ -z "$mirror" && -f /etc/apt/sources.list ]]; then
  # The URI is the first field with "://" of a deb/deb-src line (after any [options]).
  mirror=$(awk '$1 ~ /^deb/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { if ($i !~ /security/) { print $i; exit } break } }' \
    /etc/apt/sources.list)
fi
[[ -n "$mirror" ]] || die "cannot find a Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"

build_root="$PJ_ROOT/.local/build"
work="$build_root/pgvector"
rm -rf "$work"
mkdir -p "$work/lists/partial"
echo "deb-src ${keyring:+[signed-by=$keyring] }$mirror $SOURCE_SUITE main" >"$work/sources.list"
# Private index; the binary caches are disabled so /var/cache/apt is not rewritten either.
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")

info "fetching the pgvector source package from $mirror ($SOURCE_SUITE)"
apt-get "${apt_private[@]}" update -qq || die "apt-get update of the $SOURCE_SUITE source index failed (see above)"
(cd "$work" && apt-get "${apt_private[@]}" source -qq pgvector) >"$work/source.log" 2>&1 \
  || { cat "$work/source.log" >&2; die "apt-get source pgvector failed"; }

srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' -print -quit)
[[ -n "$srcdir" ]] || die "apt-get source pgvector did not unpack a pgvector-* directory in $work"

info "building $(basename "$srcdir") for PostgreSQL $major"
# OPTFLAGS="" drops pgvector's default -march=native (as Debian's own package does), so the
# library does not depend on the CPU of the machine that built it.
(cd "$srcdir" && make -s PG_CONFIG="$bindir/pg_config" OPTFLAGS="" \
  && make -s PG_CONFIG="$bindir/pg_config" OPTFLAGS="" install) >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log" >&2; die "building pgvector failed (full log: $work/build.log)"; }

[[ -f "$control" ]] || die "pgvector built but $control is missing (see $work/build.log)"
info "pgvector installed ($control)"
