"""Station-local wall clock ↔ UTC, with zoneinfo, correct across DST changes.

A log entry's ``start`` is ``HH:MM:SS`` on the log's date in the log's zone. On a fall-back day
the repeated hour needs ``fold`` (0 = first occurrence, 1 = second, as in PEP 495); on a
spring-forward day the skipped times do not exist and are refused.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CLOCK = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_HOUR = re.compile(r"^(\d{1,2})(?::00)?$")


class NonexistentTime(ValueError):
    pass


def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_clock(text: object) -> time | None:
    """``HH:MM:SS`` (or ``HH:MM``) within one day, else None."""
    if not isinstance(text, str):
        return None
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def parse_hour(value: object) -> int | None:
    """An hour given as ``12``, ``"12"`` or ``"12:00"``; None unless 0..23."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= 23 else None
    if isinstance(value, str):
        match = _HOUR.match(value.strip())
        if match and 0 <= int(match[1]) <= 23:
            return int(match[1])
    return None


def to_utc(day: date, clock: time, tz: ZoneInfo, fold: int = 0) -> datetime:
    """The UTC instant of a wall-clock time; raises NonexistentTime for a skipped time."""
    local = datetime.combine(day, clock.replace(fold=fold), tzinfo=tz)
    instant = local.astimezone(UTC)
    back = instant.astimezone(tz)
    if (back.date(), back.time().replace(fold=0)) != (day, clock):
        raise NonexistentTime(f"{clock.isoformat()} does not exist on {day} in {tz.key} (clocks skip it)")
    return instant


def is_ambiguous(day: date, clock: time, tz: ZoneInfo) -> bool:
    first = datetime.combine(day, clock.replace(fold=0), tzinfo=tz).utcoffset()
    second = datetime.combine(day, clock.replace(fold=1), tzinfo=tz).utcoffset()
    return first != second


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local calendar day."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def hour_bounds(day: date, hour: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local hour (both occurrences of a repeated hour; empty if skipped)."""
    start = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    end = day_bounds(day, tz)[1] if hour == 23 else datetime.combine(day, time(hour + 1), tzinfo=tz).astimezone(UTC)
    return start, max(start, end)


def iso_z(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def parse_instant(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def parse_date(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
