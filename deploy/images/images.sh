#!/usr/bin/env bash
# Container images of the platform, built with buildah (no daemon):
#
#   deploy/images/images.sh build [SERVICE...]   the base (when needed), then each service's image
#   deploy/images/images.sh base                 only the local base image (made once, then reused)
#   deploy/images/images.sh list                 the images in the project's image store
#
# Each service's image is defined by <service>/src/main/container/Containerfile, built from the module's
# directory after `./mvnw package` (Quarkus fast-jar: target/quarkus-app; the migrator: target/schema.jar and
# target/lib). Images are named localhost/promptjuggler/<service>:<tag> (PJ_IMAGE_TAG, default: the commit).
#
# The base image is a build argument (BASE_IMAGE): PJ_BASE_IMAGE names one a registry serves (e.g.
# registry.access.redhat.com/ubi9/openjdk-17-runtime). Unset, the base is made here from the distribution's
# packages, because these machines reach no container registry: debootstrap writes a minimal Debian 12 with
# OpenJDK 17's headless JRE into a `buildah from scratch` container; it is kept and reused (PJ_BASE_REBUILD=1
# makes it again).
#
# Images live in a store of the project's own (.local/containers, vfs driver: it works inside a container,
# where overlay over overlay does not), apart from the machine's. Needs root (debootstrap, buildah's store).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/deploy/local/env.sh"
source "$root/deploy/local/lib.sh"

# Every module of the build with a Containerfile: the four services and the migrator (schema), each named as its
# directory, artifactId, image and app.kubernetes.io/name.
mapfile -t SERVICES < <(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' "$root/pom.xml" \
  | while read -r module; do [[ -f "$root/$module/src/main/container/Containerfile" ]] && echo "$module"; done)
readonly SERVICES
readonly STORE="${PJ_IMAGE_STORE:-$root/.local/containers}"
readonly LOCAL_BASE=localhost/promptjuggler/jre17-base:bookworm
readonly DEBIAN_MIRROR="${PJ_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
TAG="${PJ_IMAGE_TAG:-$(git -C "$root" rev-parse --short=12 HEAD)}"
readonly TAG

bah() { buildah --root "$STORE/storage" --runroot "$STORE/run" --storage-driver vfs "$@"; }

need_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || [[ -n "${PJ_BASE_IMAGE:-}" ]] || missing+=(debootstrap)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
  [[ $EUID -eq 0 ]] || die "buildah's store and debootstrap need root here (sudo ./platform images)"
  mkdir -p "$STORE"
}

# The local base: Debian 12 (minbase) + openjdk-17-jre-headless, user 185 (Quarkus' images run as 185),
# /deployments owned by it. apt's lists and caches are removed: the image never installs anything.
make_base() {
  if [[ -z "${PJ_BASE_REBUILD:-}" ]] && bah inspect --type image "$LOCAL_BASE" >/dev/null 2>&1; then
    info "base: $LOCAL_BASE already made (PJ_BASE_REBUILD=1 makes it again)"
    return 0
  fi
  local ctr mnt log="$STORE/debootstrap.log" started=$SECONDS
  info "base: debootstrap Debian 12 + openjdk-17-jre-headless from $DEBIAN_MIRROR (a few minutes, once; log: $log)"
  ctr=$(bah from scratch)
  mnt=$(bah mount "$ctr")
  if ! debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates-java \
    bookworm "$mnt" "$DEBIAN_MIRROR" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    bah umount "$ctr" >/dev/null
    bah rm "$ctr" >/dev/null
    die "debootstrap failed (log: $log)"
  fi
  chroot "$mnt" /usr/sbin/useradd --uid 185 --gid 0 --home-dir /deployments --no-create-home --shell /usr/sbin/nologin quarkus
  mkdir -p "$mnt/deployments"
  chown 185:0 "$mnt/deployments"
  rm -rf "$mnt"/var/lib/apt/lists/* "$mnt"/var/cache/apt/*.bin "$mnt"/var/cache/apt/archives/*.deb \
    "$mnt"/var/log/* "$mnt"/usr/share/doc/* "$mnt"/usr/share/man/*
  bah umount "$ctr" >/dev/null
  bah config --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 --env LANG=C.UTF-8 --workingdir /deployments \
    --label org.opencontainers.image.description="Debian 12 with OpenJDK 17 JRE (headless), user 185" "$ctr"
  bah commit --quiet --rm "$ctr" "$LOCAL_BASE" >/dev/null
  info "base: $LOCAL_BASE made in $((SECONDS - started)) s"
}

# The module's build output the Containerfile copies; ./mvnw package makes it.
packaged() {
  case "$1" in
    schema) [[ -f "$root/schema/target/schema.jar" ]] ;;
    *) [[ -f "$root/$1/target/quarkus-app/quarkus-run.jar" ]] ;;
  esac
}

build() {
  local services=("$@") service base started missing=()
  ((${#services[@]})) || services=("${SERVICES[@]}")
  for service in "${services[@]}"; do
    [[ " ${SERVICES[*]} " == *" $service "* ]] || die "no image for '$service' (images: ${SERVICES[*]})"
    packaged "$service" || missing+=("$service")
  done
  ((${#missing[@]} == 0)) || die "not packaged: ${missing[*]}; run ./mvnw -B -DskipTests package first"
  need_tools
  if [[ -n "${PJ_BASE_IMAGE:-}" ]]; then
    base=$PJ_BASE_IMAGE
  else
    make_base
    base=$LOCAL_BASE
  fi
  for service in "${services[@]}"; do
    started=$SECONDS
    bah build --quiet --layers=false --pull="$([[ $base == "$LOCAL_BASE" ]] && echo never || echo false)" \
      --build-arg BASE_IMAGE="$base" \
      --label org.opencontainers.image.revision="$(git -C "$root" rev-parse HEAD)" \
      --label org.opencontainers.image.title="$service" \
      -f "$root/$service/src/main/container/Containerfile" \
      -t "localhost/promptjuggler/$service:$TAG" -t "localhost/promptjuggler/$service:latest" \
      "$root/$service" >/dev/null
    info "image localhost/promptjuggler/$service:$TAG built in $((SECONDS - started)) s"
  done
}

list() { bah images --filter reference='localhost/promptjuggler/*'; }

case "${1:-}" in
  build) build "${@:2}" ;;
  base) need_tools && make_base ;;
  list) list ;;
  *) sed -n '2,6p' "$0" >&2; exit 2 ;;
esac
