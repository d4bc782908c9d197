"""The whole live suite against a complete real LibreTime: wall time, and the requests LibreTime
receives (from the harness and from LibreLog together). Not a test: run it by hand.

    ../shared/tools/real-libretime up --full     # the API, the legacy app behind nginx, the analyzer
    eval "$(../shared/tools/real-libretime env)"
    .venv/bin/python bench/live_bench.py

A counting proxy sits in front of LibreTime; the run goes through it as a user's run goes to
LibreTime (``run --target live --start-librelog v2``: this project's LibreLog started by the run,
behind the interposer, which forwards to the proxy), so every request LibreTime receives is
counted. The slowest scenarios and the requests per scenario item are printed too.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiohttp import ClientSession, web
from common import ROOT, free_port

TARGET_S = 180.0


class CountingProxy:
    """Forwards everything to LibreTime and counts the requests, in a thread of its own."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.count = 0
        self.port = free_port()
        self.ready = threading.Event()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.count += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with self.session.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=await request.read(),
            allow_redirects=False,
        ) as upstream:
            body = await upstream.read()
            keep = {
                k: v for k, v in upstream.headers.items() if k.lower() not in ("content-length", "transfer-encoding")
            }
            return web.Response(status=upstream.status, body=body, headers=keep)

    async def serve(self) -> None:
        self.session = ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self.ready.set()
        await asyncio.Event().wait()

    def start(self) -> None:
        threading.Thread(target=lambda: asyncio.run(self.serve()), daemon=True).start()
        self.ready.wait(10)


def live(env: dict[str, str], out: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, "-m", "harness.cli", "run", "--target", "live", "--no-report", "--out", str(out), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, done


def _outcomes(results: Path) -> list[tuple[str, str, float]]:
    """(item id, status, seconds) of every scenario item, slowest first."""
    found = []
    for path in results.glob("*-result.json"):
        raw = json.loads(path.read_text())
        sid = next(lab["value"] for lab in raw["labels"] if lab["name"] == "scenario_id")
        found.append((sid, raw.get("status", "?"), (raw.get("stop", 0) - raw.get("start", 0)) / 1000))
    return sorted(found, key=lambda row: -row[2])


def main() -> None:
    upstream, key = os.environ.get("LIBRETIME_URL"), os.environ.get("LIBRETIME_API_KEY")
    if not upstream or not key:
        raise SystemExit('set LIBRETIME_URL and LIBRETIME_API_KEY (eval "$(../shared/tools/real-libretime env)")')
    proxy = CountingProxy(upstream)
    proxy.start()
    through = f"http://127.0.0.1:{proxy.port}"
    work = Path(tempfile.mkdtemp(prefix="lv-live-bench-"))
    api_port = os.environ.get("LIBRETIME_API_FACE_URL", "http://127.0.0.1:9001")
    env = {"LIBRETIME_URL": through, "LIBRELOG_URL": "", "LIBRELOG_API_TOKEN": "", "LIBRETIME_API_FACE_URL": api_port}
    proxy.count = 0
    wall, whole = live(env, work / "whole", "--start-librelog", "v2")
    if whole.returncode != 0:
        raise SystemExit(f"the live run failed ({whole.returncode}):\n{whole.stdout[-3000:]}{whole.stderr}")
    total = proxy.count
    outcomes = _outcomes(work / "whole" / "allure-results")
    passed = [o for o in outcomes if o[1] == "passed"]
    skipped = sum(1 for o in outcomes if o[1] == "skipped")
    day = time.strftime("%Y-%m-%d")
    print(f"Live run against {upstream} (the whole suite, LibreLog v2 behind the interposer), {day}:")
    print(
        f"| whole live suite | {wall:.1f} s wall | {len(passed)} items passed, {skipped} skipped |"
        f" {total} requests to LibreTime ({total / max(1, len(passed)):.0f} per item) | target < {TARGET_S:.0f} s |"
    )
    print("| slowest items | seconds |")
    for sid, _status, seconds in passed[:5]:
        print(f"| `{sid}` | {seconds:.1f} |")


if __name__ == "__main__":
    main()
