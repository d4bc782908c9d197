"""Pulling from LibreTime: the media library into tracks, playout history into playback records.

Track sync holds one batch in memory at a time and commits each batch in its own transaction:
an interrupted sync keeps what it committed and a re-run converges. History rows are unique by
LibreTime's history id, so re-syncing a range adds nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from .. import ids, timeconv
from ..config import Settings
from ..db import Database, row_dict, utcnow
from ..errors import FieldErrors
from ..libretime.client import LibreTimeClient
from ..libretime.errors import LibreTimeError
from ..libretime.flavors import Flavor, MediaItem
from ..typemap import map_type

TRACK_FIELDS = ("title", "artist", "album", "genre", "type", "duration_s", "filepath", "mime", "md5")
MAX_BATCH = 1000


def sync_params(limit_raw: str | None, batch_raw: str | None) -> tuple[int | None, int]:
    errors = FieldErrors()
    limit = batch = None
    if limit_raw is not None:
        limit = ids.query_int(limit_raw)
        if limit is None or not 1 <= limit <= ids.MAX_ID:
            errors.add("limit", f"An integer from 1 to {ids.MAX_ID} (the most tracks to process).")
    if batch_raw is not None:
        batch = ids.query_int(batch_raw)
        if batch is None or not 1 <= batch <= MAX_BATCH:
            errors.add("batch_size", f"An integer from 1 to {MAX_BATCH} (tracks per page).")
    errors.raise_if_any()
    return limit, batch or 500


def _track_values(item: MediaItem, type_: str) -> dict[str, Any]:
    title = item.title or (item.filepath or "").rsplit("/", 1)[-1] or f"LibreTime file {item.libretime_id}"
    return {
        "title": title,
        "artist": item.artist,
        "album": item.album,
        "genre": item.genre,
        "type": type_,
        "duration_s": round(item.duration_s, 6) if item.duration_s is not None else None,
        "filepath": item.filepath,
        "mime": item.mime,
        "md5": item.md5,
    }


async def _store_batch(db: Database, items: list[MediaItem], counts: Counter[str], warnings: Counter[str]) -> None:
    now = utcnow()
    values = {}
    for item in items:
        type_, warning = map_type(item.type_code)
        if warning is not None:
            warnings[warning] += 1
        values[item.libretime_id] = _track_values(item, type_)
    ids = list(values)
    async with db.write() as conn:
        async with conn.execute(
            f"SELECT libretime_id, {', '.join(TRACK_FIELDS)} FROM tracks"
            f" WHERE libretime_id IN ({','.join('?' * len(ids))})",
            ids,
        ) as cur:
            existing = {row["libretime_id"]: row for row in await cur.fetchall()}
        inserts, updates, touches = [], [], []
        for libretime_id, new in values.items():
            old = existing.get(libretime_id)
            if old is None:
                inserts.append((libretime_id, *new.values(), now, now, now))
            elif any(old[f] != new[f] for f in TRACK_FIELDS):
                updates.append((*new.values(), now, now, libretime_id))
            else:
                touches.append((now, libretime_id))
        await conn.executemany(
            f"INSERT INTO tracks (libretime_id, {', '.join(TRACK_FIELDS)}, created_at, updated_at, last_synced_at)"
            f" VALUES ({','.join('?' * (len(TRACK_FIELDS) + 4))})",
            inserts,
        )
        await conn.executemany(
            f"UPDATE tracks SET {', '.join(f'{f} = ?' for f in TRACK_FIELDS)}, updated_at = ?, last_synced_at = ?"
            " WHERE libretime_id = ?",
            updates,
        )
        await conn.executemany("UPDATE tracks SET last_synced_at = ? WHERE libretime_id = ?", touches)
    counts["created"] += len(inserts)
    counts["updated"] += len(updates)
    counts["unchanged"] += len(touches)


async def _set_state(db: Database, key: str, value: str) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


async def sync_tracks(db: Database, flavor: Flavor, limit: int | None, batch_size: int) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    pages = 0
    try:
        async for batch in flavor.media_pages(batch_size, limit):
            pages += 1
            await _store_batch(db, batch, counts, warnings)
    except LibreTimeError as exc:
        exc.extra = {  # type: ignore[attr-defined]
            "committed": {
                "created": counts["created"],
                "updated": counts["updated"],
                "unchanged": counts["unchanged"],
                "pages": pages,
            }
        }
        raise
    await _set_state(db, "last_track_sync", utcnow())
    return {
        "success": True,
        "created": counts["created"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "total_processed": sum(counts.values()),
        "pages": pages,
        "warnings": [f"{reason}: {n} track(s) stored as MUS" for reason, n in sorted(warnings.items())],
        "errors": [],
    }


def history_window(body: Any, tz_name: str) -> tuple[datetime, datetime, date, date]:
    """UTC bounds of an inclusive range of station-local dates."""
    errors = FieldErrors()
    if not isinstance(body, dict):
        errors.add("body", "Expected a JSON object with start_date and end_date.")
        errors.raise_if_any()
    start = timeconv.parse_date(body.get("start_date"))
    end = timeconv.parse_date(body.get("end_date"))
    if start is None:
        errors.add("start_date", "Required: a date YYYY-MM-DD (station-local, inclusive).")
    if end is None:
        errors.add("end_date", "Required: a date YYYY-MM-DD (station-local, inclusive).")
    if start and end and end < start:
        errors.add("end_date", "Must not be before start_date.")
    if start and end and (end - start).days > 366:
        errors.add("end_date", "At most 366 days per sync.")
    errors.raise_if_any()
    tz = timeconv.zone(tz_name)
    assert tz is not None and start is not None and end is not None
    return timeconv.day_bounds(start, tz)[0], timeconv.day_bounds(end, tz)[1] - timedelta(microseconds=1), start, end


async def sync_history(db: Database, flavor: Flavor, body: Any, tz_name: str) -> dict[str, Any]:
    start, end, _, _ = history_window(body, tz_name)
    items = await flavor.history(start, end)
    created = duplicates = unmatched = 0
    now = utcnow()
    async with db.write() as conn:
        for item in items:
            track = None
            if item.file_id is not None:
                async with conn.execute(
                    "SELECT id, title, artist FROM tracks WHERE libretime_id = ?", (item.file_id,)
                ) as cur:
                    track = await cur.fetchone()
            if track is None:
                unmatched += 1
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO playback_history (libretime_history_id, libretime_file_id, track_id,"
                " schedule_id, title, artist, played_at, ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.id,
                    item.file_id,
                    track["id"] if track else None,
                    item.schedule_id,
                    item.title or (track["title"] if track else None),
                    item.artist or (track["artist"] if track else None),
                    timeconv.iso_z(item.starts),
                    timeconv.iso_z(item.ends) if item.ends else None,
                    now,
                ),
            )
            if cursor.rowcount == 1:
                created += 1
            else:
                duplicates += 1
    await _set_state(db, "last_playback_sync", utcnow())
    return {
        "success": True,
        "fetched": len(items),
        "created": created,
        "duplicates": duplicates,
        "unmatched": unmatched,
        "errors": [],
    }


# played_at as fixed-width text ("…:59Z" would sort after "…:59.5Z" as stored); SQLite's own
# date functions keep milliseconds at best, and a day's last row may be at …:59.999999.
_PLAYED_AT = (
    "(substr(played_at, 1, 19) || CASE WHEN substr(played_at, 20, 1) = '.'"
    " THEN substr(played_at, 20, 7) ELSE '.000000' END)"
)


async def list_history(db: Database, start_raw: str | None, end_raw: str | None, tz_name: str) -> dict[str, Any]:
    errors = FieldErrors()
    tz = timeconv.zone(tz_name)
    assert tz is not None
    # A date's end is the next local midnight, exclusive: the day's last microsecond is in, the
    # next day's first is out.
    where, args = [], []
    for name, raw, is_end in (("start", start_raw, False), ("end", end_raw, True)):
        if raw is None:
            continue
        day = timeconv.parse_date(raw)
        instant = timeconv.parse_client_instant(raw) if day is None else None
        if day is None and instant is None:
            errors.add(name, "A date YYYY-MM-DD (station-local) or an ISO 8601 datetime.")
            continue
        if day is not None:
            edge, operator = timeconv.day_bounds(day, tz)[1 if is_end else 0], "<" if is_end else ">="
        else:
            assert instant is not None
            edge, operator = instant, "<=" if is_end else ">="
        where.append(f"{_PLAYED_AT} {operator} ?")
        args.append(edge.strftime("%Y-%m-%dT%H:%M:%S.%f"))  # both kinds of edge are UTC
    errors.raise_if_any()
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    async with (
        db.read() as conn,
        conn.execute(
            f"SELECT * FROM playback_history {clause} ORDER BY {_PLAYED_AT}, id",
            args,
        ) as cur,
    ):
        items = [row_dict(row) for row in await cur.fetchall()]
    return {"items": items, "total": len(items)}


async def sync_status(db: Database, client: LibreTimeClient, settings: Settings) -> dict[str, Any]:
    async with db.read() as conn:
        async with conn.execute("SELECT key, value FROM sync_state") as cur:
            state = {row["key"]: row["value"] for row in await cur.fetchall()}
        async with conn.execute("SELECT COUNT(*) FROM tracks") as cur:
            total = (await cur.fetchone())[0]
    libretime: dict[str, Any] = {
        "url": settings.libretime_url,
        "flavor": settings.flavor,
        "api_version": None,
        "latency_ms": None,
        "error": None,
    }
    connected = False
    started = time.perf_counter()
    try:
        # Connected means: the version answers as LibreTime does AND the key is accepted.
        version = await client.get_json("/api/v2/version", shape=dict)
        if not isinstance(version.get("api_version"), str):
            raise LibreTimeError(f"/api/v2/version answered without an api_version: {str(version)[:100]}")
        libretime["api_version"] = version["api_version"]
        if settings.flavor == "integration":
            check = await client.get_json("/api/v2/integration/sync-status", shape=dict)
            if check.get("status") != "ok":
                raise LibreTimeError(f"sync-status is not ok: {str(check)[:100]}")
        else:
            await client.get_json("/api/v2/stream/state", shape=dict)
        connected = True
    except LibreTimeError as exc:
        libretime["error"] = f"{exc.code}: {exc.message}"
    libretime["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return {
        "last_track_sync": state.get("last_track_sync"),
        "last_playback_sync": state.get("last_playback_sync"),
        "total_tracks": total,
        "connection_status": connected,
        "libretime": libretime,
    }


def libretime_config(settings: Settings) -> dict[str, Any]:
    key = settings.api_key
    # Only long keys get a hint, so a hint can never be most of a short key.
    hint = f"…{key[-4:]} ({len(key)} chars)" if len(key) >= 16 else (f"{len(key)} chars" if key else None)
    return {
        "api_url": settings.libretime_url,
        "url_source": settings.url_source,
        "public_url": settings.public_url,
        "flavor": settings.flavor,
        "api_key_set": bool(key),
        "api_key_hint": hint,
        "timeout_s": settings.timeout_s,
        "retries": settings.retries,
        # What a verifier needs to read LibreTime as LibreLog writes it: the station's clock.
        "station_timezone": settings.station_timezone,
        "station": settings.station,
    }
