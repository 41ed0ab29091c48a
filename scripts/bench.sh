#!/usr/bin/env bash
# The RaftChat benchmark suite against a fresh local cluster, or the state machine's JMH micro-benchmarks.
#
#   scripts/bench.sh [--nodes 3|5] [--quick] [--read-mode safe|lease] [-- BENCH_OPTION...]
#       Builds if needed, starts a fresh cluster of separate node processes (a temporary run dir;
#       Raft ports 17101+, API ports 19101+, so a ./raftchat-dev cluster keeps running), runs the
#       standard suite with `raftchat bench`, stops and wipes the cluster, prints the summary table.
#       Suite: open loop 500/s and 2000/s, with 2 readers on followers at 200 reads/s in all;
#              closed loop 1, 16 and 64 in flight, writes only (no readers), for maximum throughput;
#              open loop 500/s with 2 readers at 1000 reads/s in all (the follower-read target);
#              2 subscribers on followers throughout; 20 s each after a 5 s warm-up (--quick: 5 s after 2 s).
#       --read-mode sets the cluster's raft.readMode (default safe, see the README).
#       BENCH_OPTIONs go to every run, e.g. `-- --read-rate 1000` or `-- --message-bytes 1024`.
#       Results: bench-results/<time>/<n>-<load>/ (result.json, *.hlog, percentiles.svg),
#                bench-results/<time>/summary.md, and the nodes' logs in bench-results/<time>/logs/.
#
#   scripts/bench.sh mixed [--nodes 3|5] [--quick] [--read-mode safe|lease] [-- BENCH_OPTION...]
#       The whole chat running (issue 12), one run: open loop 2,000 posts/s over 100 rooms, 4 readers on
#       followers at 1,000 linearizable reads/s in all, 20 subscribers on followers, 2,000 online sessions
#       heartbeating to the leader every 10 s; 20 s after a 15 s warm-up (--quick: 5 s after 2 s).
#       Prints commit, read and delivery p99, errors, heartbeats, log entries in the window and server
#       CPU per acknowledged post (all nodes, from /proc). Results: bench-results/<time>-mixed/.
#
#   scripts/bench.sh soak [--minutes M] [--nodes 3|5] [--read-mode safe|lease] [-- BENCH_OPTION...]
#       A soak, one run: open loop 1,000 posts/s over 100 rooms, 4 readers at 500 reads/s, 20 subscribers,
#       2,000 online sessions, for M minutes (default 30) after a 15 s warm-up. Per minute: p99 of commit,
#       read and delivery, errors, server CPU per post, the nodes' RSS and bytes on disk; printed as a table
#       at the end and written to bench-results/<time>-soak/soak/soak.csv (and result.json) for the curve.
#
#   Every run reads the nodes' CPU, memory and disk through `--run-dir` (the cluster's run dir).
#
#   scripts/bench.sh --jmh [-- JMH_OPTION...]
#       The JMH micro-benchmarks of chat-statemachine (ApplyBatchBenchmark, CommandCodecBenchmark,
#       HistoryReadBenchmark): 1 fork, 3 warm-up and 3 measured iterations of 1 s each. JMH_OPTIONs
#       go to org.openjdk.jmh.Main, e.g. `-- ApplyBatch -p batchSize=64` or `-- -prof gc`.
#       Results: bench-results/<time>-jmh/.
#
# Environment: BENCH_RAFT_PORT_BASE, BENCH_API_PORT_BASE (default 17100, 19100), BENCH_JAVA_OPTS
# (the bench client's JVM options, default -Xms256m -Xmx1g), BENCH_ONLINE_SESSIONS (mixed and soak,
# default 2000: each logs in once before the run, three password hashes on the leader, which takes
# minutes on two cores).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_JAR=$ROOT/raft-node/target/raft-node.jar
CLI_JAR=$ROOT/client-cli/target/client-cli.jar
RAFT_PORT_BASE=${BENCH_RAFT_PORT_BASE:-17100}
API_PORT_BASE=${BENCH_API_PORT_BASE:-19100}
read -r -a JAVA_OPTS <<< "${BENCH_JAVA_OPTS:--Xms256m -Xmx1g}"
online_sessions=${BENCH_ONLINE_SESSIONS:-2000}

