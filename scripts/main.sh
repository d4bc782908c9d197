#!/usr/bin/env bash
# The main job. Until the harness lands (issue 4) it runs the two services wired together:
# the LibreTime stub (small fixture) on 127.0.0.1:${STUB_PORT:-8080} and LibreLog on
# 127.0.0.1:${LIBRELOG_PORT:-8000}, its data in ./data. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LIBRETIME_API_KEY="${LIBRETIME_API_KEY:-stub-api-key}"
export LIBRETIME_INTERNAL_URL="http://127.0.0.1:${STUB_PORT:-8080}"
export LIBRELOG_DB="${LIBRELOG_DB:-data/librelog.sqlite3}"
.venv/bin/python -m stubs.libretime --host 127.0.0.1 --port "${STUB_PORT:-8080}" --fixture small &
stub=$!
trap 'kill "$stub" 2>/dev/null || true' EXIT INT TERM
.venv/bin/python -m stubs.librelog --host 127.0.0.1 --port "${LIBRELOG_PORT:-8000}"
