"""The main job's wall time: the built-in suite on the embedded stubs, as the README runs it. Not a
test: run it by hand on an otherwise idle machine.

    .venv/bin/python bench/main_job_bench.py [--runs 5] [--workers 2] [--profile 20]

Each run is ``librelog-verify run --no-report -n WORKERS`` in its own process, from an empty
results folder, timed from start to exit; the figure is the median, with the process tree's CPU
time beside it. Every run must pass every scenario: a faster run that verified less is no figure.
``--profile N`` then runs the suite once serially under cProfile and prints the N entries with the
most cumulative time in this project's code and the N with the most time of their own anywhere.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, machine

TARGET_S = 5.0
_PASSED = re.compile(r"(\d+) passed, 0 failed, (\d+) skipped")


def one_run(workers: str, out: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the process tree, and the run's own count line."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - this project's own command
        [sys.executable, "-m", "harness.cli", "run", "--no-report", "-n", workers, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    counted = _PASSED.search(done.stdout)
    if done.returncode != 0 or counted is None:
        sys.exit(f"the run did not pass (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return wall, cpu, counted.group(0)


def profile(entries: int, out: Path) -> str:
    """The serial suite under cProfile, in this process: its top entries as text."""
    sys.path.insert(0, str(ROOT))
    from harness.cli.main import main

    profiler = cProfile.Profile()
    profiler.enable()
    code = main(["run", "--no-report", "-n", "0", "--out", str(out)])
    profiler.disable()
    if code != 0:
        sys.exit(f"the profiled run did not pass (exit {code})")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(str(ROOT / r"(harness|stubs|reports)"), entries)
    stats.sort_stats("tottime").print_stats(entries)
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", default="2", help="pytest-xdist workers (-n), as the README's main job uses")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also profile a serial run: top N")
    args = parser.parse_args()
    # The project's bytecode, as scripts/setup.sh writes it before the main job.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "harness", "stubs", "reports"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory(prefix="lv-bench-") as tmp:
        out = Path(tmp)
        one_run(args.workers, out)  # warm: files in the page cache
        walls, cpus, counted = [], [], ""
        for _ in range(args.runs):
            wall, cpu, counted = one_run(args.workers, out)
            walls.append(wall)
            cpus.append(cpu)
        print(machine())
        print(f"`librelog-verify run --no-report -n {args.workers}`, {args.runs} runs, each: {counted}")
        print("| measurement | median | min | max | target |")
        print("|---|---|---|---|---|")
        print(
            f"| wall time | {statistics.median(walls):.2f} s | {min(walls):.2f} s | {max(walls):.2f} s |"
            f" < {TARGET_S:g} s |"
        )
        print(
            f"| CPU time, all processes | {statistics.median(cpus):.2f} s | {min(cpus):.2f} s | {max(cpus):.2f} s | |"
        )
        if args.profile:
            print(profile(args.profile, out))


if __name__ == "__main__":
    main()
