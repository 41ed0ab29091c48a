#!/bin/bash
# The node image's health check (installed as raftchat-node-health; Dockerfile HEALTHCHECK):
# exit 0 if this container's node is healthy, 1 if not, with one line saying which.
#
# Healthy = its JVM runs (raftchat-node-ctl status) and its /metrics says it is a LEADER or a
# FOLLOWER (raftchat_raft_role): a member that knows a leader and whose replica applies. A
# candidate, a node outside the group and one in the ERROR state (its replica stopped applying)
# are not.
#
# Why /metrics and not the gRPC health service (grpc.health.v1.Health, which the node also
# serves, with the same meaning): a gRPC probe needs a JVM (or a Go binary, which there is no
# registry to fetch), about 1-2 s of CPU per probe and node; this is one HTTP GET from bash.
#
# Where: RAFTCHAT_HEALTH_ADDR=HOST:PORT, else this node's host and metricsPort (default
# apiPort + 1000) from the cluster file (NODE_ID's entry in CLUSTER_FILE; a node started with
# --cluster FILE --node ID is found in the supervisor's arguments).
set -uo pipefail

fail() { echo "unhealthy: $*"; exit 1; }

raftchat-node-ctl status >/dev/null 2>&1 || fail "the node's JVM is not running ($(raftchat-node-ctl status 2>&1))"

# The node id and cluster file, also when given as arguments to the entrypoint (PID 1).
node_id=${NODE_ID:-}
cluster_file=${CLUSTER_FILE:-/etc/raftchat/cluster.yaml}
if [[ -z $node_id && -r /proc/1/cmdline ]]; then
  mapfile -d '' args </proc/1/cmdline
  for ((i = 0; i < ${#args[@]} - 1; i++)); do
    case ${args[i]} in
      --node) node_id=${args[i + 1]} ;;
      --cluster) cluster_file=${args[i + 1]} ;;
    esac
  done
fi

# host and metricsPort (or apiPort + 1000) of the node's entry, in flow style
# ("- {id: n1, host: ..., apiPort: 9000}") or block style ("- id: n1" then "  host: ..." lines).
node_addr() {
  awk -v want="$1" '
    function flush() { if (id == want && host != "") { print host ":" (mport != "" ? mport : aport + 1000); found = 1; exit } id = host = aport = mport = "" }
    function take(kv,   k, v) {
      k = kv; sub(/:.*/, "", k); gsub(/[ \t"'\'']/, "", k)
      v = kv; sub(/^[^:]*:/, "", v); sub(/#.*/, "", v); gsub(/[ \t"'\''{}]/, "", v)
      if (k == "id") id = v; else if (k == "host") host = v; else if (k == "apiPort") aport = v; else if (k == "metricsPort") mport = v
    }
    /^nodes:/ { in_nodes = 1; next }
    in_nodes && /^[^ \t#-]/ { flush(); in_nodes = 0 }
    in_nodes && /^[ \t]*-/ {
      flush(); line = $0; sub(/^[ \t]*-[ \t]*/, "", line); sub(/^\{/, "", line); sub(/\}[ \t]*(#.*)?$/, "", line)
      n = split(line, parts, ","); for (j = 1; j <= n; j++) take(parts[j]); next
    }
    in_nodes && /^[ \t]+[A-Za-z]+:/ { take($0) }
    END { if (!found) flush() }' "$2"
}

addr=${RAFTCHAT_HEALTH_ADDR:-}
if [[ -z $addr ]]; then
  [[ -n $node_id ]] || fail "no NODE_ID and no --node argument: set RAFTCHAT_HEALTH_ADDR=HOST:PORT"
  [[ -r $cluster_file ]] || fail "cannot read the cluster file $cluster_file"
  addr=$(node_addr "$node_id" "$cluster_file")
  [[ -n $addr ]] || fail "node $node_id has no host in $cluster_file: set RAFTCHAT_HEALTH_ADDR=HOST:PORT"
fi
host=${addr%:*}
port=${addr##*:}

metrics=$(timeout 4 bash -c '
  exec 3<>"/dev/tcp/$0/$1" || exit 1
  printf "GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n" "$0" >&3
  cat <&3' "$host" "$port" 2>/dev/null) || fail "GET http://$addr/metrics failed"
role=$(grep -oE '^raftchat_raft_role\{role="[A-Z_]+"\} 1' <<<"$metrics" | head -1 | sed -E 's/.*role="([A-Z_]+)".*/\1/')
case $role in
  LEADER|FOLLOWER) echo "healthy: $role"; exit 0 ;;
  "") fail "no raftchat_raft_role in http://$addr/metrics" ;;
  *) fail "role $role" ;;
esac
