#!/usr/bin/env bash
# Container images of the platform, built with buildah (no daemon):
#
#   deploy/images/images.sh build [SERVICE...]   the base (when needed), then each service's image
#   deploy/images/images.sh base                 only the local base image (made once, then reused)
#   deploy/images/images.sh list                 the images in the project's image store
#   deploy/images/images.sh smoke                api-gateway's image against the running local stack
#
# The four Quarkus services share one image definition, deploy/images/quarkus-service.Containerfile; the
# migrator has its own, schema/src/main/container/Containerfile. Each is built from its module's directory after
# `./mvnw package` (Quarkus fast-jar: target/quarkus-app; the migrator: target/schema.jar and target/lib). Images are named localhost/promptjuggler/<service>:<tag> (PJ_IMAGE_TAG, default: the commit).
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

# The modules with an image: the four services and the migrator (schema), each named as its directory,
# artifactId, image and app.kubernetes.io/name.
readonly SERVICES=(api-gateway run-executor webhook-dispatcher knowledge-ingest schema)
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

containerfile() {
  case "$1" in
    schema) echo "$root/schema/src/main/container/Containerfile" ;;
    *) echo "$here/quarkus-service.Containerfile" ;;
  esac
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
  info "images of: ${services[*]} (tag $TAG)"
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
      -f "$(containerfile "$service")" \
      -t "localhost/promptjuggler/$service:$TAG" -t "localhost/promptjuggler/$service:latest" \
      "$root/$service" >/dev/null
    info "image localhost/promptjuggler/$service:$TAG built in $((SECONDS - started)) s"
  done
}

list() { bah images --filter reference='localhost/promptjuggler/*'; }

# api-gateway's image, started as Kubernetes starts it (its entrypoint and environment, user 185, a read-only root
# filesystem with a writable /tmp) against the local stack's Kafka and PostgreSQL (deploy/local/env.sh's ports),
# until /q/health/ready answers 200. podman cannot run containers on these machines (docs/deploy.md: crun is
# refused its resource limits), so the image's filesystem runs in a chroot on the host's network instead: what is
# checked is the image (JRE, jars, entrypoint, user, read-only root), not a container runtime.
SMOKE_PID="" SMOKE_ROOT="" SMOKE_CTR=""
smoke_cleanup() {
  if [[ -n "$SMOKE_PID" ]]; then kill "$SMOKE_PID" 2>/dev/null || true; wait "$SMOKE_PID" 2>/dev/null || true; fi
  if [[ -n "$SMOKE_ROOT" ]]; then umount -R "$SMOKE_ROOT" 2>/dev/null || true; rmdir "$SMOKE_ROOT" 2>/dev/null || true; fi
  if [[ -n "$SMOKE_CTR" ]]; then bah rm "$SMOKE_CTR" >/dev/null 2>&1 || true; fi
  SMOKE_PID="" SMOKE_ROOT="" SMOKE_CTR=""
}

smoke() {
  local image=localhost/promptjuggler/api-gateway:$TAG mnt entrypoint waited=0 status environment=()
  need_tools
  bah inspect --type image "$image" >/dev/null 2>&1 || die "no image $image: run ./platform images api-gateway first"
  "$root/deploy/local/infra.sh" status >/dev/null || die "the local stack's infrastructure is not running: deploy/local/infra.sh start"
  ! port_in_use "$PJ_GATEWAY_PORT" || die "port $PJ_GATEWAY_PORT (PJ_GATEWAY_PORT) is in use"
  trap smoke_cleanup EXIT
  SMOKE_CTR=$(bah from --pull=never "$image")
  mnt=$(bah mount "$SMOKE_CTR")
  SMOKE_ROOT=$(mktemp -d)
  mount --bind "$mnt" "$SMOKE_ROOT"
  mount -o remount,ro,bind "$SMOKE_ROOT"
  mount -t proc proc "$SMOKE_ROOT/proc"
  mount --rbind /dev "$SMOKE_ROOT/dev"
  mount -t tmpfs -o size=1g tmpfs "$SMOKE_ROOT/tmp"
  mapfile -t environment < <(bah inspect --type image --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$image" | sed '/^$/d')
  entrypoint=$(bah inspect --type image --format '{{index .OCIv1.Config.Entrypoint 2}}' "$image")
  info "smoke: $image on 127.0.0.1:$PJ_GATEWAY_PORT (read-only root, user 185) against Kafka $PJ_KAFKA_BOOTSTRAP and PostgreSQL port $PJ_PG_PORT"
  env -i "${environment[@]}" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PJ_GATEWAY_PORT" \
    PJ_PG_HOST=127.0.0.1 PJ_PG_PORT="$PJ_PG_PORT" PJ_PG_DATABASE="$PJ_PG_DATABASE" PJ_PG_USER="$PJ_PG_USER" \
    PJ_PG_PASSWORD="$PJ_PG_PASSWORD" KAFKA_BOOTSTRAP_SERVERS="$PJ_KAFKA_BOOTSTRAP" \
    GATEWAY_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
    chroot --userspec=185:0 "$SMOKE_ROOT" /bin/sh -c "cd /deployments && $entrypoint" >"$STORE/smoke.log" 2>&1 &
  SMOKE_PID=$!
  until status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PJ_GATEWAY_PORT/q/health/ready") && [[ $status == 200 ]]; do
    kill -0 "$SMOKE_PID" 2>/dev/null || { tail -n 20 "$STORE/smoke.log" >&2; die "the gateway exited (log: $STORE/smoke.log)"; }
    ((waited++ < 180)) || die "/q/health/ready did not answer 200 within 180 s (log: $STORE/smoke.log)"
    sleep 1
  done
  info "smoke: GET /q/health/ready -> 200 after ${waited} s (log: $STORE/smoke.log)"
  smoke_cleanup
}

case "${1:-}" in
  build) build "${@:2}" ;;
  base) need_tools && make_base ;;
  list) list ;;
  smoke) smoke ;;
  *) sed -n '2,7p' "$0" >&2; exit 2 ;;
esac
