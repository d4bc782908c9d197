"""The schedule check: for each station-local day, will it play, and as LibreLog logged it?

Reads only (see ``readonly``). Per day: the schedule's playability and its files; with LibreLog,
also LibreTime's schedule against LibreLog's published log (the comparison scenarios use) and
whether the log is published as it stands. Once per run: whether playout still records what
plays; with LibreLog, its connection to LibreTime and the age of its syncs. Without LibreLog
(LibreTime alone) the station-local days need the time zone from the caller: LibreTime's API
does not say it.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..effects.common import instant
from ..effects.log_comparison import actual_from_rows, compare, expected_from_log
from ..errors import ConfigError
from . import librelog_state, playability, playout
from .findings import Finding, Kind
from .result import Bar, CheckResult, DayResult
from .source import CannotCheck, Station


@dataclass(frozen=True)
class Options:
    first: date
    last: date
    max_gap: timedelta = timedelta(seconds=2)
    max_sync_age: timedelta = timedelta(hours=26)
    timezone: str | None = None  # default: LibreLog's station time zone (required without LibreLog)
    station: str | None = None  # default: LibreLog's station
    max_playout_silence: timedelta | None = timedelta(minutes=15)  # None: playout not checked

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def day_window(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A station-local day as UTC instants (23 or 25 hours long across a DST change)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def zone(name: str) -> ZoneInfo:
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
    result.libretime_only = not station.with_librelog
    try:
        await _check(station, options, result, config)
    except CannotCheck as exc:
        result.error = str(exc)
        if exc.libretime:
            result.findings.append(could_not_read(exc))
    result.duration_s = clock.monotonic() - started
    result.requests = station.requests
    return result


def could_not_read(exc: CannotCheck) -> Finding:
    """The run-level finding of a LibreTime the check could not read (or read as garbage)."""
    return Finding(exc.kind, f"the check could not read LibreTime: {exc}")


def station_zone(timezone: str | None, config: dict[str, Any] | None) -> str:
    """The zone the days are counted in: the caller's, else LibreLog's (``config``; None when
    LibreTime is checked alone, whose API does not say its zone)."""
    tz_name = timezone or (config or {}).get("station_timezone")
    if not tz_name:
        if config is None:
            raise ConfigError("a check of LibreTime alone needs the station's time zone: pass --timezone")
        raise ConfigError("LibreLog does not say its station time zone: pass --timezone")
    zone(tz_name)
    return tz_name


async def _check(station: Station, options: Options, result: CheckResult, config: dict[str, Any] | None) -> None:
    if station.with_librelog and config is None:
        config = await station.librelog_config()
    tz_name = station_zone(options.timezone, config if station.with_librelog else None)
    tz = zone(tz_name)
    result.timezone = tz_name
    station_name = options.station or (config or {}).get("station")
    if station.with_librelog:
        result.findings += librelog_state.syncs(await station.sync_status(), result.checked_at, options.max_sync_age)
    integration = await station.has_integration()
    # Hard starts are compared only where LibreLog writes through the integration extension.
    hard_starts = integration and (config or {}).get("flavor") == "integration"
    files = await station.files()
    instances = await station.instances()
    if options.max_playout_silence is not None:
        result.findings += await _playout(
            station, result.checked_at, options.max_playout_silence, integration, files, instances
        )
    for day in options.days():
        result.days.append(await _day(station, day, tz_name, tz, station_name, hard_starts, files, instances, options))


async def _playout(
    station: Station,
    now: datetime,
    window: timedelta,
    integration: bool,
    files: dict[int, dict],
    instances: dict[int, dict],
) -> list[Finding]:
    """What the schedule had for the last ``window`` against what playout recorded."""
    rows = playability.rows_of(await station.schedule(now - window, now), instances, files)
    if not [r for r in rows if r.start < now]:
        return []  # nothing was due: the history is not read
    plays = await station.plays(now - window, now, integration)
    return playout.stopped(rows, plays, now, window, whole=not integration)


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
    log, findings = None, []
    if station.with_librelog:
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
        published if station.with_librelog else None,
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
