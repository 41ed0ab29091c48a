#!/usr/bin/env bash
# End-to-end check of the container images on this machine: the compose cluster of the production
# image, then the chaos-test infrastructure (every fault the chaos tests inject) on the chaos image.
#
#   scripts/docker-smoke-test.sh            # builds what is missing, runs, cleans up after itself
#
# Part 1, compose (docker/compose.yaml, with docker-compose; skipped with COMPOSE=0): compose refuses
# to start without RAFTCHAT_ADMIN_TOKEN; the 3 nodes and Prometheus come up and get healthy; the node
# runs as a non-root user that owns its data; the node image has none of the chaos tools and the
# chaos image has all of them; a message written is read back (client-cli.jar in a container); an
# admin call works with the token and fails without it or with a wrong one; Prometheus scrapes the
# 3 nodes with the distribution's alert rules; then again with TLS (docker/compose.tls.yaml,
# certificates from scripts/dev-ca.sh) on the same volumes: the message is still there.
# Part 2, faults on the chaos image: engine up (scripts/docker-engine.sh), base image, node and chaos
# images; a user-defined network and 3 node containers; a leader is elected; (if client-cli/target/client-cli.jar exists) messages
# are written; kill -9 of the leader's JVM -> a new leader; restart of the killed JVM -> it
# rejoins with its data; an iptables partition of the leader -> a new leader, heal -> it follows;
# docker pause of the leader -> a new leader, unpause -> it follows; 50 ms of latency
# (raftchat-netdelay; tc netem if the kernel has it); docker stop/start of a node keeps its data
# and IP. Prints "N passed, N failed" last; exits non-zero on any failure.
# Environment: SMOKE_PREFIX (container/network/compose project prefix, default rcsmoke-), KEEP=1 (leave
# the containers and network up for inspection), NODE_IMAGE / CHAOS_IMAGE (default raftchat/node:dev
# and raftchat/node-chaos:dev; other tags keep concurrent runs apart), COMPOSE=0 (skip part 1).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=${SMOKE_PREFIX:-rcsmoke-}
NET=${PREFIX}net
NODE_IMAGE=${NODE_IMAGE:-raftchat/node:dev}
CHAOS_IMAGE=${CHAOS_IMAGE:-raftchat/node-chaos:dev}
# The faults need the chaos image's tools (iptables, raftchat-netdelay) and root.
IMAGE=$CHAOS_IMAGE
PROJECT=${PREFIX//[^a-z0-9]/}compose
COMPOSE_FILES=(-f "$ROOT/docker/compose.yaml")
NODES=(n1 n2 n3)
WORK=$(mktemp -d /tmp/raftchat-smoke.XXXXXX)
PASSED=0
FAILED=0

say() { echo "smoke: $*"; }
ok() { PASSED=$((PASSED + 1)); echo "smoke: PASS: $*"; }
bad() { FAILED=$((FAILED + 1)); echo "smoke: FAIL: $*" >&2; }
c() { echo "$PREFIX$1"; }   # container (= host) name of node id $1
ip_of() { docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$(c "$1")"; }

compose() { docker-compose -p "$PROJECT" "${COMPOSE_FILES[@]}" "$@"; }
cleanup() {
  if [[ ${COMPOSE:-1} != 0 && ${KEEP:-0} != 1 ]] && command -v docker-compose >/dev/null; then
    RAFTCHAT_ADMIN_TOKEN=cleanup compose down -v >/dev/null 2>&1 || true
  fi
  if [[ ${KEEP:-0} == 1 ]]; then
    say "KEEP=1: leaving containers $(c n1)..$(c n3) and network $NET up"
  else
    for n in "${NODES[@]}"; do docker rm -f "$(c "$n")" >/dev/null 2>&1 || true; done
    docker network rm "$NET" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log_lines() { docker logs "$(c "$1")" 2>&1 | wc -l; }
# log_since ID FROM: the node's log after its first FROM lines.
log_since() { docker logs "$(c "$1")" 2>&1 | tail -n "+$((${2:-0} + 1))"; }
# Last leadership event of a node from its log (after line FROM): "Became leader in term T",
# "Following H:P in term T", "Stopped leading term T".
last_event() {
  log_since "$1" "${2:-0}" | grep -oE 'ChatFsm - (Became leader in term [0-9]+|Following [^ ]+ in term [0-9]+|Stopped leading term [0-9]+)' \
    | tail -1 | sed 's/^ChatFsm - //' || true
}
# "ID TERM" of the leader: the node whose last event is "Became leader" in the highest term.
current_leader() {
  local n ev best="" term=-1
  for n in "${NODES[@]}"; do
    ev=$(last_event "$n")
    if [[ $ev =~ ^Became\ leader\ in\ term\ ([0-9]+)$ ]] && ((BASH_REMATCH[1] > term)); then
      best=$n; term=${BASH_REMATCH[1]}
    fi
  done
  [[ -n $best ]] && echo "$best $term"
}
# wait_leader SECS [NOT_ID MIN_TERM]: sets LEADER and TERM to a leader other than NOT_ID in a term > MIN_TERM.
wait_leader() {
  local deadline=$((SECONDS + $1)) not=${2:-} min=${3:--1} cur
  while ((SECONDS < deadline)); do
    if cur=$(current_leader); then
      read -r LEADER TERM <<<"$cur"
      if [[ $LEADER != "$not" ]] && ((TERM > min)); then return 0; fi
    fi
    sleep 0.5
  done
  return 1
}
# wait_following SECS ID LEADER_ID [FROM]: ID's last event (after log line FROM) is "Following <LEADER host>:...".
wait_following() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    [[ $(last_event "$2" "${4:-0}") == "Following $(c "$3"):"* ]] && return 0
    sleep 0.5
  done
  return 1
}
others() { local n; for n in "${NODES[@]}"; do [[ $n == "$1" ]] || echo "$n"; done; }
# Median TCP connect time in ms from node $1 to host $2 port $3 (includes ~5 ms of bash start-up).
connect_ms() {
  docker exec "$(c "$1")" bash -c '
    for i in 1 2 3 4 5; do s=$(date +%s%N); bash -c "exec 3<>/dev/tcp/$0/$1" 2>/dev/null; e=$(date +%s%N); echo $(((e - s) / 1000000)); done \
      | sort -n | sed -n 3p' "$2" "$3"
}
CLI_JAR=$ROOT/client-cli/target/client-cli.jar
# The client's config dir (its session after login) outlives the throwaway client containers, which
# may run as the node image's uid 10001.
CLI_CONFIG=$WORK/client-config
mkdir -p "$CLI_CONFIG"; chmod 777 "$CLI_CONFIG"
CLI_ENV=(-v "$CLI_CONFIG:/cli-config" -e RAFTCHAT_CONFIG_DIR=/cli-config -e RAFTCHAT_PASSWORD=smoke-test-password)
cli() { # runs the chat client in a throwaway container on the cluster network
  docker run --rm --network "$NET" -v "$ROOT/client-cli/target:/opt/cli:ro" "${CLI_ENV[@]}" "$IMAGE" \
    java -XX:TieredStopAtLevel=1 -jar /opt/cli/client-cli.jar "$@" --cluster "$(c n1):9000,$(c n2):9000,$(c n3):9000"
}

# ---- engine and images -------------------------------------------------------------------------
t=$SECONDS; "$ROOT/scripts/docker-engine.sh"; say "engine: $((SECONDS - t)) s"
t=$SECONDS; "$ROOT/scripts/build-base-image.sh"; say "base image: $((SECONDS - t)) s"
t=$SECONDS; "$ROOT/scripts/build-chaos-image.sh" --node-tag "$NODE_IMAGE" --tag "$CHAOS_IMAGE"; say "node and chaos images: $((SECONDS - t)) s"

# ---- part 1: the compose cluster of the production image -----------------------------------
if [[ ${COMPOSE:-1} != 0 ]]; then
  compose_part() {
    if ! command -v docker-compose >/dev/null; then
      say "installing docker-compose (Debian's Compose v1; there is no Compose v2 plugin package) ..."
      apt-get install -y -q --no-install-recommends docker-compose >/tmp/docker-smoke-apt.log 2>&1 \
        || { bad "apt-get install docker-compose failed (/tmp/docker-smoke-apt.log)"; return; }
    fi
    t=$SECONDS; "$ROOT/scripts/build-prometheus-image.sh"; say "prometheus image: $((SECONDS - t)) s"
    export RAFTCHAT_IMAGE=$NODE_IMAGE
    local cnet=${PROJECT}_raftchat
    local cluster=172.29.7.11:9000,172.29.7.12:9000,172.29.7.13:9000
    # The client in a throwaway container of the production image on the compose network.
    ccli() { docker run --rm --network "$cnet" -v "$ROOT/client-cli/target:/opt/cli:ro" "${CLI_ENV[@]}" "${CCLI_ENV[@]}" "$NODE_IMAGE" \
               java -XX:TieredStopAtLevel=1 -jar /opt/cli/client-cli.jar "$@" --cluster "$cluster"; }
    CCLI_ENV=()
    cn() { echo "${PROJECT}_$1_1"; }   # compose v1's container names
    wait_healthy() { # SECS: every node and Prometheus healthy
      local deadline=$((SECONDS + $1)) s
      while ((SECONDS < deadline)); do
        s=$(for x in n1 n2 n3 prometheus; do docker inspect -f '{{.State.Health.Status}}' "$(cn $x)" 2>/dev/null || echo missing; done | sort -u | tr '\n' ' ')
        [[ $s == "healthy " ]] && return 0
        sleep 2
      done
      say "health: $(for x in n1 n2 n3 prometheus; do echo -n "$x=$(docker inspect -f '{{.State.Health.Status}}' "$(cn $x)" 2>/dev/null) "; done)"
      return 1
    }

    compose down -v >/dev/null 2>&1 || true
    if out=$(env -u RAFTCHAT_ADMIN_TOKEN docker-compose -p "$PROJECT" "${COMPOSE_FILES[@]}" up -d 2>&1); then
      bad "compose started without RAFTCHAT_ADMIN_TOKEN"
    elif [[ $out == *"set RAFTCHAT_ADMIN_TOKEN"* ]] && ! docker inspect "$(cn n1)" >/dev/null 2>&1; then
      ok "compose refuses to start without RAFTCHAT_ADMIN_TOKEN: '$(tail -1 <<<"$out" | sed 's/.*: set RAFTCHAT/set RAFTCHAT/')'"
    else
      bad "compose without the token: $out"
    fi
    export RAFTCHAT_ADMIN_TOKEN="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    t=$SECONDS
    compose up -d >"$WORK/compose-up.log" 2>&1 || { bad "compose up: $(tail -3 "$WORK/compose-up.log")"; return; }
    if wait_healthy 240; then ok "compose: n1 n2 n3 and prometheus healthy ($((SECONDS - t)) s after up)"; else bad "compose: not all healthy within 240 s"; return; fi

    local uid pid
    pid=$(docker exec "$(cn n1)" raftchat-node-ctl pid)
    uid=$(docker exec "$(cn n1)" ps -o uid= -p "$pid" | tr -d ' ')
    if [[ $uid == 10001 && $(docker exec "$(cn n1)" id -u) == 10001 ]]; then ok "node image: the JVM (pid $pid) and docker exec run as uid $uid, not root"; else bad "node image: the JVM runs as uid '$uid', exec as $(docker exec "$(cn n1)" id -u)"; fi
    [[ $(docker exec "$(cn n1)" stat -c %u /data/n1) == 10001 ]] && ok "node image: uid 10001 owns its data dir on the named volume" \
      || bad "node image: /data/n1 owned by uid $(docker exec "$(cn n1)" stat -c %u /data/n1)"
    local present
    present=$(docker exec "$(cn n1)" sh -c 'for t in iptables ip6tables tc python3 raftchat-netdelay; do command -v $t; done;
                                           ls /usr/lib/*/faketime/libfaketime.so.1 /usr/local/lib/libraftchat-slowsync.so 2>/dev/null; true')
    if [[ -z $present ]]; then ok "node image: no iptables, tc, python3, raftchat-netdelay, libfaketime or fsync shim"; else bad "node image carries chaos tools: $(tr '\n' ' ' <<<"$present")"; fi
    if docker run --rm "$CHAOS_IMAGE" sh -c 'command -v iptables && command -v tc && command -v python3 && command -v raftchat-netdelay \
          && ls /usr/lib/*/faketime/libfaketime.so.1 /usr/local/lib/libraftchat-slowsync.so && test "$(id -u)" = 0' >/dev/null 2>&1; then
      ok "chaos image: iptables, tc, python3, raftchat-netdelay, libfaketime and the fsync shim present, runs as root"
    else
      bad "chaos image lacks a tool (or does not run as root)"
    fi
    if docker exec "$(cn n1)" raftchat-node-health >/dev/null && ! docker exec -e RAFTCHAT_HEALTH_ADDR=127.0.0.1:1 "$(cn n1)" raftchat-node-health >/dev/null; then
      ok "health check: '$(docker exec "$(cn n1)" raftchat-node-health)'; nothing listening there -> unhealthy"
    else
      bad "health check: $(docker exec "$(cn n1)" raftchat-node-health)"
    fi

    if [[ -f $CLI_JAR ]]; then
      if ccli register --user carol >/dev/null && ccli login --user carol >/dev/null \
         && ccli create-room composed >/dev/null && ccli send --room composed "hello compose" >/dev/null \
         && [[ $(ccli history --room composed 2>&1) == *"hello compose"* ]]; then
        ok "compose: wrote a message and read it back"
      else
        bad "compose: write/read failed: $(ccli history --room composed 2>&1 | tail -2)"
      fi
      local st
      CCLI_ENV=(-e RAFTCHAT_ADMIN_TOKEN)
      if st=$(ccli admin status 2>&1) && [[ $st == *n1* && $st == *n3* ]]; then ok "admin status with the token: $(head -1 <<<"$st")"; else bad "admin status with the token: $st"; fi
      # A well-formed token of the same length, not the cluster's: the nodes refuse it.
      CCLI_ENV=(-e RAFTCHAT_ADMIN_TOKEN="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')")
      if st=$(ccli admin status 2>&1); then bad "admin status with a wrong token succeeded: $st"
      elif grep -qiE 'token|denied|unauthenticated' <<<"$st"; then ok "admin status with a wrong token refused by the nodes: $(head -1 <<<"$st")"
      else bad "admin status with a wrong token failed otherwise: $st"; fi
      # No token at all: the client refuses before calling (a node refuses a call without one: AdminAuthInterceptor).
      CCLI_ENV=()
      if st=$(ccli admin status 2>&1); then bad "admin status without a token succeeded: $st"; else ok "admin status without a token refused: $(head -1 <<<"$st")"; fi
    else
      say "no $CLI_JAR: skipping the compose client checks"
    fi

    # Prometheus (its address is fixed in docker/compose.yaml): the 3 nodes up, the alert rules loaded.
    local up rules deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
      up=$(curl -sg 'http://172.29.7.20:9090/api/v1/query?query=sum(up{job="raftchat"})' | grep -oE '"value":\[[0-9.]+,"[0-9]+"\]' | grep -oE '"[0-9]+"\]' | tr -dc 0-9 || true)
      [[ $up == 3 ]] && break
      sleep 3
    done
    rules=$(curl -s http://172.29.7.20:9090/api/v1/rules | grep -o '"name":"RaftChat[A-Za-z]*"' | wc -l || true)
    if [[ $up == 3 && $rules -ge 5 ]]; then ok "prometheus: 3 of 3 nodes up, $rules RaftChat alert rules loaded"; else bad "prometheus: up=$up, rules=$rules"; fi

    # TLS: the same volumes, restarted with the override and dev-ca certificates.
    local tls=$WORK/tls
    "$ROOT/scripts/dev-ca.sh" "$tls" --san IP:172.29.7.11 --san IP:172.29.7.12 --san IP:172.29.7.13 >/dev/null
    chown 10001 "$tls"/n?.key; chmod 755 "$tls"
    compose stop >/dev/null 2>&1
    COMPOSE_FILES+=(-f "$ROOT/docker/compose.tls.yaml")
    export RAFTCHAT_TLS_DIR=$tls
    t=$SECONDS
    compose up -d >"$WORK/compose-up.log" 2>&1 || { bad "compose up with TLS: $(tail -3 "$WORK/compose-up.log")"; return; }
    if wait_healthy 240; then ok "compose with TLS: all healthy ($((SECONDS - t)) s)"; else bad "compose with TLS: not all healthy within 240 s"; fi
    if [[ -f $CLI_JAR ]]; then
      local h
      CCLI_ENV=(-v "$tls/ca.crt:/tls-ca.crt:ro")
      if h=$(ccli history --room composed --tls-ca /tls-ca.crt 2>&1) && [[ $h == *"hello compose"* ]]; then
        ok "compose with TLS: the message written before is read back over TLS"
      else
        bad "compose with TLS: history over TLS: $h"
      fi
      CCLI_ENV=()
      if h=$(ccli history --room composed 2>&1); then bad "compose with TLS: a plaintext client got an answer: $h"; else ok "compose with TLS: a plaintext client is refused"; fi
    fi
    if [[ ${KEEP:-0} != 1 ]]; then
      compose down -v >/dev/null 2>&1 && ok "compose down -v" || bad "compose down -v failed"
    fi
  }
  compose_part
fi

# ---- part 2: faults on the chaos image -----------------------------------------------------------
for n in "${NODES[@]}"; do docker rm -f "$(c "$n")" >/dev/null 2>&1 || true; done
docker network rm "$NET" >/dev/null 2>&1 || true
docker network create "$NET" >/dev/null
{
  echo "group: raftchat"
  echo "electionTimeoutMs: 500"
  echo "nodes:"
  for n in "${NODES[@]}"; do
    echo "  - {id: $n, host: $(c "$n"), raftPort: 7000, apiPort: 9000, dataDir: /data/$n}"
  done
} >"$WORK/cluster.yaml"
chmod 644 "$WORK/cluster.yaml"; chmod 755 "$WORK"
for n in "${NODES[@]}"; do
  docker run -d --name "$(c "$n")" --hostname "$(c "$n")" --network "$NET" --cap-add NET_ADMIN \
    -v "$WORK/cluster.yaml:/etc/raftchat/cluster.yaml:ro" -e NODE_ID="$n" "$IMAGE" >/dev/null
done
t=$SECONDS
if wait_leader 120; then ok "leader $LEADER elected in term $TERM ($((SECONDS - t)) s after start)"; else bad "no leader within 120 s"; exit 1; fi
for n in $(others "$LEADER"); do wait_following 60 "$n" "$LEADER" || bad "$n does not follow $LEADER"; done
# Leadership comes before the gRPC server is up: "Node <id> started" marks a node that serves clients.
for n in "${NODES[@]}"; do
  for _ in $(seq 1 120); do
    [[ $(log_since "$n" 0 | grep -c "RaftChatNode - Node $n started" || true) != 0 ]] && break
    sleep 0.5
  done
done

WROTE=0
if [[ -f $CLI_JAR ]]; then
  write_messages() {
    { cli register --user alice && cli login --user alice; } >/dev/null 2>&1 || cli login --user alice >/dev/null || return 1
    cli create-room smoke >/dev/null || return 1
    local i
    for i in 1 2 3; do cli send --room smoke "hello $i" >/dev/null || return 1; done
  }
  if write_messages; then
    WROTE=1; ok "wrote a room and 3 messages through the client"
  else
    bad "client writes failed (client-cli.jar)"
  fi
else
  say "no $CLI_JAR: skipping the client writes"
fi

# ---- crash: kill -9 the leader's JVM, restart it in the same container ------------------------
OLD=$LEADER; OLD_TERM=$TERM
docker exec "$(c "$OLD")" pkill -9 -f raft-node.jar
t=$SECONDS
for _ in $(seq 1 50); do
  st=$(docker exec "$(c "$OLD")" raftchat-node-ctl status || true)
  [[ $st == "stopped, last exit code "[0-9]* ]] && break
  sleep 0.1
done
if [[ $st == "stopped, last exit code 137" ]] \
   && [[ $(docker inspect -f '{{.State.Running}}' "$(c "$OLD")") == true ]]; then
  ok "kill -9 of $OLD's JVM: JVM gone (137), container still running"
else
  bad "after kill -9, $OLD: $(docker exec "$(c "$OLD")" raftchat-node-ctl status || true)"
fi
if wait_leader 30 "$OLD" "$OLD_TERM"; then ok "new leader $LEADER in term $TERM ($((SECONDS - t)) s after the kill)"; else bad "no new leader 30 s after killing $OLD"; fi
from=$(log_lines "$OLD")
docker exec "$(c "$OLD")" raftchat-node-ctl start >/dev/null
t=$SECONDS
if wait_following 60 "$OLD" "$LEADER" "$from"; then ok "restarted $OLD follows $LEADER ($((SECONDS - t)) s after the start)"; else bad "restarted $OLD does not follow $LEADER"; fi
if ((WROTE)); then
  # The state machine writes without RocksDB's WAL (the Raft log is the WAL), so after a kill -9 it
  # reopens at an older applied index and replays; what must survive is the Raft log.
  init=$(log_since "$OLD" "$from" | grep -oE 'init, term=[0-9]+, lastLogId=LogId \[index=[0-9]+' | tail -1 || true)
  [[ $init =~ index=([1-9][0-9]*)$ ]] && ok "$OLD kept its Raft log across the kill: '$init'" || bad "$OLD lost its Raft log: '$init'"
fi

# ---- partition: isolate the leader with iptables inside its container -------------------------
OLD=$LEADER; OLD_TERM=$TERM
for n in $(others "$OLD"); do
  ip=$(ip_of "$n")
  docker exec "$(c "$OLD")" iptables -A INPUT -s "$ip" -j DROP
  docker exec "$(c "$OLD")" iptables -A OUTPUT -d "$ip" -j DROP
done
t=$SECONDS
if wait_leader 30 "$OLD" "$OLD_TERM"; then ok "iptables partition of $OLD: new leader $LEADER in term $TERM ($((SECONDS - t)) s)"; else bad "no new leader after partitioning $OLD"; fi
from=$(log_lines "$OLD")
docker exec "$(c "$OLD")" iptables -F
if wait_following 30 "$OLD" "$LEADER" "$from"; then ok "healed $OLD follows $LEADER"; else bad "healed $OLD does not follow $LEADER"; fi

# ---- pause: freeze the leader's container -----------------------------------------------------
OLD=$LEADER; OLD_TERM=$TERM
docker pause "$(c "$OLD")" >/dev/null
t=$SECONDS
if wait_leader 30 "$OLD" "$OLD_TERM"; then ok "docker pause of $OLD: new leader $LEADER in term $TERM ($((SECONDS - t)) s)"; else bad "no new leader after pausing $OLD"; fi
docker unpause "$(c "$OLD")" >/dev/null
if wait_following 30 "$OLD" "$LEADER"; then ok "unpaused $OLD follows $LEADER"; else bad "unpaused $OLD does not follow $LEADER"; fi

# ---- latency ----------------------------------------------------------------------------------
N=$(others "$LEADER" | head -1); PEER=$(others "$N" | head -1)
if docker exec "$(c "$N")" tc qdisc add dev eth0 root netem delay 50ms 2>"$WORK/netem.err"; then
  docker exec "$(c "$N")" tc qdisc del dev eth0 root
  ok "tc netem works on this kernel"
else
  say "tc netem unavailable here ($(cat "$WORK/netem.err")): checking raftchat-netdelay instead"
fi
base_ms=$(connect_ms "$N" "$(c "$PEER")" 9000)
docker exec "$(c "$N")" raftchat-netdelay start --delay-ms 50 >/dev/null
delayed_ms=$(connect_ms "$N" "$(c "$PEER")" 9000)
# Partition rules (filter table) still apply while packets are delayed (mangle POSTROUTING).
docker exec "$(c "$N")" iptables -A OUTPUT -d "$(ip_of "$PEER")" -j DROP
if docker exec "$(c "$N")" timeout 3 bash -c "exec 3<>/dev/tcp/$(c "$PEER")/9000" 2>/dev/null; then
  bad "iptables DROP did not apply while raftchat-netdelay was on"
else
  ok "iptables DROP still applies while raftchat-netdelay is on"
fi
docker exec "$(c "$N")" iptables -D OUTPUT -d "$(ip_of "$PEER")" -j DROP
docker exec "$(c "$N")" raftchat-netdelay stop >/dev/null
after_ms=$(connect_ms "$N" "$(c "$PEER")" 9000)
if ((delayed_ms >= base_ms + 40 && after_ms < base_ms + 40)); then
  ok "raftchat-netdelay 50 ms on $N: connect $base_ms -> $delayed_ms -> $after_ms ms"
else
  bad "raftchat-netdelay 50 ms on $N: connect $base_ms -> $delayed_ms -> $after_ms ms"
fi

# ---- docker stop / start keeps the data and the address ---------------------------------------
ip_before=$(ip_of "$N")
from=$(log_lines "$N")
docker stop "$(c "$N")" >/dev/null
if [[ $(log_since "$N" "$from" | grep -c 'node stopped (exit code' || true) != 0 ]]; then ok "docker stop: SIGTERM reached $N's JVM"; else bad "docker stop: no graceful stop logged on $N"; fi
docker start "$(c "$N")" >/dev/null
t=$SECONDS
if wait_following 60 "$N" "$LEADER" "$from"; then ok "docker start: $N follows $LEADER again ($((SECONDS - t)) s)"; else bad "docker start: $N does not follow $LEADER"; fi
ip_after=$(ip_of "$N")
[[ $ip_before == "$ip_after" ]] && say "$N kept its IP $ip_after across docker stop/start" || say "note: $N's IP changed $ip_before -> $ip_after across docker stop/start"
if ((WROTE)); then
  applied=$(log_since "$N" "$from" | grep -oE 'Opened chat state in [^ ]+ at applied index [0-9]+' | tail -1 || true)
  [[ $applied =~ index\ ([1-9][0-9]*)$ ]] && ok "$N kept its state across docker stop/start (graceful, flushed): '$applied'" || bad "$N lost its state: '$applied'"
  if out=$(cli history --room smoke 2>&1) && [[ $(grep -c 'hello' <<<"$out") == 3 ]]; then ok "history after all faults has the 3 messages"; else bad "history after all faults: $out"; fi
fi

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
