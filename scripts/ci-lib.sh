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
