# Helpers the CI scripts share; source it after setting PY (the venv's python) and defining log().
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A free port the original LibreLog's URL cleanup leaves whole: its rstrip("/api/v2") removes a
# trailing 2 (its own defect, which the pack proves on a fixed port of its own).
free_port_for_original() {
  local port
  for _ in $(seq 1 50); do port=$(free_port); [ "${port: -1}" != 2 ] && { echo "$port"; return 0; }; done
  return 1
}

port_free() { "$PY" -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }

wait_for() {  # url, what: up to 30 s for the URL to answer 2xx
  for _ in $(seq 1 60); do curl -fsS --max-time 2 "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$2 did not come up at $1"; return 1
}

# The real LibreTime's root outlives a CI run on the same machine, and each live run leaves its
# files in the library (hidden: LibreTime keeps them). Reading a library of tens of thousands of
# files whole (the schedule check, drift's fuzzing) outgrows those clients' timeouts, so a root
# whose library passed the bound starts again from nothing. Prints the new exports, or nothing.
REAL_LIBRETIME_MAX_FILES=${REAL_LIBRETIME_MAX_FILES:-20000}
restart_outgrown_libretime() {  # tool, log file: after `up --full`
  local conf files
  conf="${LT_ROOT:-${TMPDIR:-/tmp}/real-libretime}/config.yml"
  [ -f "$conf" ] && command -v psql >/dev/null 2>&1 || return 0
  files=$(PGPASSWORD=$(awk '/^database:/{f=1} f&&/password:/{print $2; exit}' "$conf") \
    psql -h 127.0.0.1 -p "$(awk '/^database:/{f=1} f&&/port:/{print $2; exit}' "$conf")" -U libretime -d libretime \
    -tAc 'SELECT count(*) FROM cc_files' 2>/dev/null) || return 0
  [ "${files:-0}" -gt "$REAL_LIBRETIME_MAX_FILES" ] || return 0
  log "the real LibreTime's library holds $files files from earlier runs (bound $REAL_LIBRETIME_MAX_FILES): starting it again from nothing" >&2
  "$1" purge >/dev/null 2>&1 || true
  "$1" up --full 2>>"$2" || { log "the real LibreTime did not start again (see $2)" >&2; return 1; }
}
