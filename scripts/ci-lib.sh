# Helpers the CI scripts share; source it after setting PY (the venv's python) and defining log().
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() {  # url, what: up to 30 s for the URL to answer 2xx
  for _ in $(seq 1 60); do curl -fsS --max-time 2 "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$2 did not come up at $1"; return 1
}
