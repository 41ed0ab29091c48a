#!/usr/bin/env bash
# Builds the chaos tests' image (docker/node-chaos.Dockerfile): the node image plus the tools the
# nemeses run inside the containers (iptables, tc, python3, libfaketime, the fsync shims). Builds the
# node image first (scripts/build-node-image.sh, and the base image if missing). Never pulls.
#
#   scripts/build-chaos-image.sh [--base NAME:TAG] [--node-tag NAME:TAG] [--tag NAME:TAG]
#
#   --base       the node image's base (default raftchat/base:bookworm-slim)
#   --node-tag   the node image to build and build on (default raftchat/node:dev)
#   --tag        the chaos image to build (default raftchat/node-chaos:dev)
#
# The packages come as .debs downloaded once per base image into target/docker/chaos-debs (apt in a
# throwaway container of the base, from the mirror in its sources.list): the chaos image is rebuilt
# after every node build, and that needs no network. Needs gcc for docker/slowsync.c and powerloss.c.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=raftchat/base:bookworm-slim
NODE_TAG=raftchat/node:dev
TAG=raftchat/node-chaos:dev
while (($#)); do
  case $1 in
    --base) BASE=${2:?--base needs NAME:TAG}; shift 2 ;;
    --node-tag) NODE_TAG=${2:?--node-tag needs NAME:TAG}; shift 2 ;;
    --tag) TAG=${2:?--tag needs NAME:TAG}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "build-chaos-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# What the nemeses need; docker/node-chaos.Dockerfile says which nemesis uses what.
PACKAGES=(iptables iproute2 python3-minimal libfaketime)

say() { echo "build-chaos-image: $*"; }
die() { echo "build-chaos-image: ERROR: $*" >&2; exit 1; }

"$ROOT/scripts/build-node-image.sh" --base "$BASE" --tag "$NODE_TAG"

# The nemeses' LD_PRELOAD shims, compiled here: the images have no compiler.
# slowsync.c: slow fsync (slow-disk); powerloss.c: what each sync made durable (power-loss).
OUT=$ROOT/target/docker
mkdir -p "$OUT"
command -v gcc >/dev/null || die "gcc is needed to build the shims in docker/ (apt-get install gcc libc6-dev)"
for shim in slowsync powerloss; do
  gcc -shared -fPIC -O2 -Wall -o "$OUT/libraftchat-$shim.so" "$ROOT/docker/$shim.c" -ldl -lpthread \
    || die "compiling docker/$shim.c failed"
done

# The .debs, resolved against the node image's own package set (the base's): downloaded again
# only when the base image or the package list changes.
DEBS=$OUT/chaos-debs
STAMP="$(docker image inspect -f '{{.Id}}' "$BASE") ${PACKAGES[*]}"
if [[ ! -f $DEBS/.stamp || $(cat "$DEBS/.stamp") != "$STAMP" ]]; then
  say "downloading ${PACKAGES[*]} for $BASE (once per base image) ..."
  rm -rf "$DEBS"; mkdir -p "$DEBS"
  LOG=$(mktemp /tmp/build-chaos-image.XXXXXX.log)
  # As root in the node image: its dpkg database is the one the packages will be installed into.
  if ! docker run --rm --user 0 -v "$DEBS:/out" "$NODE_TAG" bash -c '
        set -e
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only --no-install-recommends "$@"
        cp /var/cache/apt/archives/*.deb /out/' _ "${PACKAGES[@]}" >"$LOG" 2>&1; then
    tail -20 "$LOG" >&2
    die "downloading the packages failed (full log: $LOG)"
  fi
  rm -f "$LOG"
  echo "$STAMP" >"$DEBS/.stamp"
  say "$(ls "$DEBS"/*.deb | wc -l) packages in $DEBS"
fi

say "building $TAG from docker/node-chaos.Dockerfile on $NODE_TAG ..."
t0=$SECONDS
LOG=$(mktemp /tmp/build-chaos-image.XXXXXX.log)
if ! tar -C "$ROOT" -c docker/node-chaos.Dockerfile docker/netdelay.py docker/power-cut.py \
         target/docker/libraftchat-slowsync.so target/docker/libraftchat-powerloss.so target/docker/chaos-debs \
     | DOCKER_BUILDKIT=0 docker build --pull=false -f docker/node-chaos.Dockerfile --build-arg NODE_IMAGE="$NODE_TAG" \
         -t "$TAG" - >"$LOG" 2>&1; then
  grep -v -e 'legacy builder is deprecated' -e 'BuildKit is currently disabled' -e '^ *environment-variable' "$LOG" | tail -30 >&2
  die "docker build failed (full log: $LOG)"
fi
rm -f "$LOG"
docker image prune -f --filter label=org.raftchat.chaos=true >/dev/null || true
say "built $TAG in $((SECONDS - t0)) s"
docker image ls "$TAG"
