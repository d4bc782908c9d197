"""``librelog-verify check``: the command line of the schedule check.

One station from the environment (with LibreLog, or LibreTime alone without ``LIBRELOG_URL`` or
with ``--libretime-only``), or many from ``--stations FILE``, checked concurrently.

Exit codes: 0 no error found, 1 errors found, 2 the check could not run or finish (bad
arguments, missing settings, a service that did not answer); with many stations, the worst of
them. The chosen format is still written when the check started but could not finish, so
monitoring sees ``librelog_check_up 0``. Stdout holds the chosen format and nothing else; every
line meant for a person goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..station.formats import FORMATS

if TYPE_CHECKING:
    from ..station.result import CheckResult
    from ..station.runner import Request
    from ..station.settings import StationSettings

OFF = "off"


def _write(path: Path, text: str) -> None:
    """Atomically (a temporary file renamed over it): node_exporter never reads half a file."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _request(args: argparse.Namespace) -> Request:
    """The options every station is checked with, each checked before any request."""
    # The checker's modules (HTTP clients, the stubs' shapes) load when a check runs, not with the
    # command line every other command starts from.
    from ..station.check import zone
    from ..station.runner import Request
    from ..station.span import Span, parse_age

    if args.max_gap < 0:
        raise ConfigError(f"--max-gap must be 0 or more seconds, not {args.max_gap:g}")
    if args.concurrency < 1:
        raise ConfigError(f"--concurrency must be at least 1, not {args.concurrency}")
    silence = args.max_playout_silence
    span = Span(args.start, args.to, args.days)
    span.resolve(date.today())  # argument problems now, before any request
    if args.timezone:
        zone(args.timezone)
    return Request(
        span=span,
        max_gap=timedelta(seconds=args.max_gap),
        max_sync_age=parse_age(args.max_sync_age),
        max_playout_silence=None if silence == OFF else parse_age(silence, "--max-playout-silence"),
        timezone=args.timezone,
        librelog_station=args.station,
    )


def _stations(args: argparse.Namespace, env: dict[str, str]) -> list[StationSettings] | None:
    """The stations file's stations (LibreTime alone for all with ``--libretime-only``), or None."""
    if not args.stations:
        return None
    from ..station import stations as stations_file
    from ..station.settings import StationSettings

    found = stations_file.load(Path(args.stations), env, args.timezone)
    if args.libretime_only:
        return [StationSettings(s.libretime_url, s.api_key, timezone=s.timezone, name=s.name) for s in found]
    return found


def main(args: argparse.Namespace) -> int:
    from ..secrets import Masker
    from ..station.formats import render
    from ..station.formats.table import verdict
    from ..station.runner import check_station, check_stations
    from ..station.settings import StationSettings
    from ..targets import environment

    request = _request(args)
    env = environment()
    many = _stations(args, env)
    if many is not None:
        results = asyncio.run(check_stations(many, request, args.concurrency))
        masker = Masker([s.api_key for s in many] + [s.librelog_token for s in many])
        output: CheckResult | list[CheckResult] = results
        code = max(r.exit_code for r in results)
    else:
        one = StationSettings.from_env(env, libretime_only=args.libretime_only)
        if one.librelog_url is None and not args.libretime_only:
            print("check: no LIBRELOG_URL: checking LibreTime alone (no log comparison)", file=sys.stderr)
        result = asyncio.run(check_station(one, request))
        masker, output, code, results = one.masker(), result, result.exit_code, [result]
    text = masker.text(render(args.format, output, Path(args.output) if args.output else None))
    if args.output:
        _write(Path(args.output), text)
        for result in results:
            name = f"{result.station}: " if result.station else ""
            print(f"{name}{masker.text(verdict(result))}", file=sys.stderr)
        print(f"→ {args.output} ({args.format})", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if not args.no_report:
        _report(output, Path(args.out), masker.text)
    return code


def _report(output: CheckResult | list[CheckResult], out: Path, mask: Callable[[str], str]) -> None:
    from reports.verification import write_schedule_check

    doc = [r.as_json(timeline=True) for r in output] if isinstance(output, list) else output.as_json(timeline=True)
    _write(out / "schedule-check.json", mask(json.dumps(doc, ensure_ascii=False)))
    md, html = write_schedule_check(out)
    print(f"Verification report: {md} and {html}", file=sys.stderr)


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        "check",
        help="read-only checks that a station's coming days will play (and as LibreLog logged them)",
        description="GET-only: safe on a production station with its real key. One station from the environment:"
        " LIBRETIME_URL and LIBRETIME_API_KEY, plus LIBRELOG_URL (and LIBRELOG_API_TOKEN) for the log comparison;"
        " without LIBRELOG_URL only LibreTime is checked. Many stations: --stations FILE.",
    )
    c.add_argument("--from", dest="start", required=True, metavar="DATE", help="YYYY-MM-DD, today or tomorrow")
    span = c.add_mutually_exclusive_group()
    span.add_argument("--to", metavar="DATE", help="last day, inclusive (default: the --from day)")
    span.add_argument("--days", type=int, metavar="N", help="number of days from --from")
    c.add_argument("--format", choices=tuple(FORMATS), default="table")
    c.add_argument("--output", metavar="FILE", help="write the format here (atomically) instead of stdout")
    c.add_argument("--max-gap", type=float, default=2.0, metavar="SECONDS", help="silence allowed (default 2)")
    c.add_argument("--max-sync-age", default="26h", metavar="AGE", help="oldest acceptable sync (default 26h)")
    c.add_argument(
        "--max-playout-silence",
        default="15m",
        metavar="AGE",
        help="no play recorded for this long while rows were due is playout_stopped (default 15m; off: not checked)",
    )
    c.add_argument("--timezone", help="the station's IANA zone (default: LibreLog's station_timezone)")
    c.add_argument("--station", help="LibreLog's station name (default: LibreLog's own)")
    c.add_argument(
        "--libretime-only", action="store_true", help="check LibreTime alone, even where LibreLog settings are given"
    )
    c.add_argument("--stations", metavar="FILE", help="a YAML file of stations, checked at once (docs/check.md)")
    c.add_argument("--concurrency", type=int, default=4, metavar="N", help="stations checked at once (default 4)")
    c.add_argument("--out", default="reports/out", help="where the report is written (default: ./reports/out)")
    c.add_argument("--no-report", action="store_true", help="no schedule-check report, only the format")
    c.set_defaults(func=main)
