"""Throughput and latency of the LibreTime stub (issue 2 targets). Not a test: run it by hand.

    .venv/bin/python bench/stub_bench.py [--requests 3000]

The stub runs as its own process (``python -m stubs.libretime``); the client is a sequential
keep-alive ``http.client`` connection, so the figures are the server's, not a Python client's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"
HEADERS = {"Authorization": f"Api-Key {KEY}", "Connection": "keep-alive"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = dict(HEADERS)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def measure(client: Client, method: str, path: str, count: int, body: Any = None) -> dict[str, float]:
    for _ in range(min(50, count)):  # warm-up
        client.call(method, path, body)
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        status, _ = client.call(method, path, body)
        latencies.append(time.perf_counter() - t0)
        if status >= 400:
            raise SystemExit(f"{method} {path} answered {status}")
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": count,
        "rps": count / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def day_entries(count: int, day: str = "2026-11-25") -> list[dict[str, Any]]:
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    step = 86400 / count
    return [
        {"start": (start + timedelta(seconds=i * step)).isoformat(), "media_id": 1 + i % 14, "hard_start": i % 10 == 0}
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--files", type=int, default=100_000)
    args = parser.parse_args()
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "stubs.libretime", "--port", str(port), "--api-key", KEY],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONOPTIMIZE": "1"},
    )
    rows: list[tuple[str, str, str, str, str]] = []
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client = Client(port)
                client.call("GET", "/api/v2/version")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        client.call("POST", "/__stub__/seed", {"fixture": "small"})

        files = measure(client, "GET", "/api/v2/files/3", args.requests)
        rows.append(
            (
                "GET /api/v2/files/{id}",
                f"{files['rps']:.0f} req/s",
                f"{files['p50_ms']:.2f}",
                f"{files['p95_ms']:.2f}",
                ">= 1,500 req/s",
            )
        )

        status, body = client.call(
            "POST", "/api/v2/integration/schedule/replace-day", {"date": "2026-11-25", "entries": day_entries(500)}
        )
        assert status == 200 and json.loads(body)["created"] == 500, body[:200]
        schedule = measure(client, "GET", "/api/v2/schedule", max(200, args.requests // 3))
        rows.append(
            (
                "GET /api/v2/schedule (500 rows)",
                f"{schedule['rps']:.0f} req/s",
                f"{schedule['p50_ms']:.2f}",
                f"{schedule['p95_ms']:.2f}",
                ">= 500 req/s",
            )
        )

        replace = measure(
            client,
            "POST",
            "/api/v2/integration/schedule/replace-day",
            100,
            {"date": "2026-11-26", "entries": day_entries(480, "2026-11-26")},
        )
        rows.append(
            (
                "replace-day, 480 entries",
                f"{replace['rps']:.0f} req/s",
                f"{replace['p50_ms']:.2f}",
                f"{replace['p95_ms']:.2f}",
                "< 50 ms",
            )
        )

        t0 = time.perf_counter()
        status, body = client.call("POST", "/__stub__/seed", {"reset": True, "generate": {"files": args.files}})
        seed_s = time.perf_counter() - t0
        assert status == 201, body[:200]
        rss = rss_mb(proc.pid)
        rows.append((f"seed {args.files:,} generated files", f"{seed_s:.2f} s", "", "", "< 5 s"))
        rows.append(("stub RSS after seeding", f"{rss:.0f} MB", "", "", "< 300 MB"))

        t0 = time.perf_counter()
        pages, seen, path = 0, 0, "/api/v2/integration/media-library?limit=1000&offset=0"
        while path:
            status, body = client.call("GET", path)
            page = json.loads(body)
            seen += len(page["results"])
            pages += 1
            path = page["next"].split(f":{port}", 1)[1] if page["next"] else ""
        walk_s = time.perf_counter() - t0
        assert seen == args.files, (seen, args.files)
        rows.append(
            (
                f"media-library walk, {pages} pages of 1,000",
                f"{walk_s:.2f} s",
                f"{walk_s / pages * 1000:.1f}",
                "",
                "< 5 s",
            )
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; {platform.system()}")
    print()
    print("| measurement | result | p50 ms | p95 ms | target |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
