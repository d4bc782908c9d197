"""Publishing a log (or one hour of it) to LibreTime.

Every entry must resolve to a LibreTime media id — an unresolved one is a 400 that names it,
never a silent drop. Station-local starts become UTC instants through zoneinfo. Publishes of the
same LibreTime day are serialised, so two at once cannot leave a mixed schedule.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .. import timeconv
from ..db import Database, utcnow
from ..errors import FieldErrors, LogLocked, invalid
from ..libretime.flavors import Flavor, PublishEntry
from ..locks import KeyedLocks
from .logs import get_log, unresolved


async def publish(
    db: Database, flavor: Flavor, locks: KeyedLocks, log_id: int, *, hour_raw: Any = None, scope: str = "day"
) -> dict[str, Any]:
    hour = None
    if scope == "hour":
        hour = timeconv.parse_hour(hour_raw)
        if hour is None:
            raise invalid("hour", f'{hour_raw!r} is not an hour: give 0-23 as 12, "12" or "12:00".')
    log = await get_log(db, log_id)  # 404 for a missing log
    async with locks(("day", log["date"])), locks(("log", log_id)):
        log = await get_log(db, log_id)  # re-read under the lock: it may have changed while waiting
        if log["locked"]:
            raise LogLocked(f"Log {log_id} is locked: unlock it to publish.", {"log_id": log_id})
        day = date.fromisoformat(log["date"])
        tz = timeconv.zone(log["timezone"])
        assert tz is not None
        chosen = [e for e in log["entries"] if hour is None or e["hour"] == hour]
        errors = FieldErrors()
        for e in chosen:
            if (reason := unresolved(e)) is not None:
                errors.add(f"entries[{e['position']}]", reason)
        errors.raise_if_any("Entries without a LibreTime media id cannot be published; nothing was sent.")
        entries = [
            PublishEntry(
                start=timeconv.to_utc(day, timeconv.parse_clock(e["start"]), tz, e["fold"]),  # type: ignore[arg-type]
                media_id=e["libretime_id"],
                hard_start=e["hard_start"],
            )
            for e in chosen
        ]
        counts = await flavor.replace(day, log["timezone"], hour, entries)
        now = utcnow()
        last = {"at": now, "scope": scope, "hour": hour, "entries": len(entries), **counts}
        async with db.write() as conn:
            await conn.execute(
                "UPDATE logs SET status = 'published', published_at = ?, last_publish = ?, updated_at = ? WHERE id = ?",
                (now, json.dumps(last), now, log_id),
            )
    result: dict[str, Any] = {
        "log_id": log_id,
        "date": log["date"],
        "scope": scope,
        "published_entries": len(entries),
        "libretime": counts,
        "published_at": now,
    }
    if hour is not None:
        result["hour"] = hour
    return result
