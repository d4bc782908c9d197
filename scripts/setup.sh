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
# Allure 3 (the HTML report) from the committed lockfile.
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
else
  echo "setup: npm not found; HTML reports need Node.js and npm (apt-get install -y nodejs npm)" >&2
fi
