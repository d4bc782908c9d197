"""The schedule check at scale, against stubs: one station with 28 days of 1,440 one-minute rows
(target under 10 s), and 20 stations of 7 such days checked concurrently from one stations file
(target under 30 s), with the LibreTime requests each station-day cost. Not a test: run it by hand.

    .venv/bin/python bench/check_scale_bench.py [--repeat 3] [--concurrency 4]

Each station is a LibreTime stub process of its own, seeded through its control plane with one
show instance a day and a clean row every minute (so the check must read and judge every row and
find nothing). ``librelog-verify check`` runs as a user runs it: a new process each time, LibreTime
alone (``--max-playout-silence off``: the rows are far in the future), its JSON read back to prove
every day and row was checked. Wall time includes Python starting.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from common import ROOT, Client, free_port, machine, start

sys.path.insert(0, str(ROOT))
from harness.seeding.rows import completed
from harness.seeding.rows import test_file as file_body

FIRST = date(2097, 5, 1)
KEY = "check-scale-bench-key"
ROWS_PER_DAY = 1440
SINGLE_DAYS, SINGLE_TARGET_S = 28, 10.0
STATIONS, STATION_DAYS, MANY_TARGET_S = 20, 7, 30.0


def _z(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_payload(days: int) -> dict[str, Any]:
    """One file of a minute, a show, an instance a day, a row every minute of every day."""
    minute = timedelta(minutes=1)
    instances, schedule = [], []
    for d in range(days):
        start = datetime.combine(FIRST + timedelta(days=d), datetime.min.time(), tzinfo=UTC)
        instances.append(
            completed(
                "show_instances",
                {"id": d + 1, "show": 1, "starts_at": _z(start), "ends_at": _z(start + timedelta(days=1))},
            )
        )
        for i in range(ROWS_PER_DAY):
            row = {"starts_at": _z(start + i * minute), "ends_at": _z(start + (i + 1) * minute), "position": i}
            schedule.append(
                completed(
                    "schedule", {**row, "length": "00:01:00", "cue_out": "00:01:00", "instance": d + 1, "file": 1}
                )
            )
    show = completed("shows", {"id": 1, "name": "Check scale bench"})
    return {
        "reset": True,
        "files": [{"id": 1, **file_body({"length": "00:01:00"})}],
        "shows": [show],
        "show_instances": instances,
        "schedule": schedule,
    }


def stub(days: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = start("stubs.libretime", port, "--api-key", KEY, "--fixture", "empty", "--face", "api")
    Client(port).json("POST", "/__stub__/seed", seed_payload(days), expect=201)
    return proc, f"http://127.0.0.1:{port}"


def check(args: list[str], env: dict[str, str]) -> tuple[float, Any]:
    command = [sys.executable, "-m", "harness.cli", "check", *args, "--format", "json", "--no-report"]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"check exited {done.returncode}: {done.stderr[-500:]}")
    return took, json.loads(done.stdout)


def _checked(doc: dict[str, Any], days: int) -> int:
    """The rows the check judged: every day there, every row, nothing found on a clean schedule."""
    assert doc["complete"] and len(doc["days"]) == days, doc["error"]
    assert all(d["rows"] == ROWS_PER_DAY for d in doc["days"]), [d["rows"] for d in doc["days"]]
    assert doc["summary"]["errors"] == 0 and doc["summary"]["warnings"] == 0, doc["summary"]
    return sum(d["rows"] for d in doc["days"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4, help="stations checked at once (check's default)")
    args = parser.parse_args()
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    window = ["--from", str(FIRST), "--timezone", "UTC", "--max-playout-silence", "off"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        began = time.perf_counter()
        proc, url = stub(SINGLE_DAYS)
        procs.append(proc)
        print(machine())
        print(f"one station: {SINGLE_DAYS} days × {ROWS_PER_DAY} rows seeded in {time.perf_counter() - began:.1f} s")
        env = {**base, "LIBRETIME_URL": url, "LIBRETIME_API_KEY": KEY}
        single = [check([*window, "--days", str(SINGLE_DAYS)], env) for _ in range(args.repeat)]
        rows = _checked(single[0][1], SINGLE_DAYS)
        requests = single[0][1]["summary"]["requests"]
        took = statistics.median(t for t, _ in single)
        print(
            f"  check: {rows} rows in {took:.2f} s (median of {args.repeat}; target {SINGLE_TARGET_S:g} s);"
            f" {requests} LibreTime requests, {requests / SINGLE_DAYS:.2f} per station-day"
        )

        began = time.perf_counter()
        urls = []
        for _ in range(STATIONS):
            proc, url = stub(STATION_DAYS)
            procs.append(proc)
            urls.append(url)
        print(
            f"{STATIONS} stations: {STATION_DAYS} days × {ROWS_PER_DAY} rows each, seeded in"
            f" {time.perf_counter() - began:.1f} s"
        )
        with tempfile.TemporaryDirectory() as folder:
            stations = Path(folder) / "stations.yaml"
            stations.write_text(
                "stations:\n"
                + "".join(
                    f"  - {{name: station-{i:02d}, libretime_url: '{u}', libretime_api_key_env: KEY, timezone: UTC}}\n"
                    for i, u in enumerate(urls)
                )
            )
            env = {**base, "KEY": KEY}
            many_args = [*window, "--days", str(STATION_DAYS), "--stations", str(stations)]
            many = [check([*many_args, "--concurrency", str(args.concurrency)], env) for _ in range(args.repeat)]
        docs = many[0][1]
        rows = sum(_checked(d, STATION_DAYS) for d in docs)
        requests = sum(d["summary"]["requests"] for d in docs)
        took = statistics.median(t for t, _ in many)
        print(
            f"  check --stations (--concurrency {args.concurrency}): {rows} rows in {took:.2f} s"
            f" (median of {args.repeat}; target {MANY_TARGET_S:g} s); {requests} LibreTime requests,"
            f" {requests / (STATIONS * STATION_DAYS):.2f} per station-day"
        )
        return 0
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
