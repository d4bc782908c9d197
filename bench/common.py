"""Helpers shared by the benchmark scripts: processes on free loopback ports, a keep-alive client."""

from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(module: str, port: int, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(  # noqa: S603 - our own modules
        [sys.executable, "-m", module, "--port", str(port), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit(f"{module} did not start on port {port}") from None
            time.sleep(0.1)


class Client:
    """A sequential keep-alive connection: what the figures measure is the server."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.headers = {"Connection": "keep-alive", **(headers or {})}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def json(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        status, raw = self.call(method, path, body)
        if status != expect:
            raise SystemExit(f"{method} {path} answered {status}: {raw[:300]!r}")
        return json.loads(raw)


def timed(client: Client, method: str, path: str, count: int, body: Any = None) -> dict[str, float]:
    for _ in range(min(20, count)):  # warm-up
        client.call(method, path, body)
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        status, raw = client.call(method, path, body)
        latencies.append(time.perf_counter() - t0)
        if status >= 400:
            raise SystemExit(f"{method} {path} answered {status}: {raw[:300]!r}")
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": count / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
    }


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Current (VmRSS) or peak (VmHWM) resident memory of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; {platform.system()}"


def table(rows: list[tuple[str, ...]]) -> str:
    lines = ["| measurement | result | p50 ms | p95 ms | target |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
