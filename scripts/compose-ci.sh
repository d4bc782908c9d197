#!/usr/bin/env bash
# Runs the harness inside the compose test stack on a bare machine, end to end:
#   Debian packages if missing → a private dockerd if no engine answers → a stand-in
#   python:3.11-slim if absent (no registry here) → build → `docker-compose up --exit-code-from
#   harness` → reports in reports/out/compose/ → tear everything down, even on failure.
# When no Docker engine can be had at all it says so and exits 0 without claiming a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=reports/out/compose
WORK=$(mktemp -d /tmp/lv-compose.XXXXXX)
PROJECT=librelogverify
export COMPOSE_PROJECT_NAME=$PROJECT
STARTED_DOCKERD=""

log() { printf '[compose-ci] %s\n' "$*"; }

cleanup() {
  local code=$?
  if [ -n "${DOCKER_HOST:-}" ] || [ -S /var/run/docker.sock ]; then
    docker-compose -f docker-compose.test.yml down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  if [ -n "$STARTED_DOCKERD" ] && [ -f "$WORK/dockerd.pid" ]; then
    # Read once: dockerd removes its pid file as it stops.
    dockerd_pid="$(cat "$WORK/dockerd.pid")"
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
  fi
  # dockerd leaves its netns mount under the exec root: unmount before removing the folder.
  awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$WORK" 2>/dev/null || true
  exit "$code"
}
trap cleanup EXIT INT TERM

skip() {
  log "SKIPPED: compose scenarios not run: $*"
  exit 0
}

# 1. Debian packages.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    skip "could not install ${missing[*]} with apt-get"
  fi
fi

# 2. An engine: the system one if it answers, else a private dockerd.
if ! docker info >/dev/null 2>&1; then
  log "no Docker engine answers: starting a private dockerd"
  mkdir -p "$WORK/root" "$WORK/exec"
  dockerd --iptables=false --storage-driver=vfs --data-root "$WORK/root" --exec-root "$WORK/exec" \
    --pidfile "$WORK/dockerd.pid" --host "unix://$WORK/docker.sock" >"$WORK/dockerd.log" 2>&1 &
  STARTED_DOCKERD=1
  export DOCKER_HOST="unix://$WORK/docker.sock"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -5 "$WORK/dockerd.log"; skip "dockerd did not start"; }
fi
if [ -n "${DOCKER_HOST:-}" ]; then SOCKET=${DOCKER_HOST#unix://}; else SOCKET=/var/run/docker.sock; fi
export DOCKER_SOCKET=$SOCKET
export DOCKER_GID
DOCKER_GID=$(stat -c %g "$SOCKET")

# 3. The base image: there is no registry here, so build a Debian stand-in when it is absent.
if ! docker image inspect python:3.11-slim >/dev/null 2>&1; then
  log "python:3.11-slim absent: making a Debian stand-in with mmdebstrap"
  mmdebstrap --variant=apt --include=python3,python3-venv,ca-certificates bookworm "$WORK/rootfs.tar" \
    >"$WORK/mmdebstrap.log" 2>&1 || { tail -5 "$WORK/mmdebstrap.log"; exit 1; }
  mkdir -p "$WORK/ca/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$WORK/ca/etc/ssl/certs/"
  tar --delete -f "$WORK/rootfs.tar" ./etc/ssl/certs/ca-certificates.crt
  tar -rf "$WORK/rootfs.tar" -C "$WORK/ca" ./etc/ssl/certs/ca-certificates.crt
  docker import "$WORK/rootfs.tar" python:3.11-slim >/dev/null
fi

# 4. Build (the host network reaches the package index), run, collect.
log "building librelog-verify:test"
docker build --network host -t librelog-verify:test . >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT" && chmod 777 "$OUT"
log "running the compose stack"
docker-compose -f docker-compose.test.yml -f docker-compose.ci.yml up --no-build --exit-code-from harness \
  --abort-on-container-exit
code=$?
if [ -d "$OUT/allure-results" ] && [ -x .venv/bin/librelog-verify ]; then
  .venv/bin/librelog-verify report --results "$OUT/allure-results" --out "$OUT" --history "$ROOT/reports/out/compose-history.jsonl" || code=1
fi
log "harness exit code $code; reports in $OUT"
exit $code
