#!/usr/bin/env bash
# Live verification against running systems, as an engineer signing off a deployment runs it:
#   1. LibreLog and the LibreTime stub as plain processes (LibreLog's test reset on, plus a stub
#      of LibreTime's API port): `librelog-verify run --target live` runs every scenario that needs
#      no containers, each from a fresh start. Reports in reports/out/live-stub/.
#   2. The real upstream LibreTime, complete (../shared/tools/real-libretime up --full: its API,
#      the legacy app behind nginx, RabbitMQ and the analyzer), with this project's LibreLog in the
#      v2 flavour started by the run behind the interposer: the whole suite in the sandbox, seeded
#      through LibreTime's APIs, faults and journal through the interposer, voice tracks with real
#      audio analysed by LibreTime; the station fingerprinted before and after. Reports in
#      reports/out/live/. Where the complete LibreTime cannot be had, the API alone (voice
#      uploads then skip, saying so).
#   3. The schedule check against the same real LibreTime (tests/test_station_check_real.py: with
#      LibreLog, LibreTime alone, many stations), then `check` as a station without LibreLog runs
#      it on the whole station, its JSON read from stdout.
#   4. The drift check: the stub against the same real LibreTime, both faces (its API port, and
#      the legacy /rest/media API and downloads behind its nginx), zero difference on the contract.
# All must pass. A system that cannot be had here is reported as SKIPPED with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
LV=.venv/bin/librelog-verify
TOOL=../shared/tools/real-libretime
WORK=$(mktemp -d /tmp/lv-live.XXXXXX)
PIDS=()
STARTED_LIBRETIME=""

log() { printf '[live-ci] %s\n' "$*"; }

