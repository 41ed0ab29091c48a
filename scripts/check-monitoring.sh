#!/usr/bin/env bash
# Checks the monitoring files the distribution ships (distribution/src/monitoring) with promtool:
# the scrape config, the alert rules and the rules' unit tests (raftchat-alerts.test.yml).
# promtool comes with Prometheus (Debian: apt-get install prometheus). Without it: says so, exit 0.
# MonitoringIT runs the same checks and also scrapes a live node for every metric the files use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../distribution/src/monitoring"
if ! command -v promtool >/dev/null; then
  echo "check-monitoring: promtool not found (apt-get install prometheus); skipped"
  exit 0
fi
promtool check config prometheus.yml
promtool check rules raftchat-alerts.yml
promtool test rules raftchat-alerts.test.yml
if command -v python3 >/dev/null; then python3 -m json.tool grafana-dashboard.json >/dev/null; fi
echo "check-monitoring: ok"
