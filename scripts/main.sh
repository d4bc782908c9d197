#!/usr/bin/env bash
# The main job. Until the harness lands (issue 4) it starts the LibreTime stub with the small
# fixture so you can point a LibreLog or curl at it; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m stubs.libretime --host 127.0.0.1 --port "${STUB_PORT:-8080}" \
  --api-key "${LIBRETIME_API_KEY:-stub-api-key}" --fixture small "$@"
