#!/usr/bin/env bash
# The main job: install, then verify LibreLog → LibreTime against the embedded stubs, writing
# Allure results to reports/out/allure-results and a summary table to the terminal.
# Extra arguments go to `librelog-verify run` (e.g. -k publish, --target live).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/librelog-verify run "$@"
