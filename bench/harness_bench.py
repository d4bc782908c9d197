"""Harness overhead against its targets. Not a test: run it by hand.

    .venv/bin/python bench/harness_bench.py [--steps 200] [--skip-tavern]

1. Per request step: the harness's runner (templating, expectations, recording) against a bare
   httpx loop doing the same calls and checks on the same in-process stub route.
2. A 100-request scenario against the same served stubs, as a ``librelog-verify run --target
   live`` and as the equivalent Tavern test (tavern from PyPI in its own venv, benchmark only).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from common import ROOT, free_port, machine, table

sys.path.insert(0, str(ROOT))

from harness.model.loader import Scenario
from harness.model.templating import Context
from harness.running.recorder import Recorder
from harness.running.steps import Runner
from harness.targets import stub_target

KEY = "bench-key-0123456789"
TAVERN_VENV = ROOT / ".venv-tavern"


def step(i: int) -> dict:
    return {
        "name": f"file {i}",
        "request": {"service": "libretime", "method": "GET", "path": "/api/v2/files/{{ file_id }}"},
        "expect": {"status": 200, "json": {"id": 1, "mime": "audio/x-wav"}},
    }


async def per_step(steps: int, rounds: int) -> tuple[float, float]:
    async with stub_target({}, {"fixture": "small"}, date(2099, 1, 1)) as target:
        scenario = Scenario(path=Path("bench.yaml"), data={"id": "bench", "steps": [step(i) for i in range(steps)]})
        best_runner = best_bare = float("inf")
        for _ in range(rounds):
            ctx = Context(sandbox_date=date(2099, 1, 1), env={}, target={}, vars={"file_id": 1})
            runner = Runner(scenario, target, ctx, Recorder(target.masker))
            t0 = time.perf_counter()
            await runner.run()
            best_runner = min(best_runner, time.perf_counter() - t0)
            t0 = time.perf_counter()
            for _ in range(steps):
                response = await target.libretime.get("/api/v2/files/1")
                body = response.json()
                assert response.status_code == 200 and body["id"] == 1 and body["mime"] == "audio/x-wav"
            best_bare = min(best_bare, time.perf_counter() - t0)
    return best_runner / steps * 1000, best_bare / steps * 1000


def tavern_file(url: str, count: int) -> str:
    stages = "".join(
        f"""
  - name: file {i}
    request:
      url: {url}/api/v2/files/1
      method: GET
      headers: {{Authorization: "Api-Key {KEY}"}}
    response:
      status_code: 200
      json: {{id: 1, mime: audio/x-wav}}
      strict: [json:off]
"""
        for i in range(count)
    )
    return f"test_name: hundred requests\nstages:{stages}"


def harness_file(count: int) -> str:
    steps = "".join(
        f"""
  - name: file {i}
    request: {{service: libretime, method: GET, path: /api/v2/files/1}}
    expect: {{status: 200, json: {{id: 1, mime: audio/x-wav}}}}
"""
        for i in range(count)
    )
    return (
        "id: hundred\ntitle: A hundred LibreTime reads\nfeature: Bench\nseverity: trivial\ntargets: [live]\n"
        f"steps:{steps}"
    )


def wall(cmd: list[str], cwd: Path, env: dict[str, str], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        elapsed = time.perf_counter() - t0
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        best = min(best, elapsed)
    return best


def against_tavern(count: int, rounds: int) -> tuple[float, float]:
    if not (TAVERN_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TAVERN_VENV)], check=True)  # noqa: S603
        # Tavern imports pytest internals that pytest 9 removed.
        pip = [str(TAVERN_VENV / "bin" / "pip"), "install", "-q", "tavern", "pytest>=8,<9"]
        subprocess.run(pip, check=True)  # noqa: S603
    lt, ll = free_port(), free_port()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        serve = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "harness.cli",
                "serve",
                "--libretime-port",
                str(lt),
                "--librelog-port",
                str(ll),
                "--api-key",
                KEY,
                "--db",
                str(work / "db.sqlite3"),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(2.0)
            (work / "scenarios").mkdir()
            (work / "scenarios" / "hundred.yaml").write_text(harness_file(count))
            (work / "test_hundred.tavern.yaml").write_text(tavern_file(f"http://127.0.0.1:{lt}", count))
            env = {
                **os.environ,
                "LIBRELOG_URL": f"http://127.0.0.1:{ll}",
                "LIBRETIME_URL": f"http://127.0.0.1:{lt}",
                "LIBRETIME_API_KEY": KEY,
            }
            ours = wall(
                [sys.executable, "-m", "harness.cli", "run", "--target", "live", "--results", "r"], work, env, rounds
            )
            theirs = wall(
                [
                    str(TAVERN_VENV / "bin" / "python"),
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "test_hundred.tavern.yaml",
                ],
                work,
                env,
                rounds,
            )
        finally:
            serve.terminate()
            serve.wait(timeout=10)
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-tavern", action="store_true")
    args = parser.parse_args()
    runner_ms, bare_ms = asyncio.run(per_step(args.steps, args.rounds))
    rows = [
        ("request step through the harness", f"{runner_ms:.3f} ms", "", "", ""),
        ("the same call and checks, bare httpx", f"{bare_ms:.3f} ms", "", "", ""),
        ("harness overhead ratio", f"{runner_ms / bare_ms:.2f}x", "", "", "<= 1.3x"),
    ]
    if not args.skip_tavern:
        ours, theirs = against_tavern(100, args.rounds)
        rows += [
            ("100-request scenario, librelog-verify run (live)", f"{ours:.2f} s", "", "", ""),
            ("the same test in Tavern 3", f"{theirs:.2f} s", "", "", ""),
            ("Tavern time / ours", f"{theirs / ours:.2f}x", "", "", ">= 1.0x"),
        ]
    print(machine())
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
