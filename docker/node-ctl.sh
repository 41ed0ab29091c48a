#!/bin/bash
# Controls the node JVM inside a RaftChat node container (installed as raftchat-node-ctl):
#
#   docker exec n1 raftchat-node-ctl status        # "running PID" (exit 0) | "stopped, last exit code N" (exit 3)
#   docker exec n1 raftchat-node-ctl kill [SIG]    # crash: kill -SIG the JVM (default KILL = kill -9)
#   docker exec n1 raftchat-node-ctl stop          # graceful: SIGTERM, wait up to 30 s for it to exit
#   docker exec n1 raftchat-node-ctl start         # start it again (same data dir), wait until it runs
#   docker exec n1 raftchat-node-ctl pid           # the JVM's pid
#
# The supervisor (raftchat-node-entrypoint, PID 1) owns the JVM; this only signals it or asks it
# to start the JVM again through /run/raftchat/start-request.
set -euo pipefail
STATE=/run/raftchat
PID_FILE=$STATE/java.pid

running_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A killed JVM stays a zombie until the supervisor reaps it: that is not running.
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  echo "$pid"
}

wait_until() { # SECONDS CONDITION...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}
stopped() { ! running_pid >/dev/null; }
started() { running_pid >/dev/null; }

cmd=${1:-status}
case $cmd in
  status)
    if pid=$(running_pid); then echo "running $pid"; exit 0; fi
    echo "stopped, last exit code $(cat "$STATE/last-exit" 2>/dev/null || echo none)"; exit 3 ;;
  pid)
    running_pid || { echo "raftchat-node-ctl: the node is not running" >&2; exit 3; } ;;
  kill)
    sig=${2:-KILL}
    pid=$(running_pid) || { echo "raftchat-node-ctl: the node is not running" >&2; exit 3; }
    kill -s "$sig" "$pid"
    if [[ $sig == KILL || $sig == 9 ]]; then
      wait_until 10 stopped || { echo "raftchat-node-ctl: pid $pid still there 10 s after SIGKILL" >&2; exit 1; }
    fi
    echo "sent SIG$sig to $pid" ;;
  stop)
    pid=$(running_pid) || { echo "already stopped"; exit 0; }
    kill -TERM "$pid"
    wait_until 30 stopped || { echo "raftchat-node-ctl: pid $pid did not exit within 30 s of SIGTERM" >&2; exit 1; }
    echo "stopped $pid" ;;
  start)
    if pid=$(running_pid); then echo "already running $pid"; exit 0; fi
    # Let the supervisor reap the previous JVM first, so it is waiting for a start request.
    wait_until 10 bash -c "[[ ! -e $PID_FILE ]]" || { echo "raftchat-node-ctl: supervisor did not notice the exit" >&2; exit 1; }
    touch "$STATE/start-request"
    wait_until 10 started || { echo "raftchat-node-ctl: the node did not start within 10 s (see docker logs)" >&2; exit 1; }
    echo "running $(running_pid)" ;;
  *)
    sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