die() { echo "bench.sh: $*" >&2; exit 1; }

nodes=3 quick=0 jmh=0 read_mode=safe extra=() preset=suite soak_minutes=30
case ${1:-} in
  mixed|soak) preset=$1; shift ;;
esac
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) soak_minutes=${2:?--minutes needs a number}; shift 2 ;;
    --nodes) nodes=${2:?--nodes needs 3 or 5}; shift 2 ;;
    --quick) quick=1; shift ;;
    --read-mode) read_mode=${2:?--read-mode needs safe or lease}; shift 2 ;;
    --jmh) jmh=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ $nodes == 3 || $nodes == 5 ]] || die "--nodes must be 3 or 5"
[[ $read_mode == safe || $read_mode == lease ]] || die "--read-mode must be safe or lease"
[[ $soak_minutes =~ ^[1-9][0-9]*$ ]] || die "--minutes must be a whole number of minutes"
command -v java >/dev/null || die "java not found: install a JDK 17"
command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+"
stamp=$(date +%Y%m%d-%H%M%S)

run_jmh() {
  local out=$ROOT/bench-results/$stamp-jmh
  mkdir -p "$out"
  echo "Compiling the benchmarks (mvn test-compile of chat-statemachine and proto) ..."
  # One invocation, so chat-statemachine's classpath points at proto/target/classes, not at an installed jar.
  (cd "$ROOT" && mvn -q -pl chat-statemachine -am test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath) || die "build failed"
  rm -f "$ROOT/target/jmh.classpath" "$ROOT/proto/target/jmh.classpath"
  rmdir "$ROOT/target" 2>/dev/null || true
  local sm=$ROOT/chat-statemachine/target
  local deps cp
  deps=$(cat "$sm/jmh.classpath")
  cp="$sm/test-classes:$sm/classes:$deps"
  java -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/jmh.json" "${extra[@]}" | tee "$out/jmh.txt"
  echo
  echo "JMH results ($out):"
  sed -n '/^Benchmark /,$p' "$out/jmh.txt"
}

