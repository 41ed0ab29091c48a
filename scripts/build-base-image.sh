#!/usr/bin/env bash
# Builds a Debian bookworm + OpenJDK 17 JRE base image WITHOUT any container registry:
# debootstrap from the host's own Debian mirror, then `docker import`.
#
#   scripts/build-base-image.sh [NAME:TAG]        # default raftchat/base:bookworm-slim
#
# Idempotent: exits 0 at once if the image already exists (use --force to rebuild).
# Holds only what the production node image needs: openjdk-17-jre-headless, procps (ps, pkill),
# bash and coreutils. The chaos tools (iptables, iproute2, python3, libfaketime) are NOT here:
# scripts/build-chaos-image.sh adds them in the separate raftchat/node-chaos image.
# (The tag is new: the older raftchat/base:bookworm held the chaos tools; other checkouts may
# still build it, so this one does not overwrite it.)
# Environment:
#   DEBIAN_MIRROR=http://...   override the mirror (default: read from the host's apt sources)
#   EXTRA_PACKAGES=a,b         more packages for debootstrap --include
#   WORK_DIR=/var/tmp          where the temporary root file system is built
#   DEBOOTSTRAP_CACHE=/var/cache/raftchat-debootstrap   downloaded packages, reused by rebuilds
set -euo pipefail

FORCE=0
IMAGE=raftchat/base:bookworm-slim
for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "build-base-image: unknown option $arg" >&2; exit 2 ;;
    *) IMAGE=$arg ;;
  esac
done
SUITE=bookworm
PACKAGES=openjdk-17-jre-headless,procps${EXTRA_PACKAGES:+,$EXTRA_PACKAGES}

say() { echo "build-base-image: $*"; }
die() { echo "build-base-image: ERROR: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/docker-engine.sh first"
if [[ $FORCE == 0 ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  # The import comment records the debootstrap command: rebuild when the package list changed.
  if [[ $(docker image inspect -f '{{.Comment}}' "$IMAGE") == *"--include=$PACKAGES $SUITE "* ]]; then
    say "$IMAGE already exists ($(docker image inspect -f '{{.Id}}' "$IMAGE" | cut -c1-19)); nothing to do"
    exit 0
  fi
  say "$IMAGE exists but was built with other packages ($(docker image inspect -f '{{.Comment}}' "$IMAGE")); rebuilding"
fi
[[ $(id -u) == 0 ]] || die "debootstrap needs root"
command -v debootstrap >/dev/null || die "debootstrap not installed (scripts/docker-engine.sh installs it)"

# The Debian mirror this host already uses (no other network access is assumed).
find_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [[ -f $f ]]; then
    # deb822: the URIs of the stanza whose Suites include the plain suite (not -security/-updates).
    awk -v suite="$SUITE" '
      /^[[:space:]]*$/ { if (uri && ok) { print uri; exit } uri=""; ok=0; next }
      /^URIs:/   { uri=$2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok=1 }
      END { if (uri && ok) print uri }' "$f" | head -1
  fi
  local l
  for l in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $l ]] || continue
    awk -v suite="$SUITE" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/ && $(i+1) == suite) { print $i; exit } }' "$l"
  done
}
MIRROR=${DEBIAN_MIRROR:-$(find_mirror | head -1)}
[[ -n $MIRROR ]] || die "cannot find a Debian mirror for '$SUITE' in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list; set DEBIAN_MIRROR"

DIR=$(mktemp -d "${WORK_DIR:-/var/tmp}/raftchat-rootfs.XXXXXX")
cleanup() {
  # debootstrap may leave proc/sys/dev mounts behind on failure: unmount before deleting.
  local m
  for m in $(awk -v d="$DIR" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$DIR"
}
trap cleanup EXIT

say "debootstrap --variant=minbase $SUITE from $MIRROR into $DIR (log: /tmp/build-base-image.log) ..."
t0=$SECONDS
# Downloaded .debs are kept in CACHE for the next build on this machine.
CACHE=${DEBOOTSTRAP_CACHE:-/var/cache/raftchat-debootstrap}
mkdir -p "$CACHE"
if ! debootstrap --cache-dir="$CACHE" --variant=minbase --include="$PACKAGES" "$SUITE" "$DIR" "$MIRROR" >/tmp/build-base-image.log 2>&1; then
  tail -20 /tmp/build-base-image.log >&2
  [[ -f $DIR/debootstrap/debootstrap.log ]] && tail -20 "$DIR/debootstrap/debootstrap.log" >&2
  die "debootstrap failed (log: /tmp/build-base-image.log)"
fi
say "debootstrap done in $((SECONDS - t0)) s"

# Slim down: package caches and lists, docs, man pages.
rm -rf "$DIR"/var/cache/apt/archives/*.deb "$DIR"/var/lib/apt/lists/* "$DIR"/usr/share/doc/* "$DIR"/usr/share/man/* \
       "$DIR"/var/log/*.log "$DIR"/tmp/* 2>/dev/null || true
[[ -x $DIR/usr/bin/java ]] || die "no /usr/bin/java in the new root file system"
JAVA_HOME_IN=$(dirname "$(dirname "$(readlink -f "$DIR/usr/bin/java" | sed "s#^$DIR##")")")

say "docker import -> $IMAGE ..."
t1=$SECONDS
tar --numeric-owner -C "$DIR" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV LANG=C.UTF-8' \
  -c "ENV JAVA_HOME=$JAVA_HOME_IN" \
  -c 'CMD ["/bin/bash"]' \
  -m "debootstrap --variant=minbase --include=$PACKAGES $SUITE $MIRROR" \
  - "$IMAGE" >/dev/null
say "imported in $((SECONDS - t1)) s; total $((SECONDS - t0)) s"
docker image ls "$IMAGE"
# Smoke test: the tools the node image relies on.
if ! docker run --rm "$IMAGE" sh -c 'java -version 2>&1 | head -1 && pkill -V | head -1 && command -v useradd >/dev/null' | sed 's/^/    /'; then
  docker rmi "$IMAGE" >/dev/null 2>&1 || true
  die "smoke test of $IMAGE failed (java/pkill/useradd); image removed"
fi
say "ok: $IMAGE"
