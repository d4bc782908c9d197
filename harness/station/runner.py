"""Running the schedule check on one station, or on many concurrently with a bound.

The days asked for (``--from tomorrow``) are station-local, so each station resolves them in its
own zone once that zone is known (its own setting, else LibreLog's). A station that cannot be
checked (unreachable, garbage answers, a setting it lacks) gives a result that says so; with many
stations it never stops the others.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import ConfigError
from .check import Options, check, could_not_read, station_zone
from .result import CheckResult
from .settings import StationSettings
from .source import CannotCheck, open_station
from .span import Span


@dataclass(frozen=True)
class Request:
    """What every station is checked for (the command's options)."""

    span: Span
    max_gap: timedelta = timedelta(seconds=2)
    max_sync_age: timedelta = timedelta(hours=26)
    max_playout_silence: timedelta | None = timedelta(minutes=15)
    timezone: str | None = None  # default for stations that name none
    librelog_station: str | None = None


def _options(request: Request, settings: StationSettings, first: date, last: date, tz_name: str) -> Options:
    return Options(
        first=first,
        last=last,
        max_gap=request.max_gap,
        max_sync_age=request.max_sync_age,
        timezone=tz_name,
        station=settings.librelog_station or request.librelog_station,
        max_playout_silence=request.max_playout_silence,
    )


def _not_checked(request: Request, settings: StationSettings, error: str, requests: int = 0) -> CheckResult:
    """A result that says the station could not be checked (exit 2), days resolved in UTC."""
    first, last = request.span.resolve(datetime.now(UTC).date())
    result = CheckResult(datetime.now(UTC), first, last, settings.timezone, error=error, requests=requests)
    result.libretime_only = settings.librelog_url is None
    result.station = settings.name
    return result


async def check_station(settings: StationSettings, request: Request) -> CheckResult:
    """One station; a ConfigError (a setting LibreLog does not give) still raises."""
    settings = replace(settings, timezone=settings.timezone or request.timezone)
    async with open_station(settings) as station:
        config: dict[str, Any] | None = None
        if station.with_librelog:
            # The span needs the station's "today", so LibreLog's zone is read before the check.
            try:
                config = await station.librelog_config()  # read once: the check reuses it
            except CannotCheck as exc:
                result = _not_checked(request, settings, str(exc), station.requests)
                if exc.libretime:
                    result.findings.append(could_not_read(exc))
                return result
        tz_name = station_zone(settings.timezone, config)
        first, last = request.span.resolve(datetime.now(ZoneInfo(tz_name)).date())
        result = await check(station, _options(request, settings, first, last, tz_name), datetime.now(UTC), config)
    result.station = settings.name
    return result


async def check_stations(stations: list[StationSettings], request: Request, concurrency: int) -> list[CheckResult]:
    """Every station, at most ``concurrency`` at a time, in the file's order."""
    bound = asyncio.Semaphore(concurrency)

    async def one(settings: StationSettings) -> CheckResult:
        async with bound:
            try:
                return await check_station(settings, request)
            except ConfigError as exc:
                return _not_checked(request, settings, str(exc))

    return list(await asyncio.gather(*(one(s) for s in stations)))
