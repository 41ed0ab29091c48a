#!/usr/bin/env bash
# Ensures a working local Docker engine on a Debian 12 machine without systemd (CI sandbox / VM).
#
#   scripts/docker-engine.sh            # idempotent: exits 0 at once if `docker info` already works
#
# Otherwise (as root): installs docker.io + iptables + debootstrap from the Debian mirror,
# picks a storage driver that works here (overlay2 if an overlay mount works, else vfs),
# starts dockerd in the background (log: /var/log/dockerd.log) and waits up to 60 s for it.
#
# Environment:
#   DOCKER_STORAGE_DRIVER=overlay2|vfs   force a storage driver (default: probe)
#   DOCKERD_LOG=/var/log/dockerd.log     where dockerd's output goes
#   DOCKERD_WAIT_SECS=60                 how long to wait for `docker info`
#
# The engine is Debian's docker.io 20.10 (API 1.41). The docker CLI may be newer and negotiates
# down; docker-java/Testcontainers may need api.version=1.41 (or DOCKER_API_VERSION=1.41).
set -euo pipefail

LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
WAIT=${DOCKERD_WAIT_SECS:-60}
DATA_ROOT=/var/lib/docker

say() { echo "docker-engine: $*"; }
die() { echo "docker-engine: ERROR: $*" >&2; exit 1; }

print_versions() {
  docker version --format 'docker-engine: engine {{.Server.Version}} (API {{.Server.APIVersion}}, min API {{.Server.MinAPIVersion}}); client {{.Client.Version}}'
  docker info --format 'docker-engine: storage driver {{.Driver}}, cgroup driver {{.CgroupDriver}} (cgroup v{{.CgroupVersion}}), data root {{.DockerRootDir}}'
}

engine_ok() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if engine_ok; then
  say "engine already running"
  print_versions
  exit 0
fi

[[ $(id -u) == 0 ]] || die "no working Docker engine and not root: run as root to install/start one"

# ---- 1. packages ----------------------------------------------------------------------------
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  # apt-get update only if the package lists do not know the packages yet.
  if ! apt-cache show "${need[@]}" >/dev/null 2>&1 \
     || [[ -z $(apt-cache policy docker.io | awk '/Candidate:/ {print $2}' | grep -v '(none)') ]]; then
    say "apt-get update ..."
    apt-get update -q
  fi
  say "installing ${need[*]} ..."
  t0=$SECONDS
  # No init system here: the packages' postinst cannot start services (harmless messages).
  apt-get install -y -q --no-install-recommends "${need[@]}" >/tmp/docker-engine-apt.log 2>&1 \
    || { tail -30 /tmp/docker-engine-apt.log >&2; die "apt-get install ${need[*]} failed (full log: /tmp/docker-engine-apt.log)"; }
  say "installed in $((SECONDS - t0)) s"
fi
command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"

# ---- 2. storage driver -------------------------------------------------------------------------
overlay_works() {
  local d; d=$(mktemp -d /var/tmp/ovl-probe.XXXXXX)
  mkdir -p "$d"/{lower,upper,work,merged}
  local ok=1
  if mount -t overlay overlay -o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/merged" 2>/dev/null; then
    touch "$d/merged/probe" 2>/dev/null && ok=0
    umount "$d/merged" || true
  fi
  rm -rf "$d"
  return $ok
}

if [[ -n ${DOCKER_STORAGE_DRIVER:-} ]]; then
  drivers=("$DOCKER_STORAGE_DRIVER")
elif [[ -d $DATA_ROOT/vfs/dir && -n $(ls -A "$DATA_ROOT/vfs/dir" 2>/dev/null) && ! -d $DATA_ROOT/overlay2 ]]; then
  drivers=(vfs)          # keep using the driver that holds the existing images
elif overlay_works; then
  drivers=(overlay2 vfs)
else
  say "an overlay mount does not work here; using vfs (slow, uses full copies per layer/container)"
  drivers=(vfs)
fi

# ---- 3. start dockerd --------------------------------------------------------------------------
mkdir -p "$(dirname "$LOG")"
start_dockerd() {
  local driver=$1
  # A stale pid file from a dead dockerd blocks a new one.
  if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  say "starting dockerd --storage-driver=$driver (log: $LOG)"
  echo "==== $(date -Is) docker-engine.sh: dockerd --storage-driver=$driver" >>"$LOG"
  # setsid + nohup: the daemon outlives this script and its session. Default --iptables=true:
  # dockerd sets up NAT/forwarding for bridge networks and turns on ip_forward.
  setsid nohup dockerd --storage-driver="$driver" --data-root="$DATA_ROOT" >>"$LOG" 2>&1 </dev/null &
  DOCKERD_PID=$!
  local i
  for ((i = 0; i < WAIT; i++)); do
    if docker info >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      say "dockerd exited; last lines of $LOG:"
      tail -5 "$LOG" | sed 's/^/    /'
      return 1
    fi
    sleep 1
  done
  say "dockerd did not answer within $WAIT s; stopping it (pid $DOCKERD_PID)"
  kill "$DOCKERD_PID" 2>/dev/null || true
  sleep 2
  return 1
}

t0=$SECONDS
for driver in "${drivers[@]}"; do
  if start_dockerd "$driver"; then
    say "engine up in $((SECONDS - t0)) s (pid $DOCKERD_PID)"
    print_versions
    exit 0
  fi
done
die "could not start dockerd with storage driver(s) ${drivers[*]}; see $LOG"
