"""Station-local wall clock ↔ UTC, with zoneinfo, correct across DST changes.

A log entry's ``start`` is ``HH:MM:SS`` on the log's date in the log's zone. On a fall-back day
the repeated hour needs ``fold`` (0 = first occurrence, 1 = second, as in PEP 495); on a
spring-forward day the skipped times do not exist and are refused.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# What LibreLog accepts from its clients, exactly: the same patterns are published in its OpenAPI
# document, so a value the document rules out is always a 400 (ASCII digits only, no padding).
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
HOUR_PATTERN = r"^([01]?[0-9]|2[0-3])(:00)?$"
INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$"
_DATE = re.compile(DATE_PATTERN)
_CLOCK = re.compile(CLOCK_PATTERN)
_HOUR = re.compile(HOUR_PATTERN)
_INSTANT = re.compile(INSTANT_PATTERN)


class NonexistentTime(ValueError):
    pass


def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_clock(text: object) -> time | None:
    """``HH:MM:SS`` (or ``HH:MM``) within one day, else None."""
    if not isinstance(text, str) or not _CLOCK.match(text):
        return None
    hour, minute, *second = (int(part) for part in text.split(":"))
    return time(hour, minute, second[0] if second else 0)


def parse_hour(value: object) -> int | None:
    """An hour given as ``12``, ``"12"`` or ``"12:00"``; None unless 0..23."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= 23 else None
    if isinstance(value, str) and _HOUR.match(value):
        return int(value.split(":")[0])
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
    """``YYYY-MM-DD`` and nothing else (Python alone would also take ``20260101`` or week dates)."""
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None


def parse_client_instant(text: object) -> datetime | None:
    """An ISO 8601 datetime from a client, in the one shape the API documents (naive means UTC)."""
    if not isinstance(text, str) or not _INSTANT.match(text):
        return None
    return parse_instant(text)
