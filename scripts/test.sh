#!/usr/bin/env bash
# Installs everything the tests need, lints, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The documentation site, strict: a broken link, a missing anchor or a page outside the navigation fails.
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet -d "$(mktemp -d)"
# Two workers: the suite is xdist-safe (every test starts its own services on free ports).
exec .venv/bin/python -m pytest -n 2 "$@"
