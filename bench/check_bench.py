"""The schedule check on a real LibreTime: 7 days of 480 rows each, checked in one command.
Target: under 20 s, with the requests counted. Not a test: run it by hand.

    eval "$(../shared/tools/real-libretime up)"     # LIBRETIME_URL and LIBRETIME_API_KEY
    .venv/bin/python bench/check_bench.py [--days 7] [--rows 480] [--repeat 3]

Our LibreLog (v2 flavour, a fresh database, a process of its own) publishes the days on far-future
dates; ``librelog-verify check --format json`` then runs as a user runs it (a new process each
time, so its wall time includes Python starting). Everything created is removed afterwards (the
file is hidden: LibreTime never deletes one) and the station is compared with its fingerprint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from common import ROOT, free_port, machine, start

sys.path.insert(0, str(ROOT))
from harness.live.fingerprint import differences, take
from harness.live.ledger import Entry
from harness.seeding.rows import test_file as file_body
from harness.targets.sandbox import Cleaned, clean

TARGET_S = 20.0
FIRST = date(2097, 3, 2)
TZ = "Europe/Berlin"


def window(days: int) -> tuple[datetime, datetime]:
    zone = ZoneInfo(TZ)
    start = datetime.combine(FIRST - timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, start + timedelta(days=days + 2)


async def publish(lt_url: str, key: str, ll_url: str, days: int, rows: int) -> tuple[list[Entry], float]:
    """The days, published by LibreLog; what to clean up, and the seconds publishing took."""
    step = timedelta(days=1) / rows
    start, end = window(days)
    async with (
        httpx.AsyncClient(base_url=lt_url, headers={"Authorization": f"Api-Key {key}"}, timeout=120) as lt,
        httpx.AsyncClient(base_url=ll_url, timeout=600) as ll,
    ):
        shows = {s["id"] for s in (await lt.get("/api/v2/shows")).json()}
        claim = {"start": start.isoformat(), "end": end.isoformat(), "shows_before": sorted(shows)}
        made = [Entry("window", claim, lt_url, ll_url)]
        created = await lt.post("/api/v2/files", json=file_body({"length": str(step)}))
        created.raise_for_status()
        made.append(Entry("file", created.json()["id"], lt_url, ll_url))
        for what in ("/sync/tracks", "/sync/playback-history"):
            body = {"start_date": str(FIRST), "end_date": str(FIRST)} if "history" in what else None
            (await ll.post(what, json=body)).raise_for_status()
        began = time.monotonic()
        for offset in range(days):
            entries = [
                {"start": (datetime.min + step * i).time().isoformat(), "libretime_id": created.json()["id"]}
                for i in range(rows)
            ]
            day = {"date": str(FIRST + timedelta(days=offset)), "timezone": TZ, "entries": entries}
            log = await ll.post("/logs", json=day)
            log.raise_for_status()
            made.append(Entry("log", log.json()["id"], lt_url, ll_url))
            (await ll.post(f"/logs/{log.json()['id']}/publish")).raise_for_status()
        return made, time.monotonic() - began


async def remove(made: list[Entry], lt_url: str, key: str, ll_url: str) -> Cleaned:
    async with (
        httpx.AsyncClient(base_url=lt_url, headers={"Authorization": f"Api-Key {key}"}, timeout=120) as lt,
        httpx.AsyncClient(base_url=ll_url, timeout=120) as ll,
    ):
        return await clean(made, lt, ll)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--rows", type=int, default=480)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lt_url, key = os.environ.get("LIBRETIME_URL"), os.environ.get("LIBRETIME_API_KEY")
    if not (lt_url and key):
        raise SystemExit("set LIBRETIME_URL and LIBRETIME_API_KEY (../shared/tools/real-libretime up prints them)")
    with httpx.Client(base_url=lt_url, headers={"Authorization": f"Api-Key {key}"}, timeout=120) as sync:
        before = take(sync, window(args.days))
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "LIBRETIME_INTERNAL_URL": "",
            "LIBRETIME_API_URL": lt_url,
            "LIBRETIME_API_KEY": key,
            "LIBRETIME_API_FLAVOR": "v2",
            "LIBRETIME_TIMEOUT": "60",
            "LIBRELOG_DB": str(Path(tmp) / "librelog.sqlite3"),
            "LIBRELOG_STATION_TIMEZONE": TZ,
            "LIBRELOG_API_TOKEN": "",
        }
        librelog = start("stubs.librelog", port, "--host", "127.0.0.1", env=env)
        ll_url = f"http://127.0.0.1:{port}"
        made: list[Entry] = []
        try:
            made, published_s = asyncio.run(publish(lt_url, key, ll_url, args.days, args.rows))
            command = [str(ROOT / ".venv" / "bin" / "librelog-verify"), "check", "--from", str(FIRST)]
            command += ["--days", str(args.days), "--format", "json", "--no-report"]
            walls, docs = [], []
            for _ in range(args.repeat):
                began = time.monotonic()
                done = subprocess.run(  # noqa: S603 - our own command
                    command,
                    env={**os.environ, "LIBRELOG_URL": ll_url, "LIBRETIME_URL": lt_url, "LIBRETIME_API_KEY": key},
                    capture_output=True,
                    text=True,
                    check=False,
                )
                walls.append(time.monotonic() - began)
                if done.returncode == 2:
                    raise SystemExit(f"the check could not run: {done.stderr.strip()}")
                docs.append(json.loads(done.stdout))
        finally:
            cleaned = asyncio.run(remove(made, lt_url, key, ll_url)) if made else Cleaned()
            librelog.terminate()
            librelog.wait(timeout=10)
    with httpx.Client(base_url=lt_url, headers={"Authorization": f"Api-Key {key}"}, timeout=120) as sync:
        changes = differences(before, take(sync, window(args.days)), set(cleaned.hidden_files))
    problems = cleaned.problems
    doc = docs[-1]
    rows = sum(d["rows"] for d in doc["days"])
    median = statistics.median(walls)
    print(machine())
    print(f"LibreTime {lt_url}: {args.days} days × {args.rows} rows published by LibreLog in {published_s:.1f} s")
    print(f"check: {rows} rows, {doc['summary']['errors']} errors, {doc['summary']['requests']} GET requests")
    print(
        f"check wall time (median of {args.repeat}, a new process each): {median:.2f} s"
        f" (the check itself {doc['summary']['duration_s']:.2f} s); target < {TARGET_S:.0f} s:"
        f" {'met' if median < TARGET_S else 'NOT met'}"
    )
    if problems or changes:
        print("cleanup problems: " + "; ".join([*problems, *changes]), file=sys.stderr)
        return 1
    print("station unchanged after cleanup")
    return 0 if median < TARGET_S and rows == args.days * args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
