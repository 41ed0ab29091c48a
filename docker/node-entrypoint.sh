#!/bin/bash
# Main process (PID 1) of a RaftChat node container: a small supervisor around ONE node JVM.
#
#   docker run ... -e NODE_ID=n1 -v cluster.yaml:/etc/raftchat/cluster.yaml:ro raftchat/node:dev
#   docker run ... raftchat/node:dev --cluster /etc/raftchat/cluster.yaml --node n1
#   docker run -it raftchat/node:dev bash            # anything not starting with "--" is exec'd as is
#
# The JVM is a child of this script, so it can be killed (kill -9) from `docker exec` while the
# container, its file system (the node's data dir), its IP address and any iptables/tc rules
# in its network namespace stay. What happens when the JVM exits is RAFTCHAT_ON_EXIT:
#   wait     (default) stay up with the node down; `raftchat-node-ctl start` starts it again
#   restart  start it again after RAFTCHAT_RESTART_DELAY seconds (default 1)
#   exit     the container exits with the JVM's exit code (restart with `docker start`)
# Whatever the mode, two exit codes of the node itself are handled here (except with `exit`):
#   75  storage failed (full disk, failed write): started again after a back-off (1 s, doubling to
#       10 s while it keeps failing within a minute), as systemd's Restart= would
#   74  its data is corrupt: left down; replace the replica (see docs/operations.md)
#   70  a bug in apply (every replica fails on the same entry): left down; a restart would loop
# RAFTCHAT_AUTOSTART=false: do not start the JVM until `raftchat-node-ctl start`.
# RAFTCHAT_FAKETIME=true: run the JVM under libfaketime (the chaos image has it) with its wall clock
#   offset by what /run/raftchat/faketime says (e.g. "+30s", "-300s"; re-read every second). The
#   monotonic clock stays true. The chaos tests' clock nemesis rewrites the file.
# RAFTCHAT_SLOW_DISK=true: preload libraftchat-slowsync (docker/slowsync.c, chaos image only): every fsync/fdatasync
#   first sleeps the milliseconds in /run/raftchat/slow-fsync-ms (0 or absent: none). The chaos
#   tests' slow-disk nemesis writes the file.
# RAFTCHAT_POWER_LOSS=true: preload libraftchat-powerloss (docker/powerloss.c, chaos image only), which records in
#   /run/raftchat/powerloss/ledger how much of each file under RAFTCHAT_POWERLOSS_DIR (/data) a sync
#   made durable; each start begins a fresh ledger listing the files on disk. After a kill -9,
#   raftchat-power-cut (docker/power-cut.py) cuts the files back to that: the chaos tests' power-loss nemesis.
# `docker stop` (SIGTERM) is forwarded to the JVM (graceful shutdown), then the container exits.
#
# The JVM starts from the image's class-data archive (NODE_CLASS_ARCHIVE, /opt/raftchat/raft-node.jsa,
# written when the image was built) unless JAVA_OPTS says -Xshare or names an archive itself.
#
# Environment: NODE_ID, CLUSTER_FILE (/etc/raftchat/cluster.yaml), JAVA_OPTS,
#              NODE_JAR (/opt/raftchat/raft-node.jar), NODE_CLASS_ARCHIVE. Control files live in /run/raftchat.
set -uo pipefail

