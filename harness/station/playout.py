"""Is playout still playing? LibreTime's history against what its schedule had for the last minutes.

Playout writes a history row as each item starts. When the schedule had items playing during the
last ``window`` and no history row touches that window, nothing has been recorded as played while
something should have been: playout stopped (or stopped recording), and the station may be off air.
A station with nothing scheduled in the window says nothing either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..effects.common import instant, iso_z
from .findings import Finding, Kind
from .playability import Row


def _end(play: dict[str, Any]) -> datetime | None:
    try:
        return instant(play["ends"]) if play.get("ends") else None
    except (TypeError, ValueError, AttributeError):
        return None


def _touches(play: dict[str, Any], since: datetime, now: datetime) -> bool:
    start, end = instant(play["starts"]), _end(play)
    return start <= now and (start >= since or (end is not None and end >= since))


def stopped(
    rows: list[Row], plays: list[dict[str, Any]], now: datetime, window: timedelta, whole: bool = True
) -> list[Finding]:
    """``plays`` is the whole history (``whole``) or only the window's (the integration extension)."""
    since = now - window
    due = [r for r in rows if not r.overbooked and r.start < now and r.end > since]
    if not due:
        return []
    # Playout writes each play with its scheduled end: a play that started or ended within the
    # window is recent. One with no end counts from its start (an end never written is no proof
    # that it still plays).
    recent = [p for p in plays if _touches(p, since, now)]
    if recent:
        return []
    last = max((instant(p["starts"]) for p in plays if instant(p["starts"]) <= now), default=None)
    minutes = window.total_seconds() / 60
    if last is not None:
        when = f"the last play started {iso_z(last)}"
    else:
        when = "no play is on record at all" if whole else f"no play is on record since {iso_z(since)}"
    first = due[0]
    return [
        Finding(
            Kind.PLAYOUT_STOPPED,
            f"LibreTime recorded no play in the last {minutes:g} min while {len(due)} scheduled row(s) were due"
            f" (first: row {first.id} at {iso_z(first.start)}); {when}: playout may have stopped",
            since,
            first.id,
            first.file_id,
            first.title,
            until=now,
        )
    ]
