#!/usr/bin/env bash
# One Jepsen-style run against a containerized cluster, replayable from its seed.
#
#   scripts/chaos.sh [--nodes 3|5] [--duration SECONDS] [--nemesis NAME[,NAME...]|mix] [--seed N]
#                    [--read-mode safe|lease]
#
# Nemeses: kill-leader kill-random pause-leader partition-leader partition-majority
#          partition-bridge partition-ring latency packet-loss membership clock-skew clock-jump
#          clock-strobe disk-full disk-corrupt slow-disk power-loss power-loss-all rolling-restart, or mix (all of them, some windows overlapping).
#          A+B overlaps B with A's window, e.g. partition-majority+pause-leader.
# With no options: 5 nodes, every nemesis once, a random seed (printed). The report lands in
# chaos-tests/target/chaos/<nodes>-nodes-seed-<seed>/report.html with history.jsonl, verdict.json
# and the node logs. Installs and starts a Docker engine and builds the images if needed (root):
# the node image and the chaos image on top of it (scripts/build-chaos-image.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) args+=("-Dchaos.nodes=$2"); shift 2 ;;
    --duration) args+=("-Dchaos.duration=$2"); shift 2 ;;
    --nemesis) args+=("-Dchaos.nemesis=$2"); shift 2 ;;
    --seed) args+=("-Dchaos.seed=$2"); shift 2 ;;
    --read-mode) args+=("-Dchaos.readMode=$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "chaos.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
"$ROOT/scripts/docker-engine.sh"
"$ROOT/scripts/build-base-image.sh"
cd "$ROOT"
mvn -q -DskipTests install
"$ROOT/scripts/build-chaos-image.sh"
exec mvn -Pchaos -pl chaos-tests verify "${args[@]}"
