#!/usr/bin/env bash
# Builds the Prometheus image of docker/compose.yaml (docker/prometheus.Dockerfile: Debian's
# prometheus package on the local base image) without a registry. Idempotent (layer cache).
#
#   scripts/build-prometheus-image.sh [--base NAME:TAG] [--tag NAME:TAG]
#
#   --base   default raftchat/base:bookworm-slim (scripts/build-base-image.sh builds it if missing)
#   --tag    default raftchat/prometheus:dev
# The build downloads the package from the base's Debian mirror (the host's, for the local base).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=raftchat/base:bookworm-slim
TAG=raftchat/prometheus:dev
while (($#)); do
  case $1 in
    --base) BASE=${2:?--base needs NAME:TAG}; shift 2 ;;
    --tag) TAG=${2:?--tag needs NAME:TAG}; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "build-prometheus-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "build-prometheus-image: ERROR: $*" >&2; exit 1; }
docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/docker-engine.sh first"
if [[ $BASE == raftchat/base:* ]]; then
  "$ROOT/scripts/build-base-image.sh" "$BASE"
fi
LOG=$(mktemp /tmp/build-prometheus-image.XXXXXX.log)
if ! tar -C "$ROOT/docker" -c prometheus.Dockerfile \
     | DOCKER_BUILDKIT=0 docker build --pull=false -f prometheus.Dockerfile --build-arg BASE_IMAGE="$BASE" -t "$TAG" - >"$LOG" 2>&1; then
  grep -v -e 'legacy builder is deprecated' -e 'BuildKit is currently disabled' -e '^ *environment-variable' "$LOG" | tail -30 >&2
  die "docker build failed (full log: $LOG)"
fi
rm -f "$LOG"
echo "build-prometheus-image: built $TAG ($(docker run --rm "$TAG" --version 2>&1 | head -1))"
