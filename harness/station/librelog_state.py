"""LibreLog's side of a station: is each day's log published as it stands, and are syncs recent?"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ..effects.common import instant
from .findings import Finding, Kind


def day_log(logs: list[dict[str, Any]], station: str | None) -> dict[str, Any] | None:
    """The station's log for a day (LibreLog keeps one per date and station)."""
    mine = [log for log in logs if station is None or log.get("station") == station]
    return mine[0] if mine else None


def publication(log: dict[str, Any] | None, day: date, station: str | None) -> list[Finding]:
    if log is None:
        whose = f" (station {station})" if station else ""
        return [Finding(Kind.NOT_PUBLISHED, f"LibreLog has no log for {day}{whose}")]
    if not log.get("published_at"):
        return [Finding(Kind.NOT_PUBLISHED, f"log {log['id']} for {day} is a draft that was never published")]
    if log.get("status") != "published":
        return [
            Finding(
                Kind.EDITED_SINCE_PUBLISH,
                f"log {log['id']} for {day} was edited ({log.get('updated_at')}) after it was published"
                f" ({log['published_at']}): LibreTime plays what was published, not the log as it stands",
            )
        ]
    return []


def _age(value: Any, now: datetime) -> timedelta | None:
    try:
        return now - instant(value)
    except (TypeError, ValueError, AttributeError):
        return None


def syncs(status: dict[str, Any], now: datetime, max_age: timedelta) -> list[Finding]:
    """LibreLog's own view: its connection to LibreTime and the age of its last syncs."""
    found = []
    if status.get("connection_status") is not True:
        error = (status.get("libretime") or {}).get("error") or "no reason given"
        found.append(Finding(Kind.LIBRETIME_UNREACHABLE, f"LibreLog cannot reach LibreTime: {error}"))
    for key, kind, what in (
        ("last_track_sync", Kind.STALE_TRACK_SYNC, "track sync"),
        ("last_playback_sync", Kind.STALE_HISTORY_SYNC, "playback-history sync"),
    ):
        age = _age(status.get(key), now)
        if age is None:
            found.append(Finding(kind, f"LibreLog has no {what} on record ({key} is {status.get(key)!r})"))
        elif age > max_age:
            hours = age.total_seconds() / 3600
            found.append(
                Finding(
                    kind,
                    f"LibreLog's last {what} was {hours:.1f} h ago ({status[key]}), older than"
                    f" {max_age.total_seconds() / 3600:g} h",
                    instant(status[key]),
                )
            )
    return found
