#!/usr/bin/env bash
# The seed's own system, verified: the original LibreLog (../shared/tools/original-librelog, its
# last Python snapshot) and the original-librelog pack run against it, three times:
#   1. wired to the LibreTime stub: expected-outcomes.yaml (reports/out/original/);
#   2. its URL cleanup on a stub port ending in 2: expected-outcomes-url-strip.yaml;
#   3. wired to the complete real LibreTime behind the interposer: expected-outcomes-real.yaml
#      (reports/out/original-real/), the station unchanged outside the sandbox.
# Each manifest must hold exactly: every known defect still fails with its evidence, nothing new
# fails, nothing known passes.
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

STARTED_LIBRETIME=""
RLT=../shared/tools/real-libretime

cleanup() {
  local code=$?
  if [ -n "$STARTED" ]; then "$TOOL" down >/dev/null 2>&1 || true; fi
  if [ -n "$STARTED_LIBRETIME" ]; then "$RLT" down >/dev/null 2>&1 || true; fi
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
export ORIGINAL_LIBRELOG_DATA="$OL_ROOT/data"

# serve_stub PORT NAME: a LibreTime stub on PORT (with the key below), up before it returns.
KEY=original-ci-stub-key
serve_stub() {
  "$LV" serve --libretime-port "$1" --librelog-port "$(free_port)" --api-key "$KEY" --db "$WORK/$2.sqlite3" \
    >"$WORK/$2.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$1/api/v2/version" "the LibreTime stub on $1" || { tail -20 "$WORK/$2.log"; return 1; }
}

# start_original URL KEY: the original restarted on the LibreTime at URL (it reads its LibreTime once
# at start-up); its exports (LIBRELOG_URL, its token, the Host header, its database) are loaded.
start_original() {
  "$TOOL" down >/dev/null 2>&1 || true
  log "starting the original LibreLog against the LibreTime at $1"
  local exports
  if ! exports=$(env -u LIBRETIME_URL -u LIBRETIME_API_URL -u LIBRETIME_PUBLIC_URL \
    LIBRETIME_INTERNAL_URL="$1" LIBRETIME_API_KEY="$2" "$TOOL" up "${GIT_ARGS[@]}" 2>"$WORK/up.log"); then
    log "the original LibreLog did not come up:"; tail -20 "$WORK/up.log"; return 1
  fi
  STARTED=1 GIT_ARGS=()
  eval "$exports"
}

# 1. The stub.
LT=$(free_port_for_original)
serve_stub "$LT" stub || exit 1
start_original "http://127.0.0.1:$LT" "$KEY" || exit 1
log "running the original-librelog pack against the stub (its manifest must hold)"
LIBRETIME_URL="http://127.0.0.1:$LT" LIBRETIME_API_KEY="$KEY" \
  "$LV" run --pack original-librelog --target live --allow-commands --expect --out reports/out/original
status=$?

# 2. The original's URL cleanup on its own: a stub on a fixed port ending in 2, which rstrip("/api/v2")
#    cuts; original-defect-06 must fail there, as expected-outcomes-url-strip.yaml lists.
FIXED=18092
if ! port_free "$FIXED"; then
  log "SKIPPED: the original's URL cleanup on port $FIXED: the port is taken on this machine"
else
  serve_stub "$FIXED" stub-fixed && start_original "http://127.0.0.1:$FIXED" "$KEY" || exit 1
  LIBRETIME_URL="http://127.0.0.1:$FIXED" LIBRETIME_API_KEY="$KEY" "$LV" run --pack original-librelog --target live \
    --allow-commands -k original-defect-06 --expect packs/original_librelog/expected-outcomes-url-strip.yaml \
    --out reports/out/original-url-strip || status=1
fi

# 3. The complete real LibreTime (stock 4.5: none of the private fork's integration extension), the
#    original's LibreTime traffic through the interposer so faults and the journal work there too.
if [ "${ORIGINAL_CI_REAL:-1}" = 0 ]; then
  log "SKIPPED: the original against the real LibreTime: ORIGINAL_CI_REAL=0"
  exit "$status"
fi
if [ ! -x "$RLT" ]; then
  log "SKIPPED: the original against the real LibreTime: $RLT is not there"
  exit "$status"
fi
"$RLT" status >/dev/null 2>&1 || STARTED_LIBRETIME=1
if ! real_exports=$("$RLT" up --full 2>"$WORK/real-libretime.log"); then
  "$RLT" purge >/dev/null 2>&1 || true  # a root once started full stays full until purged
  if ! real_exports=$("$RLT" up 2>>"$WORK/real-libretime.log"); then
    tail -15 "$WORK/real-libretime.log"
    log "SKIPPED: the original against the real LibreTime: it could not be started here (see above)"
    exit "$status"
  fi
else
  fresh=$(restart_outgrown_libretime "$RLT" "$WORK/real-libretime.log") && [ -n "$fresh" ] && real_exports=$fresh
fi
REAL_KEY=$(eval "$real_exports"; echo "$LIBRETIME_API_KEY")
REAL_API="http://127.0.0.1:$(eval "$real_exports"; echo "${LT_API_PORT:-9001}")"
IP=$(free_port_for_original)
LIBRETIME_API_KEY="$REAL_KEY" "$LV" interpose --libretime "$REAL_API" --listen "127.0.0.1:$IP" >"$WORK/interpose.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$IP/__interposer__/health" "the interposer" || { tail -20 "$WORK/interpose.log"; exit 1; }
start_original "http://127.0.0.1:$IP" "$REAL_KEY" || exit 1
log "running the original-librelog pack against the real LibreTime $REAL_API through the interposer"
LIBRETIME_URL="$REAL_API" LIBRETIME_API_KEY="$REAL_KEY" LIBRETIME_INTERPOSER_URL="http://127.0.0.1:$IP" \
  "$LV" run --pack original-librelog --target live --allow-commands \
  --expect packs/original_librelog/expected-outcomes-real.yaml --out reports/out/original-real || status=1
exit "$status"
