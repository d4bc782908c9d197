"""Publishing a log (or one hour of it) to LibreTime.

Every entry must resolve to a media id LibreTime holds — an unresolved one, or one LibreTime does
not know, is a 400 that names it before anything is written, never a silent drop or a half-sent
day. (A track of LibreLog's library is trusted without asking; one LibreTime no longer holds is
named the same way once LibreTime has refused the publish, which changes nothing.)
Station-local starts become UTC instants through zoneinfo. Publishes of the same LibreTime day
are serialised, so two at once cannot leave a mixed schedule.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from .. import timeconv
from ..db import Database, utcnow
from ..errors import FieldErrors, LogLocked, invalid
from ..libretime import LibreTimeRejected
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
        absent = await unknown_media(db, flavor, (e["libretime_id"] for e in chosen))
        _name_absent(errors, chosen, absent, "not in LibreLog's track library, and LibreTime answered 404")
        errors.raise_if_any("Entries whose media LibreTime does not hold cannot be published; nothing was sent.")
        entries = [
            PublishEntry(
                start=timeconv.to_utc(day, timeconv.parse_clock(e["start"]), tz, e["fold"]),  # type: ignore[arg-type]
                media_id=e["libretime_id"],
                hard_start=e["hard_start"],
            )
            for e in chosen
        ]
        try:
            counts = await flavor.replace(day, log["timezone"], hour, entries)
        except LibreTimeRejected:
            # The library is trusted without asking LibreTime; a track it lists may be gone from
            # LibreTime since. Asked now, such entries are the client's to fix: a 400 naming them.
            gone = await unknown_media(db, flavor, (e["libretime_id"] for e in chosen), trust_library=False)
            _name_absent(errors, chosen, gone, "in LibreLog's track library, but LibreTime answered 404")
            errors.raise_if_any(
                "Entries whose media LibreTime does not hold cannot be published; LibreTime refused them"
                " and nothing changed."
            )
            raise
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


LOOKUPS_AT_ONCE = 8


def _name_absent(errors: FieldErrors, chosen: list[dict[str, Any]], absent: set[int], why: str) -> None:
    for e in chosen:
        if e["libretime_id"] in absent:
            errors.add(
                f"entries[{e['position']}]",
                f"{e['start']}: LibreTime has no media {e['libretime_id']} ({why}): sync tracks or fix the entry.",
            )


async def unknown_media(
    db: Database, flavor: Flavor, media_ids: Iterable[int], *, trust_library: bool = True
) -> set[int]:
    """Media ids neither LibreLog's library (synced tracks, uploaded voice tracks) nor LibreTime knows.

    Ids in the library are trusted without a request (unless ``trust_library`` is false); LibreTime
    is asked once per other id.
    """
    wanted = set(media_ids)
    if not wanted:
        return set()
    if not trust_library:
        return await _absent_in_libretime(flavor, sorted(wanted))
    ids = json.dumps(sorted(wanted))  # one bound parameter, however long the log
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT libretime_id FROM tracks WHERE libretime_id IN (SELECT value FROM json_each(?))"
            " UNION SELECT libretime_id FROM voice_tracks WHERE libretime_id IN (SELECT value FROM json_each(?))",
            (ids, ids),
        ) as cur,
    ):
        known = {row[0] for row in await cur.fetchall()}
    return await _absent_in_libretime(flavor, sorted(wanted - known))


async def _absent_in_libretime(flavor: Flavor, asked: list[int]) -> set[int]:
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def absent(media_id: int) -> bool:
        async with gate:
            return not await flavor.media_exists(media_id)

    answers = await asyncio.gather(*(absent(media_id) for media_id in asked))
    return {media_id for media_id, missing in zip(asked, answers, strict=True) if missing}
