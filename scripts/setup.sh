#!/usr/bin/env bash
# Creates .venv (if missing) and installs the project with its test and documentation extras into it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,docs]'
# Bytecode for the project's own modules, written once: where Python is told not to write it
# (PYTHONDONTWRITEBYTECODE, as on CI machines), every process of a run compiled them all again.
.venv/bin/python -m compileall -q harness stubs reports >/dev/null
# Allure 3 (the HTML report) from the committed lockfile.
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
else
  echo "setup: npm not found; HTML reports need Node.js and npm (apt-get install -y nodejs npm)" >&2
fi
