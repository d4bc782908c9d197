#!/usr/bin/env bash
# The Prometheus alert rules that ship with `check` (monitoring/prometheus/), through promtool as a
# station's Prometheus would load them: `promtool check rules`, then `promtool test rules` on their
# unit tests (errors, stopped playout, an unreadable station, a station that stopped being checked).
# The dashboard's queries and the rules against the exporter's own output are checked by
# tests/test_monitoring.py in the main test run.
set -euo pipefail
cd "$(dirname "$0")/../monitoring/prometheus"
if ! command -v promtool >/dev/null 2>&1; then
  echo "[monitoring-ci] promtool is not installed (Debian's prometheus package): the rules cannot be checked" >&2
  exit 1
fi
promtool --version 2>&1 | head -1 | sed 's/^/[monitoring-ci] /'
promtool check rules librelog-check.rules.yml
promtool test rules librelog-check.rules.test.yml