# Builds unless both class-data archives, the package phase's last output, are newer than every main
# source and pom (as raftchat-dev does; the jar plugin leaves an unchanged jar as it was, and touching a
# jar would make the JVM ignore its archive).
build_if_needed() {
  local node_archive=$ROOT/raft-node/target/raft-node.jsa cli_archive=$ROOT/client-cli/target/client-cli.jsa
  if [[ -f $NODE_JAR && -f $CLI_JAR && -f $node_archive && -f $cli_archive ]] && [[ -z $(find "$ROOT" \( -path "$ROOT/run" -o -path "$ROOT/bench-results" \) -prune -o \
        \( -path '*/src/main/*' -o -name pom.xml \) \( -newer "$node_archive" -o -newer "$cli_archive" \) -print -quit) ]]; then
    return
  fi
  echo "Building (mvn -q -DskipTests package) ..."
  (cd "$ROOT" && mvn -q -DskipTests package) || die "build failed"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

run_suite() {
  build_if_needed
  for i in $(seq 1 "$nodes"); do
    for port in $((RAFT_PORT_BASE + i)) $((API_PORT_BASE + i)); do
      port_in_use "$port" && die "port $port is in use; set BENCH_RAFT_PORT_BASE / BENCH_API_PORT_BASE to free ones"
    done
  done

  out=$ROOT/bench-results/$stamp
  [[ $preset == suite ]] || out=$out-$preset
  run_dir=$(mktemp -d "${TMPDIR:-/tmp}/raftchat-bench.XXXXXX")
  mkdir -p "$out"
  dev() { RAFTCHAT_READ_MODE=$read_mode RAFTCHAT_RUN_DIR=$run_dir RAFTCHAT_RAFT_PORT_BASE=$RAFT_PORT_BASE RAFTCHAT_API_PORT_BASE=$API_PORT_BASE "$ROOT/raftchat-dev" "$@"; }
  cleanup() {
    if [[ -d $run_dir/logs ]]; then
      cp -r "$run_dir/logs" "$out/logs" 2>/dev/null || true
    fi
    dev wipe >/dev/null 2>&1 || true
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  echo "Starting a fresh $nodes-node cluster (raft.readMode $read_mode) in $run_dir ..."
  dev up --no-attach --nodes "$nodes" >/dev/null || die "the cluster did not start; see $run_dir/logs"
  local cluster=""
  for i in $(seq 1 "$nodes"); do cluster+=${cluster:+,}127.0.0.1:$((API_PORT_BASE + i)); done

  local duration=20s warmup=5s
  if [[ $quick == 1 ]]; then duration=5s warmup=2s; fi
  local runs=()
  case $preset in
    suite) runs=(
        "1-open-500|--mode open --rate 500"
        "2-open-2000|--mode open --rate 2000"
        "3-closed-1|--mode closed --in-flight 1 --readers 0"
        "4-closed-16|--mode closed --in-flight 16 --readers 0"
        "5-closed-64|--mode closed --in-flight 64 --readers 0"
        "6-open-500-reads-1000|--mode open --rate 500 --read-rate 1000"
      ) ;;
    mixed)
      [[ $quick == 1 ]] || warmup=15s
      runs=("mixed|--mode open --rate 2000 --rooms 100 --readers 4 --read-rate 1000 --subscribers 20 --online-sessions $online_sessions") ;;
    soak)
      warmup=15s
      runs=("soak|--mode open --rate 1000 --rooms 100 --readers 4 --read-rate 500 --subscribers 20 --online-sessions $online_sessions --soak --soak-minutes $soak_minutes") ;;
  esac
  # A fresh cluster's JVMs are still compiling the hot path: figures from the first seconds
  # measure the JIT, not RaftChat. Warm every node up with a closed-loop load first (not recorded).
  local cluster_warmup=60s
  if [[ $quick == 1 ]]; then cluster_warmup=15s; fi
  echo "=== warming the cluster up for $cluster_warmup (closed loop, 64 in flight; not recorded)"
  java "${JAVA_OPTS[@]}" -jar "$CLI_JAR" bench --cluster "$cluster" --mode closed --in-flight 64 --readers 0 \
      --subscribers 0 --duration "$cluster_warmup" --warmup 1s --output "$run_dir/warmup" >/dev/null 2>&1 || true
  local failed=()
  for run in "${runs[@]}"; do
    local name=${run%%|*} args
    read -r -a args <<< "${run#*|}"
    echo
    echo "=== $name: ${args[*]} ($( [[ $preset == soak ]] && echo "$soak_minutes min" || echo "$duration") after $warmup warm-up, $nodes nodes)"
    # A soak's length is --soak-minutes; every other run's is --duration.
    local length=(--duration "$duration")
    [[ $preset == soak ]] && length=()
    java "${JAVA_OPTS[@]}" -jar "$CLI_JAR" bench --cluster "$cluster" "${args[@]}" "${length[@]}" \
        --warmup "$warmup" --run-dir "$run_dir" --output "$out/$name" "${extra[@]}" || failed+=("$name")
  done

  echo
  echo "=== Summary ($nodes nodes; $out/summary.md)"
  echo
  java -jar "$CLI_JAR" bench summary "$out"
  if [[ ${#failed[@]} -gt 0 ]]; then
    die "runs that failed: ${failed[*]}"
  fi
}

if [[ $jmh == 1 ]]; then
  run_jmh
else
  run_suite
fi
