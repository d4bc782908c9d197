"""Expected schedule entries taken from any LibreLog's own answer, through a mapping.

A LibreLog that is not this project's (the original, a fork, a rewrite) keeps its log in its own
shape. The mapping says where the entries are and how to read each one with JMESPath: its start
(an ISO instant; a local ISO time or clock on the day; or seconds from its group's start, else
from local midnight), its media id and its hard start. The entries then meet LibreTime's schedule
through the same comparison every schedule check uses (``log_comparison``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jmespath
from jmespath.exceptions import JMESPathError

from ..errors import HarnessError
from ..running.recorder import Recorder
from ..targets import Target
from .common import instant, iso_z
from .log_comparison import Expected
from .schedule import snapshot, verify_day


class MappingError(HarnessError):
    """The mapping does not fit the saved answer (a scenario mistake, shown with what it found)."""

    harness_kind = "SCENARIO ERROR"


def _search(expression: str, value: Any, what: str) -> Any:
    try:
        return jmespath.search(expression, value)
    except JMESPathError as exc:
        raise MappingError(f"{what}: {expression!r} is not a valid JMESPath expression: {exc}") from None


def _local(day: date, clock: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=tz)


def start_of(value: Any, base: datetime, day: date, tz: ZoneInfo) -> datetime:
    """An entry's start in UTC: seconds after ``base``, an instant, a local time, or a clock."""
    if isinstance(value, bool):
        raise MappingError(f"a start cannot be {value!r}")
    if isinstance(value, (int, float)):
        return (base + timedelta(seconds=value)).astimezone(UTC)
    if not isinstance(value, str) or not value:
        raise MappingError(f"a start must be a number of seconds or a time, not {value!r}")
    try:
        if "T" in value or " " in value.strip():
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC)
        return _local(day, value, tz).astimezone(UTC)
    except ValueError:
        raise MappingError(f"a start must be ISO 8601 or HH:MM[:SS], not {value!r}") from None


def _media(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value if value not in ("", None) else None


def expected_entries(spec: dict[str, Any]) -> list[Expected]:
    """The mapped entries of ``spec['expected']`` as UTC instants, in the day's zone."""
    try:
        tz = ZoneInfo(spec["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"timezone {spec['timezone']!r} is not an IANA time zone") from None
    day = date.fromisoformat(str(spec["date"]))
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    found = _search(spec["entries"], spec["expected"], "entries")
    if not isinstance(found, list):
        raise MappingError(f"entries: {spec['entries']!r} gave {type(found).__name__}, not a list: {str(found)[:200]}")
    groups: list[tuple[datetime, list[Any]]]
    if "group_entries" in spec:
        groups = []
        for group in found:
            base = midnight
            if "group_start" in spec:
                base = start_of(_search(spec["group_start"], group, "group_start"), midnight, day, tz).astimezone(tz)
            items = _search(spec["group_entries"], group, "group_entries") or []
            groups.append((base, list(items)))
    else:
        groups = [(midnight, found)]
    out = []
    for base, items in groups:
        for item in items:
            at = start_of(_search(spec["start"], item, "start"), base, day, tz)
            media = _media(_search(spec["media_id"], item, "media_id"))
            hard = bool(_search(spec["hard_start"], item, "hard_start")) if "hard_start" in spec else False
            title = _search(spec["title"], item, "title") if "title" in spec else None
            out.append(Expected(at, media, hard, str(title) if title is not None else None))
    hours = spec.get("hours")
    if hours is not None:
        out = [e for e in out if e.at.astimezone(tz).hour in hours]
    return sorted(out, key=lambda e: (e.at, str(e.media)))


async def schedule_matches(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    """LibreTime holds exactly the mapped entries on the day (in the given hours, if any)."""
    expected = expected_entries(spec)
    rec.table(
        f"Expected entries of {spec['date']} ({spec['timezone']}), from the mapping",
        ["UTC start", "local", "media id", "hard start", "title"],
        [
            [
                iso_z(e.at),
                e.at.astimezone(ZoneInfo(spec["timezone"])).strftime("%H:%M:%S"),
                e.media,
                e.hard_start,
                e.title,
            ]
            for e in expected
        ],
    )
    snap = await snapshot(target, str(spec["date"]), spec["timezone"], rec)
    hours = spec.get("hours")
    if hours is not None:
        tz = ZoneInfo(spec["timezone"])
        snap.rows = [r for r in snap.rows if instant(r["starts_at"]).astimezone(tz).hour in hours]
    readable = snap.hard_start is not None and spec.get("check_hard_start", True)
    await verify_day(target, expected, snap, spec.get("what", "the expected entries"), readable, rec)