if [[ $# -gt 0 && $1 != --* ]]; then
  exec "$@"
fi

STATE=/run/raftchat
PID_FILE=$STATE/java.pid
EXIT_FILE=$STATE/last-exit
START_FLAG=$STATE/start-request
NODE_JAR=${NODE_JAR:-/opt/raftchat/raft-node.jar}
NODE_CLASS_ARCHIVE=${NODE_CLASS_ARCHIVE:-/opt/raftchat/raft-node.jsa}
ON_EXIT=${RAFTCHAT_ON_EXIT:-wait}
RESTART_DELAY=${RAFTCHAT_RESTART_DELAY:-1}

log() { echo "$(date -u '+%Y-%m-%d %H:%M:%S.%3N') [raftchat-entrypoint] $*"; }
die() { log "ERROR: $*"; exit 2; }

if [[ $# -gt 0 ]]; then
  NODE_ARGS=("$@")
else
  [[ -n ${NODE_ID:-} ]] || die "set NODE_ID (e.g. -e NODE_ID=n1) or pass --cluster FILE --node ID"
  NODE_ARGS=(--cluster "${CLUSTER_FILE:-/etc/raftchat/cluster.yaml}" --node "$NODE_ID")
fi
case $ON_EXIT in wait|restart|exit) ;; *) die "RAFTCHAT_ON_EXIT must be wait, restart or exit, got '$ON_EXIT'" ;; esac
[[ -f $NODE_JAR ]] || die "$NODE_JAR not found"

mkdir -p "$STATE"
rm -f "$PID_FILE" "$START_FLAG"          # stale after a `docker start` of a stopped container

JAVA_PID=
STOPPING=0

on_term() {
  STOPPING=1
  if [[ -n $JAVA_PID ]]; then
    log "SIGTERM: stopping the node (pid $JAVA_PID)"
    kill -TERM "$JAVA_PID" 2>/dev/null
  fi
}
trap on_term TERM INT

JVM_ENV=()   # environment of the JVM only: LD_PRELOAD of the shims, libfaketime settings
if [[ ${RAFTCHAT_FAKETIME:-false} == true ]]; then
  FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
  if [[ -n $FAKETIME_LIB ]]; then
    [[ -f $STATE/faketime ]] || echo "+0" >"$STATE/faketime"
    # FAKETIME_FORCE_MONOTONIC_FIX=0: with the fix, libfaketime's pthread_cond_timedwait returns at once
    # for the JVM's monotonic condition variables (every timed wait spins: a 30x slower start, cores busy).
    JVM_ENV=(LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$STATE/faketime" FAKETIME_CACHE_DURATION=1
                  FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0)
    touch "$STATE/faketime-active"   # what the clock nemesis checks before it claims to skew a clock
  else
    log "WARNING: RAFTCHAT_FAKETIME=true but libfaketime is not installed (only the chaos image, scripts/build-chaos-image.sh, has it); real clock"
  fi
fi

EXIT_STORAGE_FAILED=75
EXIT_DATA_CORRUPT=74
EXIT_APPLY_BUG=70
BACKOFF_S=1
STARTED_AT=0

# One LD_PRELOAD for every shim: space-separated, libfaketime first.
preload() {
  if ((${#JVM_ENV[@]})) && [[ ${JVM_ENV[0]} == LD_PRELOAD=* ]]; then
    JVM_ENV[0]="${JVM_ENV[0]} $1"
  else
    JVM_ENV=(LD_PRELOAD="$1" "${JVM_ENV[@]}")
  fi
}

SLOWSYNC_LIB=/usr/local/lib/libraftchat-slowsync.so
if [[ ${RAFTCHAT_SLOW_DISK:-false} == true ]]; then
  if [[ -f $SLOWSYNC_LIB ]]; then
    preload "$SLOWSYNC_LIB"
    touch "$STATE/slow-disk-active"   # what the slow-disk nemesis checks before it claims to slow fsync
  else
    log "WARNING: RAFTCHAT_SLOW_DISK=true but $SLOWSYNC_LIB is missing; fsync at full speed"
  fi
fi

POWERLOSS_LIB=/usr/local/lib/libraftchat-powerloss.so
POWERLOSS_LEDGER=$STATE/powerloss/ledger
POWER_LOSS=false
if [[ ${RAFTCHAT_POWER_LOSS:-false} == true ]]; then
  if [[ -f $POWERLOSS_LIB ]]; then
    preload "$POWERLOSS_LIB"
    POWER_LOSS=true
  else
    log "WARNING: RAFTCHAT_POWER_LOSS=true but $POWERLOSS_LIB is missing; a power cut cannot be simulated"
  fi
fi

# What is on disk when the JVM starts is durable (the power came back): the ledger starts from it.
start_ledger() {
  local dir=${RAFTCHAT_POWERLOSS_DIR:-/data}
  mkdir -p "$STATE/powerloss"
  find "$dir" -path '*/logs' -prune -o -type f -printf 'S\t%i\t%s\t%p\n' >"$POWERLOSS_LEDGER.tmp" 2>/dev/null
  mv "$POWERLOSS_LEDGER.tmp" "$POWERLOSS_LEDGER"
}

JVM_OPTS=${JAVA_OPTS:-}
if [[ -f $NODE_CLASS_ARCHIVE && " $JVM_OPTS " != *" -Xshare:"* && $JVM_OPTS != *SharedArchiveFile* ]]; then
  JVM_OPTS="$JVM_OPTS -XX:SharedArchiveFile=$NODE_CLASS_ARCHIVE"
fi

start_java() {
  STARTED_AT=$SECONDS
  if [[ $POWER_LOSS == true ]]; then start_ledger; fi
  # shellcheck disable=SC2086  # JVM_OPTS is a list of options
  env "${JVM_ENV[@]}" java $JVM_OPTS -jar "$NODE_JAR" "${NODE_ARGS[@]}" &
  JAVA_PID=$!
  echo "$JAVA_PID" >"$PID_FILE"
  rm -f "$START_FLAG"
  log "node started: pid $JAVA_PID: java $JVM_OPTS -jar $NODE_JAR ${NODE_ARGS[*]}"
}

# Waits for the JVM to exit (a trapped SIGTERM interrupts `wait`; then wait again).
wait_java() {
  local rc
  while :; do
    wait "$JAVA_PID"; rc=$?
    if ! kill -0 "$JAVA_PID" 2>/dev/null; then
      break
    fi
  done
  echo "$rc" >"$EXIT_FILE"
  rm -f "$PID_FILE"
  JAVA_PID=
  return "$rc"
}

# Sleeps SECONDS, unless a start request or SIGTERM comes first; then starts the JVM. 1: stopping.
restart_after() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)) && [[ ! -e $START_FLAG ]]; do
    ((STOPPING)) && return 1
    sleep 0.2
  done
  ((STOPPING)) && return 1
  start_java
}

if [[ ${RAFTCHAT_AUTOSTART:-true} != false ]]; then
  start_java
fi

while :; do
  if [[ -n $JAVA_PID ]]; then
    wait_java; rc=$?
    if ((STOPPING)); then
      log "node stopped (exit code $rc); container exits"
      exit 0
    fi
    if ((rc > 128)); then
      log "node process died: exit code $rc (signal $((rc - 128)))"
    else
      log "node process exited: exit code $rc"
    fi
    if [[ $ON_EXIT != exit ]] && ((rc == EXIT_STORAGE_FAILED)); then
      ((SECONDS - STARTED_AT >= 60)) && BACKOFF_S=1
      log "node stopped on a storage failure (see its log); starting it again in ${BACKOFF_S} s"
      restart_after "$BACKOFF_S" || exit 0
      BACKOFF_S=$((BACKOFF_S * 2 > 10 ? 10 : BACKOFF_S * 2))
      continue
    fi
    if [[ $ON_EXIT != exit ]] && ((rc == EXIT_DATA_CORRUPT)); then
      log "node stopped: its data is corrupt (see its log). Not restarting: replace the replica (remove-node, wipe its data, start, add-node)"
    elif [[ $ON_EXIT != exit ]] && ((rc == EXIT_APPLY_BUG)); then
      log "node stopped: a bug in apply (see its log). Not restarting: it would fail on the same entry again; start a fixed build"
    else
      case $ON_EXIT in
        exit) log "RAFTCHAT_ON_EXIT=exit: container exits"; exit "$rc" ;;
        restart) sleep "$RESTART_DELAY"; ((STOPPING)) && exit 0; start_java; continue ;;
        wait) log "node is down; 'raftchat-node-ctl start' (docker exec) starts it again" ;;
      esac
    fi
  fi
  # Node down: wait for a start request (or SIGTERM).
  while [[ ! -e $START_FLAG ]]; do
    ((STOPPING)) && { log "container stops"; exit 0; }
    sleep 0.2
  done
  log "start requested"
  start_java
done
