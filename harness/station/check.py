"""The schedule check: for each station-local day, will it play as LibreLog logged it?

Reads only (see ``readonly``). Per day: LibreTime's schedule against LibreLog's published log
(the comparison scenarios use), the schedule's playability, and whether the log is published as
it stands. Once per run: LibreLog's connection to LibreTime and the age of its syncs.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..checks.common import instant
from ..checks.log_comparison import actual_from_rows, compare, expected_from_log
from ..errors import ConfigError
from . import librelog_state, playability
from .findings import Finding, Kind
from .result import Bar, CheckResult, DayResult
from .source import CannotCheck, Station


@dataclass(frozen=True)
class Options:
    first: date
    last: date
    max_gap: timedelta = timedelta(seconds=2)
    max_sync_age: timedelta = timedelta(hours=26)
    timezone: str | None = None  # default: LibreLog's station time zone
    station: str | None = None  # default: LibreLog's station

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def day_window(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A station-local day as UTC instants (23 or 25 hours long across a DST change)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name!r} is not an IANA time zone") from None


async def check(
    station: Station, options: Options, now: datetime | None = None, config: dict[str, Any] | None = None
) -> CheckResult:
    """``config`` is LibreLog's ``/sync/libretime/config`` when the caller has read it already."""
    started = clock.monotonic()
    result = CheckResult(now or datetime.now(UTC), options.first, options.last, options.timezone)
    try:
        await _check(station, options, result, config)
    except CannotCheck as exc:
        result.error = str(exc)
        if exc.libretime:
            result.findings.append(Finding(Kind.LIBRETIME_UNREACHABLE, f"the check could not read LibreTime: {exc}"))
    result.duration_s = clock.monotonic() - started
    result.requests = station.requests
    return result


async def _check(station: Station, options: Options, result: CheckResult, config: dict[str, Any] | None) -> None:
    if config is None:
        config = await station.librelog_config()
    tz_name = options.timezone or config.get("station_timezone")
    if not tz_name:
        raise ConfigError("LibreLog does not say its station time zone: pass --timezone")
    tz = _zone(tz_name)
    result.timezone = tz_name
    station_name = options.station or config.get("station")
    result.findings += librelog_state.syncs(await station.sync_status(), result.checked_at, options.max_sync_age)
    # Hard starts are readable only where LibreLog writes through the integration extension.
    integration = config.get("flavor") == "integration" and await station.has_integration()
    files = await station.files()
    instances = await station.instances()
    for day in options.days():
        result.days.append(await _day(station, day, tz_name, tz, station_name, integration, files, instances, options))


async def _day(
    station: Station,
    day: date,
    tz_name: str,
    tz: ZoneInfo,
    station_name: str | None,
    integration: bool,
    files: dict[int, dict],
    instances: dict[int, dict],
    options: Options,
) -> DayResult:
    start, end = day_window(day, tz)
    log = librelog_state.day_log(await station.logs_on(day), station_name)
    findings = librelog_state.publication(log, day, station_name)
    raw = [r for r in await station.schedule(start, end) if instant(r["ends_at"]) >= start]
    hard = await station.hard_starts(day, tz_name) if integration else None
    rows = playability.rows_of(raw, instances, files)
    on_day = [r for r in rows if start <= r.start < end]
    published = log is not None and bool(log.get("published_at"))
    if published:
        assert log is not None  # for the type checker: published implies a log
        titles = {e.get("libretime_id"): e.get("title") for e in log.get("entries", [])}
        differences = compare(expected_from_log(log), actual_from_rows([r.raw for r in on_day], hard))
        for d in differences:
            # The file that plays where there is a row; the one the log wanted where there is none.
            media = d.actual.media if d.actual else d.expected.media if d.expected else None
            title = _title(files, media) or titles.get(media)
            findings.append(Finding(Kind(d.kind), d.text, d.at, d.actual.row_id if d.actual else None, media, title))
    findings += playability.day_findings(rows, instances, files, start, end, options.max_gap)
    findings.sort(key=lambda f: (f.at or start, f.kind.value))
    day_instances = [
        (max(instant(i["starts_at"]), start), min(instant(i["ends_at"]), end), i["id"])
        for i in instances.values()
        if instant(i["starts_at"]) < end and instant(i["ends_at"]) > start
    ]
    bars = [Bar(r.start, r.end, r.id, r.file_id, bool((hard or {}).get(r.id)), not r.overbooked) for r in on_day]
    return DayResult(
        day,
        tz_name,
        published,
        log["id"] if log else None,
        len(on_day),
        findings,
        (start, end),
        bars,
        sorted(day_instances),
    )


def _title(files: dict[int, dict], media: int | None) -> str | None:
    row = files.get(media) if media is not None else None
    return (row or {}).get("track_title") or (row or {}).get("name")
