"""LibreLog end to end against the stub, against its targets. Not a test: run it by hand.

    .venv/bin/python bench/librelog_bench.py [--files 100000]

Both services run as their own processes, LibreLog on a file database in a temporary folder.
Track sync is measured at N and 2N library files in fresh LibreLog processes, so "flat memory"
is the two peak RSS figures side by side.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import Client, free_port, machine, rss_mb, start, table, timed

KEY = "bench-key-0123456789abcdef"


def librelog(libretime_port: int, folder: Path) -> tuple[object, Client]:
    port = free_port()
    proc = start(
        "stubs.librelog",
        port,
        env={
            "LIBRETIME_INTERNAL_URL": f"http://127.0.0.1:{libretime_port}",
            "LIBRETIME_API_KEY": KEY,
            "LIBRELOG_DB": str(folder / "librelog.sqlite3"),
            "LIBRETIME_TIMEOUT": "120",
        },
    )
    return proc, Client(port)


def sync(libretime: Client, files: int, lt_port: int, folder: Path) -> tuple[float, float, dict]:
    libretime.json("POST", "/__stub__/seed", {"reset": True, "generate": {"files": files}}, expect=201)
    proc, client = librelog(lt_port, folder)
    try:
        t0 = time.perf_counter()
        body = client.json("POST", "/sync/tracks?batch_size=1000")
        elapsed = time.perf_counter() - t0
        peak = rss_mb(proc.pid, "VmHWM")  # type: ignore[attr-defined]
    finally:
        proc.terminate()  # type: ignore[attr-defined]
        proc.wait(timeout=10)  # type: ignore[attr-defined]
    assert body["created"] == files, body
    return elapsed, peak, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--publishes", type=int, default=30)
    args = parser.parse_args()
    lt_port = free_port()
    stub = start("stubs.libretime", lt_port, "--api-key", KEY)
    rows: list[tuple[str, ...]] = []
    try:
        libretime = Client(lt_port, {"Authorization": f"Api-Key {KEY}"})
        with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
            n = args.files
            elapsed, peak, _ = sync(libretime, n, lt_port, Path(one))
            rows.append(
                (f"POST /sync/tracks, {n:,} files", f"{n / elapsed:,.0f} tracks/s", "", "", ">= 10,000 tracks/s")
            )
            rows.append((f"LibreLog peak RSS, {n:,}-file sync", f"{peak:.0f} MB", "", "", "< 200 MB"))
            elapsed2, peak2, _ = sync(libretime, 2 * n, lt_port, Path(two))
            rows.append(
                (f"LibreLog peak RSS, {2 * n:,}-file sync", f"{peak2:.0f} MB", "", "", f"flat (vs {peak:.0f} MB)")
            )
            rows.append((f"POST /sync/tracks, {2 * n:,} files", f"{2 * n / elapsed2:,.0f} tracks/s", "", "", ""))

        with tempfile.TemporaryDirectory() as folder:
            libretime.json("POST", "/__stub__/seed", {"reset": True, "generate": {"files": 2000}}, expect=201)
            proc, client = librelog(lt_port, Path(folder))
            try:
                client.json("POST", "/sync/tracks")
                entries = [
                    {"start": f"{i * 180 // 3600:02d}:{i * 180 % 3600 // 60:02d}:00", "track_id": 1 + i % 2000}
                    for i in range(480)
                ]
                log = client.json("POST", "/logs", {"date": "2026-11-25", "entries": entries}, expect=201)
                r = timed(client, "POST", f"/logs/{log['id']}/publish", args.publishes)
                rows.append(
                    (
                        "publish a 480-entry day (integration)",
                        f"{r['p50_ms']:.1f} ms",
                        f"{r['p50_ms']:.1f}",
                        f"{r['p95_ms']:.1f}",
                        "< 150 ms",
                    )
                )
            finally:
                proc.terminate()  # type: ignore[attr-defined]
                proc.wait(timeout=10)  # type: ignore[attr-defined]
    finally:
        stub.terminate()
        stub.wait(timeout=10)
    print(machine())
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
