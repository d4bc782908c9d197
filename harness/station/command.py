"""``librelog-verify check``: the command line of the schedule check.

Exit codes: 0 no error found, 1 errors found, 2 the check could not run or finish (bad
arguments, missing settings, a service that did not answer); the chosen format is still written
when the check started but could not finish, so monitoring sees ``librelog_check_up 0``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import ConfigError
from ..targets import LiveConfig, environment
from .check import Options, check
from .findings import Finding, Kind
from .formats import FORMATS, render
from .result import CheckResult
from .source import CannotCheck, open_station

MAX_DAYS = 366
_AGE = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(text: str) -> timedelta:
    """``90m``, ``26h``, ``2d`` or plain seconds."""
    match = _AGE.match(text.strip())
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"--max-sync-age must be a positive duration such as 26h, 90m or 2d, not {text!r}")
    return timedelta(seconds=float(match.group(1)) * _UNIT[match.group(2)])


def _day(text: str, flag: str, today: date) -> date:
    words = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if text in words:
        return today + timedelta(days=words[text])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{flag} must be YYYY-MM-DD, today, tomorrow or yesterday, not {text!r}") from None


@dataclass(frozen=True)
class Span:
    """The days asked for, resolved once the station's time zone (its "today") is known."""

    start: str
    to: str | None
    days: int | None

    def resolve(self, today: date) -> tuple[date, date]:
        first = _day(self.start, "--from", today)
        if self.days is not None:
            if self.days < 1:
                raise ConfigError(f"--days must be at least 1, not {self.days}")
            last = first + timedelta(days=self.days - 1)
        else:
            last = _day(self.to, "--to", today) if self.to else first
        if last < first:
            raise ConfigError(f"--to {last} is before --from {first}")
        if (last - first).days + 1 > MAX_DAYS:
            raise ConfigError(f"at most {MAX_DAYS} days per check, not {(last - first).days + 1}")
        return first, last


def _write(path: Path, text: str) -> None:
    """Atomically (a temporary file renamed over it): node_exporter never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


async def _run(config: LiveConfig, span: Span, args: argparse.Namespace) -> CheckResult:
    async with open_station(config) as station:
        # The span needs the station's "today", so LibreLog's zone is read before the check.
        try:
            config = await station.librelog_config()  # read once: the check reuses it
        except CannotCheck as exc:
            return _could_not_start(span, exc, station.requests)
        tz_name = args.timezone or config.get("station_timezone")
        if not tz_name:
            raise ConfigError("LibreLog does not say its station time zone: pass --timezone")
        try:
            today = datetime.now(ZoneInfo(tz_name)).date()
        except (KeyError, ValueError):
            raise ConfigError(f"{tz_name!r} is not an IANA time zone") from None
        first, last = span.resolve(today)
        options = Options(
            first=first,
            last=last,
            max_gap=timedelta(seconds=args.max_gap),
            max_sync_age=parse_age(args.max_sync_age),
            timezone=tz_name,
            station=args.station,
        )
        return await check(station, options, datetime.now(UTC), config)


def _could_not_start(span: Span, exc: CannotCheck, requests: int) -> CheckResult:
    """LibreLog did not answer before the days were known: a result that says so (exit 2)."""
    first, last = span.resolve(datetime.now(UTC).date())
    result = CheckResult(datetime.now(UTC), first, last, None, error=str(exc), requests=requests)
    if exc.libretime:
        result.findings.append(Finding(Kind.LIBRETIME_UNREACHABLE, f"the check could not read LibreTime: {exc}"))
    return result


def main(args: argparse.Namespace) -> int:
    if args.max_gap < 0:
        raise ConfigError(f"--max-gap must be 0 or more seconds, not {args.max_gap:g}")
    parse_age(args.max_sync_age)
    span = Span(args.start, args.to, args.days)
    span.resolve(date.today())  # argument problems now, before any request
    env = environment()
    config = LiveConfig.from_env(env, date.today(), allow_destructive=False)
    result = asyncio.run(_run(config, span, args))
    masker = config.masker()
    text = masker.text(render(args.format, result, Path(args.output) if args.output else None))
    if args.output:
        _write(Path(args.output), text)
        verdict = render("table", result).splitlines()[-1]
        print(f"{masker.text(verdict)} → {args.output} ({args.format})")
    else:
        print(text, end="")
    if not args.no_report:
        _report(result, Path(args.out), masker.text)
    return result.exit_code


def _report(result: CheckResult, out: Path, mask: Callable[[str], str]) -> None:
    from reports.verification import write_schedule_check

    saved = out / "schedule-check.json"
    _write(saved, mask(json.dumps(result.as_json(timeline=True), ensure_ascii=False)))
    md, html = write_schedule_check(out)
    print(f"Verification report: {md} and {html}")


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        "check",
        help="read-only checks that the station's coming days will play as LibreLog logged them",
        description="GET-only: safe on a production station with its real key. Settings: LIBRELOG_URL, "
        "LIBRETIME_URL, LIBRETIME_API_KEY, LIBRELOG_API_TOKEN (as for --target live).",
    )
    c.add_argument("--from", dest="start", required=True, metavar="DATE", help="YYYY-MM-DD, today or tomorrow")
    span = c.add_mutually_exclusive_group()
    span.add_argument("--to", metavar="DATE", help="last day, inclusive (default: the --from day)")
    span.add_argument("--days", type=int, metavar="N", help="number of days from --from")
    c.add_argument("--format", choices=tuple(FORMATS), default="table")
    c.add_argument("--output", metavar="FILE", help="write the format here (atomically) instead of stdout")
    c.add_argument("--max-gap", type=float, default=2.0, metavar="SECONDS", help="silence allowed (default 2)")
    c.add_argument("--max-sync-age", default="26h", metavar="AGE", help="oldest acceptable sync (default 26h)")
    c.add_argument("--timezone", help="the station's IANA zone (default: LibreLog's station_timezone)")
    c.add_argument("--station", help="LibreLog's station name (default: LibreLog's own)")
    c.add_argument("--out", default="reports/out", help="where the report is written (default: ./reports/out)")
    c.add_argument("--no-report", action="store_true", help="no schedule-check report, only the format")
    c.set_defaults(func=main)
