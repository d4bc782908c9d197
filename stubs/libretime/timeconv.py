"""Datetime, duration and time formats exactly as LibreTime's Django/DRF stack reads and writes them.

Out: UTC datetimes as ``2026-11-25T08:00:00Z`` (``.ffffff`` only when non-zero), durations as
``HH:MM:SS[.ffffff]`` (``D HH:MM:SS`` past a day), times as ``HH:MM:SS[.ffffff]``.
In: what Django's ``parse_datetime``/``parse_duration``/``parse_time`` accept; naive datetimes are UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DATETIME_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
# Django's standard_duration_re: "[DD ][[HH:]MM:]SS[.ffffff]".
_DURATION_RE = re.compile(
    r"^(?:(?P<days>-?\d+) (days?, )?)?(?P<sign>-?)"
    r"((?:(?P<hours>\d+):)(?=\d+:\d+))?(?:(?P<minutes>\d+):)?(?P<seconds>\d+)"
    r"(?:[.,](?P<microseconds>\d{1,6})\d{0,6})?$"
)
_ISO_DURATION_RE = re.compile(
    r"^(?P<sign>[-+]?)P(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)
# Django's third form: PostgreSQL's interval output ("3 days 04:05:06", "2 days", and "" = 0).
_POSTGRES_INTERVAL_RE = re.compile(
    r"^(?:(?P<days>-?\d+) (days? ?))?"
    r"(?:(?P<sign>[-+])?(?P<hours>\d+):(?P<minutes>\d\d):(?P<seconds>\d\d)(?:\.(?P<microseconds>\d{1,6}))?)?$"
)
_TIME_RE = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?$"
)


def format_datetime(value: datetime | None) -> str | None:
    """DRF's DateTimeField output with USE_TZ and TIME_ZONE=UTC."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def format_duration(value: timedelta | None) -> str | None:
    """Django's ``duration_string``."""
    if value is None:
        return None
    days = value.days
    seconds = value.seconds
    micro = value.microseconds
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if days:
        text = f"{days} {text}"
    if micro:
        text += f".{micro:06d}"
    return text


def format_duration_fixed(value: timedelta | None) -> str | None:
    """``HH:MM:SS.ffffff`` with the fraction always present (the media-library ``length``)."""
    if value is None:
        return None
    total = value.days * 86400 + value.seconds
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{value.microseconds:06d}"


def format_time(value: time | None) -> str | None:
    return None if value is None else value.isoformat()


def _tz_from_text(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours = int(text[1:3])
    minutes = int(text[-2:]) if len(text) > 3 else 0
    from datetime import timezone

    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_datetime(value: str) -> datetime | None:
    """Django 4.2's ``parse_datetime`` (fromisoformat first, then its regex); naive → UTC.

    Returns None when the text is not a datetime (the caller words the error).
    """
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        match = _DATETIME_RE.match(value)
        if not match:
            return None
        parts = match.groupdict()
        try:
            parsed = datetime(
                int(parts["year"]),
                int(parts["month"]),
                int(parts["day"]),
                int(parts["hour"]),
                int(parts["minute"]),
                int(parts["second"] or 0),
                int((parts["microsecond"] or "0").ljust(6, "0")),
                tzinfo=_tz_from_text(parts["tzinfo"]),
            )
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_aware_datetime(value: str) -> datetime | None:
    """ISO 8601 that must carry ``Z`` or an offset (the integration extension's rule)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def parse_duration(value: str) -> timedelta | None:
    """Django's ``parse_duration``: the standard, ISO 8601 and PostgreSQL interval forms."""
    value = value.strip()
    match = _DURATION_RE.match(value)
    if match:
        parts = match.groupdict()
        days = timedelta(days=float(parts.pop("days") or 0))
        sign = -1 if parts.pop("sign") == "-" else 1
        micro = parts.pop("microseconds")
        extra = {k: float(v) for k, v in parts.items() if v is not None and k in {"hours", "minutes", "seconds"}}
        delta = timedelta(**extra)
        if micro:
            delta += timedelta(microseconds=int(micro.ljust(6, "0")))
        return days + sign * delta
    match = _ISO_DURATION_RE.match(value)
    if match:
        parts = match.groupdict()
        sign = -1 if parts.pop("sign") == "-" else 1
        amounts = {k: float(v.replace(",", ".")) for k, v in parts.items() if v is not None}
        return sign * timedelta(**amounts)
    match = _POSTGRES_INTERVAL_RE.match(value)
    if match:
        parts = match.groupdict()
        days = timedelta(days=float(parts.pop("days") or 0))
        sign = -1 if parts.pop("sign") == "-" else 1
        micro = parts.pop("microseconds")
        delta = timedelta(**{k: float(v) for k, v in parts.items() if v is not None})
        if micro:
            delta += timedelta(microseconds=int(micro.ljust(6, "0")))
        return days + sign * delta
    return None


def parse_time(value: str) -> time | None:
    value = value.strip()
    try:
        return time.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        pass
    match = _TIME_RE.match(value)
    if not match:
        return None
    parts = match.groupdict()
    try:
        return time(
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int((parts["microsecond"] or "0").ljust(6, "0")),
        )
    except ValueError:
        return None


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def load_zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_day_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC bounds [start, end) of a station-local calendar day (23 or 25 hours across DST)."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_hour_window(day: date, hour: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC bounds [start, end) of a local wall-clock hour.

    The repeated hour of a fall-back day spans both occurrences (two real hours); the skipped
    hour of a spring-forward day is empty (start == end). Together the 24 windows tile the day.
    """
    start = datetime.combine(day, time(hour, fold=0), tzinfo=zone).astimezone(UTC)
    if hour == 23:
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    else:
        end = datetime.combine(day, time(hour + 1, fold=0), tzinfo=zone).astimezone(UTC)
    return start, max(start, end)