cleanup() {
  local code=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [ -n "$STARTED_LIBRETIME" ]; then "$TOOL" down >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT INT TERM

# shellcheck source=scripts/ci-lib.sh
. scripts/ci-lib.sh

status=0

# 1. LibreLog + LibreTime stub as processes.
LT=$(free_port) LL=$(free_port) FACE=$(free_port)
"$LV" serve --libretime-port "$LT" --librelog-port "$LL" --api-face-port "$FACE" --test-reset \
  --api-key live-ci-stub-key --db "$WORK/stub-librelog.sqlite3" >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
if wait_for "http://127.0.0.1:$LL/health" "LibreLog + stub"; then
  log "live target: LibreLog and the LibreTime stub as processes"
  LIBRELOG_URL="http://127.0.0.1:$LL" LIBRETIME_URL="http://127.0.0.1:$LT" LIBRETIME_API_KEY=live-ci-stub-key \
    LIBRETIME_API_FACE_URL="http://127.0.0.1:$FACE" LIBRELOG_API_TOKEN="" \
    "$LV" run --target live --out reports/out/live-stub || status=1
else
  tail -20 "$WORK/serve.log"; status=1
fi

# 2. The complete real LibreTime, and this project's LibreLog (v2) started by the run behind the interposer.
if [ ! -x "$TOOL" ]; then
  log "SKIPPED: live run against the real LibreTime: $TOOL is not there (../shared is not beside this clone)"
  exit "$status"
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing PostgreSQL's server (the real LibreTime runs on its own cluster)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } ||
    log "could not install postgresql with apt-get"
fi
# A station's LibreTime has ffmpeg: its analyzer finds cue points and replay gain with it (without
# it, cue_out stays 00:00:00). Installed first, so every run analyses the same way.
if ! command -v ffmpeg >/dev/null 2>&1; then
  log "installing ffmpeg (LibreTime's analyzer uses it, as on any station)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null; } ||
    log "could not install ffmpeg with apt-get: the analyzer will skip cue points and replay gain"
fi
"$TOOL" status >/dev/null 2>&1 || STARTED_LIBRETIME=1
if ! exports=$("$TOOL" up --full 2>"$WORK/real-libretime.log"); then
  tail -25 "$WORK/real-libretime.log"
  log "the complete LibreTime (up --full) could not be started here (see above): falling back to its API alone"
  "$TOOL" purge >/dev/null 2>&1 || true  # a root once started full stays full until purged
  if ! exports=$("$TOOL" up 2>>"$WORK/real-libretime.log"); then
    tail -15 "$WORK/real-libretime.log"
    log "SKIPPED: live run against the real LibreTime: it could not be started here (see above)"
    exit "$status"
  fi
  log "SKIPPED: voice uploads with real audio on the real LibreTime: no legacy app or analyzer (API only)"
else
  fresh=$(restart_outgrown_libretime "$TOOL" "$WORK/real-libretime.log") && [ -n "$fresh" ] && exports=$fresh
fi
eval "$exports"
API_FACE="http://127.0.0.1:${LT_API_PORT:-9001}"  # the API port itself, without nginx
# A station's own content outside the sandbox, which the run must leave exactly as it was.
"$PY" scripts/station-content.py || status=1
log "live target: the real LibreTime $LIBRETIME_URL, this project's LibreLog (v2) behind the interposer"
LIBRELOG_URL="" LIBRELOG_API_TOKEN="" LIBRETIME_API_FACE_URL="$API_FACE" \
  "$LV" run --target live --start-librelog v2 --out reports/out/live || status=1

# The UI checks on their own: LibreTime's web UI in Chromium against a day our LibreLog published,
# planted differences named, the station unchanged by reading it (only where the web UI runs).
if [ "$LIBRETIME_URL" != "$API_FACE" ]; then
  log "UI checks: LibreTime's own web UI at $LIBRETIME_URL"
  REAL_LIBRETIME_URL="$API_FACE" REAL_LIBRETIME_API_KEY="$LIBRETIME_API_KEY" REAL_LIBRETIME_UI_URL="$LIBRETIME_URL" \
    "$PY" -m pytest -p no:cacheprovider -q -rs tests/test_ui_real.py || status=1
else
  log "SKIPPED: the UI checks: the complete LibreTime (its web UI) is not running"
fi

# 3. The schedule check (librelog-verify check) on the real LibreTime: a clean published day and a
#    broken one, LibreTime alone (its own defects, an empty show, playout that records nothing),
#    several stations from one file; the station fingerprinted before and after each.
log "schedule check: the real LibreTime $API_FACE"
REAL_LIBRETIME_URL="$API_FACE" REAL_LIBRETIME_API_KEY="$LIBRETIME_API_KEY" \
  "$PY" -m pytest -p no:cacheprovider -q -rs tests/test_station_check_real.py || status=1
# The whole station as one without LibreLog checks it each night: exit 0 or 1 (findings are a
# result), never 2; stdout is the JSON alone (parsed below), every human line on stderr.
code=0
env -u LIBRELOG_URL LIBRETIME_URL="$API_FACE" LIBRETIME_API_KEY="$LIBRETIME_API_KEY" \
  "$LV" check --from today --days 7 --timezone UTC --format json --out reports/out/check-real \
  >reports/out/check-real.json || code=$?
if [ "$code" -le 1 ] && "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["mode"]=="libretime_only" and len(d["days"])==7; print("[live-ci] check, LibreTime alone: %d day(s), %d row(s), %d error(s), %d warning(s), %d requests" % (len(d["days"]), sum(x["rows"] for x in d["days"]), d["summary"]["errors"], d["summary"]["warnings"], d["summary"]["requests"]))' reports/out/check-real.json; then
  :
else
  log "check on the whole real station failed (exit $code)"; status=1
fi

# 4. The stub proved against the real LibreTime: zero difference on the contract (librelog-verify
#    drift: the probes and the seeded fuzz phase), the table and JSON in reports/out/drift.json,
#    then again in tests/test_drift_real.py with the station fingerprinted before and after. The
#    nginx face is compared where the complete LibreTime runs (its nginx URL is not the API port).
NGINX_FACE=""
if [ "$LIBRETIME_URL" != "$API_FACE" ]; then
  NGINX_FACE="$LIBRETIME_URL"
  log "drift: the LibreTime stub against the real LibreTime's API port $API_FACE and its nginx $NGINX_FACE"
else
  log "drift: the LibreTime stub against the real LibreTime's API port $API_FACE"
  log "SKIPPED: drift of the nginx face (/rest/media, downloads): the complete LibreTime is not running"
fi
LIBRETIME_API_KEY="$LIBRETIME_API_KEY" "$LV" drift --libretime "$API_FACE" --basic "${REAL_LIBRETIME_BASIC:-}" \
  ${NGINX_FACE:+--nginx "$NGINX_FACE"} --fuzz-examples 15 --output reports/out/drift.json || status=1
REAL_LIBRETIME_URL="$API_FACE" REAL_LIBRETIME_API_KEY="$LIBRETIME_API_KEY" \
  REAL_LIBRETIME_BASIC="${REAL_LIBRETIME_BASIC:-}" REAL_LIBRETIME_NGINX_URL="$NGINX_FACE" \
  "$PY" -m pytest -p no:cacheprovider -q -rs tests/test_drift_real.py || status=1
exit "$status"
