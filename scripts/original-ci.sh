#!/usr/bin/env bash
# The seed's own system, verified: the original LibreLog (../shared/tools/original-librelog, its
# last Python snapshot) wired to the LibreTime stub, and the original-librelog pack run against
# it. The pack's manifest of expected outcomes must hold exactly: every known defect still fails
# with its evidence, nothing new fails, nothing known passes. Reports in reports/out/original/.
#
# The original's source is not shipped: the recipe's cached export (a previous `up --git-dir`)
# or ORIGINAL_LIBRELOG_GIT_DIR (a fetched bilyfoster/librelog) must be there, else SKIPPED.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
LV=.venv/bin/librelog-verify
TOOL=../shared/tools/original-librelog
OL_ROOT=${OL_ROOT:-${TMPDIR:-/tmp}/original-librelog}
export OL_ROOT
WORK=$(mktemp -d /tmp/lv-original.XXXXXX)
PIDS=()
STARTED=""

log() { printf '[original-ci] %s\n' "$*"; }

cleanup() {
  local code=$?
  if [ -n "$STARTED" ]; then "$TOOL" down >/dev/null 2>&1 || true; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT INT TERM

if [ ! -x "$TOOL" ]; then
  log "SKIPPED: the original LibreLog pack: $TOOL is not there (../shared is not beside this clone)"
  exit 0
fi
GIT_ARGS=()
if [ ! -f "$OL_ROOT/src/backend/main.py" ]; then
  if [ -n "${ORIGINAL_LIBRELOG_GIT_DIR:-}" ] && [ -d "$ORIGINAL_LIBRELOG_GIT_DIR" ]; then
    GIT_ARGS=(--git-dir "$ORIGINAL_LIBRELOG_GIT_DIR")
  else
    log "SKIPPED: the original LibreLog pack: no cached export at $OL_ROOT/src and no ORIGINAL_LIBRELOG_GIT_DIR" \
      "(fetch github:bilyfoster/librelog and run \`$TOOL up --git-dir DIR\` once)"
    exit 0
  fi
fi
if ! command -v psql >/dev/null 2>&1; then
  log "SKIPPED: the original LibreLog pack: psql is not installed (the pack inserts the logs the original's API cannot create)"
  exit 0
fi

# shellcheck source=scripts/ci-lib.sh
. scripts/ci-lib.sh
LT=$(free_port_for_original) LL=$(free_port)
KEY=original-ci-stub-key
"$LV" serve --libretime-port "$LT" --librelog-port "$LL" --api-key "$KEY" --db "$WORK/unused.sqlite3" \
  >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$LT/api/v2/version" "the LibreTime stub" || { tail -20 "$WORK/serve.log"; exit 1; }

# The original reads its LibreTime once at start-up: stop any running instance, start it on the stub.
"$TOOL" down >/dev/null 2>&1 || true
log "starting the original LibreLog against the LibreTime stub at 127.0.0.1:$LT"
if ! EXPORTS=$(LIBRETIME_INTERNAL_URL="http://127.0.0.1:$LT" LIBRETIME_API_KEY="$KEY" "$TOOL" up "${GIT_ARGS[@]}" 2>"$WORK/up.log"); then
  log "the original LibreLog did not come up:"; tail -20 "$WORK/up.log"; exit 1
fi
STARTED=1
eval "$EXPORTS"
export LIBRETIME_URL="http://127.0.0.1:$LT" LIBRETIME_API_KEY="$KEY" ORIGINAL_LIBRELOG_DATA="$OL_ROOT/data"
log "running the original-librelog pack (its manifest must hold)"
"$LV" run --pack original-librelog --target live --allow-commands --expect --out reports/out/original
status=$?

# The original's URL cleanup on its own: a stub on a fixed port ending in 2, which rstrip("/api/v2")
# cuts; original-defect-06 must fail there, as expected-outcomes-url-strip.yaml lists.
FIXED=18092
if ! port_free "$FIXED"; then
  log "SKIPPED: the original's URL cleanup on port $FIXED: the port is taken on this machine"
  exit "$status"
fi
LL2=$(free_port)
"$LV" serve --libretime-port "$FIXED" --librelog-port "$LL2" --api-key "$KEY" --db "$WORK/unused2.sqlite3" \
  >"$WORK/serve2.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$FIXED/api/v2/version" "the LibreTime stub on $FIXED" || { tail -20 "$WORK/serve2.log"; exit 1; }
"$TOOL" down >/dev/null 2>&1 || true
log "restarting the original LibreLog against the stub at 127.0.0.1:$FIXED (a port ending in 2)"
if ! EXPORTS=$(LIBRETIME_INTERNAL_URL="http://127.0.0.1:$FIXED" LIBRETIME_API_KEY="$KEY" "$TOOL" up 2>"$WORK/up2.log"); then
  log "the original LibreLog did not come up:"; tail -20 "$WORK/up2.log"; exit 1
fi
eval "$EXPORTS"
LIBRETIME_URL="http://127.0.0.1:$FIXED" "$LV" run --pack original-librelog --target live --allow-commands \
  -k original-defect-06 --expect packs/original_librelog/expected-outcomes-url-strip.yaml --out reports/out/original-url-strip ||
  status=1
exit "$status"
