"""Throughput and latency of the LibreTime stub, against its targets. Not a test: run it by hand.

    .venv/bin/python bench/stub_bench.py [--requests 3000] [--files 100000]

The stub runs as its own process; the client is one sequential keep-alive connection.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from common import Client, free_port, machine, rss_mb, start, table, timed

KEY = "bench-key"


def day_entries(count: int, day: str = "2026-11-25") -> list[dict[str, Any]]:
    first = datetime.fromisoformat(day).replace(tzinfo=UTC)
    step = 86400 / count
    return [
        {"start": (first + timedelta(seconds=i * step)).isoformat(), "media_id": 1 + i % 14, "hard_start": i % 10 == 0}
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--files", type=int, default=100_000)
    args = parser.parse_args()
    port = free_port()
    proc = start("stubs.libretime", port, "--api-key", KEY)
    rows: list[tuple[str, ...]] = []
    try:
        client = Client(port, {"Authorization": f"Api-Key {KEY}"})
        client.json("POST", "/__stub__/seed", {"fixture": "small"}, expect=201)

        r = timed(client, "GET", "/api/v2/files/3", args.requests)
        rows.append(
            (
                "GET /api/v2/files/{id}",
                f"{r['rps']:.0f} req/s",
                f"{r['p50_ms']:.2f}",
                f"{r['p95_ms']:.2f}",
                ">= 1,500 req/s",
            )
        )

        body = {"date": "2026-11-25", "entries": day_entries(500)}
        assert client.json("POST", "/api/v2/integration/schedule/replace-day", body)["created"] == 500
        r = timed(client, "GET", "/api/v2/schedule", max(200, args.requests // 3))
        rows.append(
            (
                "GET /api/v2/schedule (500 rows)",
                f"{r['rps']:.0f} req/s",
                f"{r['p50_ms']:.2f}",
                f"{r['p95_ms']:.2f}",
                ">= 500 req/s",
            )
        )

        body = {"date": "2026-11-26", "entries": day_entries(480, "2026-11-26")}
        r = timed(client, "POST", "/api/v2/integration/schedule/replace-day", 100, body)
        rows.append(
            ("replace-day, 480 entries", f"{r['rps']:.0f} req/s", f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}", "< 50 ms")
        )

        t0 = time.perf_counter()
        client.json("POST", "/__stub__/seed", {"reset": True, "generate": {"files": args.files}}, expect=201)
        seed_s = time.perf_counter() - t0
        rows.append((f"seed {args.files:,} generated files", f"{seed_s:.2f} s", "", "", "< 5 s"))
        rows.append(("stub RSS after seeding", f"{rss_mb(proc.pid):.0f} MB", "", "", "< 300 MB"))

        t0 = time.perf_counter()
        pages, seen, path = 0, 0, "/api/v2/integration/media-library?limit=1000&offset=0"
        while path:
            page = client.json("GET", path)
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
    print(machine())
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
