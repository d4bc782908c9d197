"""``python -m stubs.libretime`` runs as a real process and serves the contract."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import API_KEY

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"stub exited early: {proc.stdout.read().decode() if proc.stdout else ''}")
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("stub did not start in 15 s")


def test_module_serves_both_faces(tmp_path: Path) -> None:
    nginx_port, api_port = free_port(), free_port()
    state = tmp_path / "state.json"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "stubs.libretime",
                "--port",
                str(port),
                "--api-key",
                API_KEY,
                "--face",
                face,
                "--fixture",
                "small",
                *extra,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for port, face, extra in (
            (nginx_port, "nginx", ["--state-file", str(state)]),
            (api_port, "api", []),
        )
    ]
    try:
        headers = {"Authorization": f"Api-Key {API_KEY}"}
        for port, proc in zip((nginx_port, api_port), procs, strict=True):
            wait_until_up(f"http://127.0.0.1:{port}/api/v2/version", proc)
        nginx = httpx.get(f"http://127.0.0.1:{nginx_port}/api/v2/files/1/download", headers=headers)
        api = httpx.get(f"http://127.0.0.1:{api_port}/api/v2/files/1/download", headers=headers)
        # A careless client putting the key in the URL must not get it into the stub's log.
        leaked = httpx.get(f"http://127.0.0.1:{nginx_port}/api/v2/files", params={"api_key": API_KEY}, headers=headers)
        assert (leaked.status_code, len(leaked.json())) == (200, 14)  # the listing itself, then the log below
        assert len(nginx.content) > 44 and nginx.content.startswith(b"RIFF")
        assert api.content == b"" and api.headers["X-Accel-Redirect"].startswith("/api/_media/")
    finally:
        for proc in procs:
            proc.terminate()
        outputs = [proc.communicate(timeout=10)[0].decode() for proc in procs]
    assert "on http://127.0.0.1:" in outputs[0]
    assert "/api/v2/files?api_key=[REDACTED]" in outputs[0]  # the request was logged...
    assert API_KEY not in "".join(outputs)  # ...but never the key
    assert state.exists() and '"Harbour Lights"' in state.read_text()  # saved at shutdown
