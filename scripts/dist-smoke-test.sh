#!/usr/bin/env bash
# Checks the packaged distribution end to end: unpacks distribution/target/raftchat-*.tar.gz into a
# temporary directory, starts a 3-node cluster with its bin/raftchat-node, waits for a leader with
# its bin/raftchat, writes and reads a message, scrapes /metrics, checks --version, the bash completion and
# the monitoring files it ships, that a client command and a restarted node start from the class-data
# archives the first starts wrote, stops the nodes (SIGTERM).
#
#   mvn -DskipTests package && scripts/dist-smoke-test.sh
#
# Ports: RAFT_PORT_BASE (7200) + i, API_PORT_BASE (9200) + i, metrics API port + 1000, i = 1..3.
# Prints "N passed, N failed"; exit code 1 if anything failed. KEEP=1 keeps the directory.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RAFT_BASE=${RAFT_PORT_BASE:-7200}
API_BASE=${API_PORT_BASE:-9200}
passed=0 failed=0
check() { if eval "$2" >/dev/null 2>&1; then echo "ok   $1"; ((passed++)); else echo "FAIL $1"; ((failed++)); fi; }

TAR=$(ls "$ROOT"/distribution/target/raftchat-*.tar.gz 2>/dev/null | head -1)
[[ -n $TAR ]] || { echo "dist-smoke-test: no distribution/target/raftchat-*.tar.gz; run: mvn -DskipTests package" >&2; exit 2; }
WORK=$(mktemp -d /tmp/raftchat-dist.XXXXXX)
tar -C "$WORK" -xzf "$TAR"
HOME_DIR=$(ls -d "$WORK"/raftchat-*)
# The launchers' class-data archives (lib/class-archive.sh) go to the work dir, not to your home.
export RAFTCHAT_CLASS_ARCHIVE_DIR=$WORK/class-archives
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; kill -KILL "$pid" 2>/dev/null; done
  [[ ${KEEP:-0} == 1 ]] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

{
  echo "nodes:"
  for i in 1 2 3; do
    echo "  - {id: n$i, host: 127.0.0.1, raftPort: $((RAFT_BASE + i)), apiPort: $((API_BASE + i)), dataDir: data/n$i}"
  done
} > "$HOME_DIR/conf/smoke.yaml"
for i in 1 2 3; do
  "$HOME_DIR/bin/raftchat-node" --cluster "$HOME_DIR/conf/smoke.yaml" --node "n$i" --log-dir "$HOME_DIR/logs" \
      --no-log-console > "$HOME_DIR/n$i.out" 2>&1 &
  PIDS+=($!)
done
CLUSTER=127.0.0.1:$((API_BASE + 1)),127.0.0.1:$((API_BASE + 2)),127.0.0.1:$((API_BASE + 3))
cli() { "$HOME_DIR/bin/raftchat" "$@" --cluster "$CLUSTER"; }

for _ in $(seq 1 120); do cli status 2>/dev/null | grep -q LEADER && break; sleep 1; done
check "a leader is elected" "cli status | grep -q LEADER"
# The client's config dir (and so its session file) lives in the work dir, not in your home.
export RAFTCHAT_CONFIG_DIR=$WORK/client-config RAFTCHAT_PASSWORD=smoke-test-password
check "register and log in" "cli register --user ann && cli login --user ann"
check "create a room" "cli create-room smoke"
check "send a message" "cli send --room smoke 'hello from the distribution' | grep -q 'seq=1'"
check "send as JSON" "cli send --room smoke -o json 'second' | grep -q '\"seq\":2'"
check "read it back" "cli history --room smoke | grep -q 'hello from the distribution'"
check "session file is owner-only" "[[ \$(stat -c %a $WORK/client-config/session) == 600 ]]"
# Scrapes to a file first: grep -q closes a pipe early, and curl's failure then fails the check (pipefail).
check "metrics on every node" "all=1; for i in 1 2 3; do curl -sf -o $WORK/metrics-n\$i.txt http://127.0.0.1:\$((API_BASE + 1000 + i))/metrics && grep -q '^raftchat_applied_index' $WORK/metrics-n\$i.txt || all=0; done; ((all))"
check "build info metric" "curl -sf -o $WORK/metrics.txt http://127.0.0.1:\$((API_BASE + 1001))/metrics && grep -q '^raftchat_build_info{' $WORK/metrics.txt"
check "versions name the build" "$HOME_DIR/bin/raftchat --version | grep -Eq '^raftchat [0-9].*\((commit [0-9a-f]{12}|unknown commit)\)' && $HOME_DIR/bin/raftchat-node --version | grep -q '^raftchat-node [0-9]'"
check "bash completion installed" "bash -c 'source $HOME_DIR/completion/raftchat.bash && complete -p raftchat'"
check "man pages installed" "MANPAGER=cat MANWIDTH=100 LANG=C man -l $HOME_DIR/share/man/man1/raftchat.1 | grep -q 'raftchat - ' && [[ -f $HOME_DIR/share/man/man1/raftchat-node.1 && -f $HOME_DIR/share/man/man1/raftchat-send.1 ]]"
check "monitoring files shipped" "[[ -f $HOME_DIR/monitoring/prometheus.yml && -f $HOME_DIR/monitoring/raftchat-alerts.yml && -f $HOME_DIR/monitoring/grafana-dashboard.json ]]"
check "one log file per node" "for i in 1 2 3; do grep -q \"\\[n\$i\\]\" $HOME_DIR/logs/n\$i.log; done"
# The first starts wrote the class-data archives in the background; the starts after them use them.
for _ in $(seq 1 120); do compgen -G "$RAFTCHAT_CLASS_ARCHIVE_DIR/raft-node-*.jsa" >/dev/null \
    && compgen -G "$RAFTCHAT_CLASS_ARCHIVE_DIR/client-cli-*.jsa" >/dev/null && break; sleep 1; done
check "a client command starts from its class-data archive" \
  "JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:class+load=info:file=$WORK/cli-classes.log' cli rooms \
   && grep -q 'org.raftchat.cli.RaftChatCli source: shared objects file' $WORK/cli-classes.log"
kill -TERM "${PIDS[2]}"
for _ in $(seq 1 60); do kill -0 "${PIDS[2]}" 2>/dev/null || break; sleep 0.5; done
"$HOME_DIR/bin/raftchat-node" --cluster "$HOME_DIR/conf/smoke.yaml" --node n3 --log-dir "$HOME_DIR/logs" \
    --no-log-console >> "$HOME_DIR/n3.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do [[ $(grep -c 'Node n3 started' "$HOME_DIR/logs/n3.log" 2>/dev/null) -ge 2 ]] && break; sleep 0.5; done
check "a restarted node starts from its class-data archive" "grep -q '$RAFTCHAT_CLASS_ARCHIVE_DIR/raft-node-.*\.jsa' /proc/${PIDS[3]}/maps"
check "the restarted node rejoins" "cli history --room smoke | grep -q 'hello from the distribution'"
echo "$passed passed, $failed failed"
((failed == 0))
