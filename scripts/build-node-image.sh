#!/usr/bin/env bash
# Builds the RaftChat node image (production: non-root, no chaos tools) from docker/node.Dockerfile
# without pulling anything. The chaos tests' image is built on top of it by scripts/build-chaos-image.sh.
#
#   scripts/build-node-image.sh [--base NAME:TAG] [--tag NAME:TAG] [--allow-pull]
#
#   --base   base image (default raftchat/base:bookworm-slim, built by scripts/build-base-image.sh if
#            missing). Must be local unless --allow-pull (e.g. --base eclipse-temurin:17-jre
#            --allow-pull on a machine with a registry).
#   --tag    image to build (default raftchat/node:dev)
#
# Builds raft-node/target/raft-node.jar first (mvn -DskipTests -pl raft-node -am package) if it
# is missing; set MAVEN_OFFLINE=1 to add -o. Sends only the Dockerfile, its scripts, the jar,
# lib/ and the node's class list (for the image's class-data archive) as the build context (a
# filtered view of the repository root). Idempotent (layer cache).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=raftchat/base:bookworm-slim
TAG=raftchat/node:dev
ALLOW_PULL=0
while (($#)); do
  case $1 in
    --base) BASE=${2:?--base needs NAME:TAG}; shift 2 ;;
    --base=*) BASE=${1#--base=}; shift ;;
    --tag) TAG=${2:?--tag needs NAME:TAG}; shift 2 ;;
    --tag=*) TAG=${1#--tag=}; shift ;;
    --allow-pull) ALLOW_PULL=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "build-node-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "build-node-image: $*"; }
die() { echo "build-node-image: ERROR: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/docker-engine.sh first"

JAR=$ROOT/raft-node/target/raft-node.jar
LIB=$ROOT/raft-node/target/lib
if [[ ! -f $JAR || ! -d $LIB ]]; then
  command -v mvn >/dev/null || die "$JAR is missing and mvn is not installed"
  say "$JAR missing: building it (mvn -DskipTests -pl raft-node -am package) ..."
  (cd "$ROOT" && mvn ${MAVEN_OFFLINE:+-o} -q -DskipTests -pl raft-node -am package) || die "maven build failed"
  [[ -f $JAR && -d $LIB ]] || die "the maven build did not produce $JAR and $LIB"
fi

if [[ $BASE == raftchat/base:* ]]; then
  # Builds it if missing, rebuilds it if its package list changed.
  "$ROOT/scripts/build-base-image.sh" "$BASE"
elif ! docker image inspect "$BASE" >/dev/null 2>&1; then
  if ((ALLOW_PULL)); then
    say "base image $BASE is not local; the build will pull it"
  else
    die "base image $BASE is not local and pulling is off (no registry here); build it or pass --allow-pull"
  fi
fi

say "building $TAG from docker/node.Dockerfile with BASE_IMAGE=$BASE ..."
t0=$SECONDS
JAR_SHA=$(sha256sum "$JAR" | cut -c1-64)
# DOCKER_BUILDKIT=0: the classic builder is built into every engine/CLI (no buildx plugin here);
# --pull=false: never re-pull the base.
LOG=$(mktemp /tmp/build-node-image.XXXXXX.log)
if ! tar -C "$ROOT" -c docker/node.Dockerfile docker/node-entrypoint.sh docker/node-ctl.sh docker/node-health.sh \
         raft-node/target/raft-node.jar raft-node/target/lib raft-node/src/main/cds/raft-node.classlist \
     | DOCKER_BUILDKIT=0 docker build --pull=false -f docker/node.Dockerfile \
         --build-arg BASE_IMAGE="$BASE" --build-arg RAFT_NODE_JAR_SHA256="$JAR_SHA" \
         -t "$TAG" - >"$LOG" 2>&1; then
  grep -v -e 'legacy builder is deprecated' -e 'BuildKit is currently disabled' -e '^ *environment-variable' "$LOG" | tail -30 >&2
  die "docker build failed (full log: $LOG)"
fi
rm -f "$LOG"
# Earlier builds of this image that the new tag replaced (untagged, labelled as ours).
docker image prune -f --filter label=org.raftchat.raft-node-jar-sha256 >/dev/null || true
say "built $TAG in $((SECONDS - t0)) s"
docker image ls "$TAG"
