"""The seed's plan live against a real LibreTime: wall time, and requests LibreTime receives per
scenario (from the harness and from LibreLog together). Not a test: run it by hand.

    ../shared/tools/real-libretime up     # prints LIBRETIME_URL and LIBRETIME_API_KEY
    eval "$(../shared/tools/real-libretime env)"
    .venv/bin/python bench/live_bench.py

A counting proxy sits in front of LibreTime; LibreLog (v2 flavour, a fresh database) talks to
LibreTime through it, and so does the harness. The whole live run is timed once, then every
scenario that runs live is run alone to count its requests.
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
from common import ROOT, free_port, start

TARGET_S = 60.0


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
            request.method, self.upstream + request.path_qs, headers=headers, data=await request.read()
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


def main() -> None:
    upstream, key = os.environ.get("LIBRETIME_URL"), os.environ.get("LIBRETIME_API_KEY")
    if not upstream or not key:
        raise SystemExit('set LIBRETIME_URL and LIBRETIME_API_KEY (eval "$(../shared/tools/real-libretime env)")')
    proxy = CountingProxy(upstream)
    proxy.start()
    through = f"http://127.0.0.1:{proxy.port}"
    work = Path(tempfile.mkdtemp(prefix="lv-live-bench-"))
    port = free_port()
    librelog = start(
        "stubs.librelog",
        port,
        "--host",
        "127.0.0.1",
        env={
            "LIBRETIME_INTERNAL_URL": "",
            "LIBRETIME_API_URL": through,
            "LIBRETIME_API_KEY": key,
            "LIBRETIME_API_FLAVOR": "v2",
            "LIBRELOG_DB": str(work / "librelog.sqlite3"),
            "LIBRELOG_TEST_RESET": "",
        },
    )
    env = {"LIBRELOG_URL": f"http://127.0.0.1:{port}", "LIBRETIME_URL": through, "LIBRELOG_API_TOKEN": ""}
    try:
        proxy.count = 0
        wall, whole = live(env, work / "whole")
        if whole.returncode != 0:
            raise SystemExit(f"the live run failed ({whole.returncode}):\n{whole.stdout[-3000:]}{whole.stderr}")
        total = proxy.count
        results: list[tuple[str, int, float, int]] = []
        for path in sorted((work / "whole" / "allure-results").glob("*-result.json")):
            raw = json.loads(path.read_text())
            if raw.get("status") != "passed":
                continue
            sid = next(lab["value"] for lab in raw["labels"] if lab["name"] == "scenario_id")
            proxy.count = 0
            seconds, one = live(env, work / sid, "-k", sid)
            results.append((sid, proxy.count, seconds, one.returncode))
    finally:
        librelog.terminate()
    print(f"Live run against {upstream} (v2 flavour), {time.strftime('%Y-%m-%d')}:")
    print(f"| whole live run | {wall:.1f} s wall | {total} requests to LibreTime | target < {TARGET_S:.0f} s |")
    print("| scenario alone | requests to LibreTime | wall (incl. preflight and fingerprints) |")
    for sid, count, seconds, code in results:
        print(f"| `{sid}` | {count} | {seconds:.1f} s{'' if code == 0 else f' (exit {code})'} |")


if __name__ == "__main__":
    main()
