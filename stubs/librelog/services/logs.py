"""Daily logs: create, read, replace an hour, lock, validate, delete.

Entries are station-local wall clock (``HH:MM:SS``) on the log's date in the log's zone; their
order (``position``) is the order of the real instants they stand for.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from .. import ids, timeconv
from ..db import Database, utcnow
from ..errors import Conflict, FieldErrors, LogLocked, NotFound, invalid
from ..typemap import TYPES, parse_type

ENTRY_COLUMNS = (
    "position, start, fold, hour, type, title, track_id, libretime_id, voice_track_id, duration_s, hard_start"
)


@dataclass
class EntryIn:
    start: str
    fold: int
    hour: int
    instant: datetime
    type: str
    title: str | None
    track_id: int | None
    libretime_id: int | None
    voice_track_id: int | None
    duration_s: float | None
    hard_start: bool


def _positive_int(value: Any) -> bool:
    return ids.is_id(value)


def parse_entries(
    raw_entries: Any, day: date, tz: ZoneInfo, errors: FieldErrors, *, hour: int | None = None
) -> list[dict[str, Any]]:
    """Shape checks of every entry (references are checked against the database afterwards)."""
    if not isinstance(raw_entries, list):
        errors.add("entries", "Required: a list of entries.")
        return []
    parsed = []
    for index, raw in enumerate(raw_entries):
        where = f"entries[{index}]"
        if not isinstance(raw, dict):
            errors.add(where, "Expected an object.")
            continue
        clock = timeconv.parse_clock(raw.get("start"))
        fold = raw.get("fold", 0)
        if type(fold) is not int or fold not in (0, 1):
            errors.add(f"{where}.fold", "Must be 0 or 1 (1 = the second occurrence of a repeated time).")
            fold = 0
        instant = None
        if clock is None:
            errors.add(f"{where}.start", "Required: a wall-clock time HH:MM:SS from 00:00:00 to 23:59:59.")
        elif hour is not None and clock.hour != hour:
            errors.add(f"{where}.start", f"{raw['start']} is outside hour {hour:02d}:00-{hour:02d}:59:59.")
        else:
            try:
                instant = timeconv.to_utc(day, clock, tz, fold)
            except timeconv.NonexistentTime as exc:
                errors.add(f"{where}.start", str(exc))
            if fold == 1 and not timeconv.is_ambiguous(day, clock, tz):
                errors.add(f"{where}.fold", f"{raw['start']} happens once on {day}: fold 1 does not apply.")
        refs = {k: raw.get(k) for k in ("track_id", "libretime_id", "voice_track_id") if raw.get(k) is not None}
        for key, value in refs.items():
            if not _positive_int(value):
                errors.add(f"{where}.{key}", f"Must be an integer from 1 to {ids.MAX_ID}.")
        if "track_id" in refs and "voice_track_id" in refs:
            errors.add(where, "Give a track_id or a voice_track_id, not both.")
        type_ = raw.get("type")
        if type_ is not None and parse_type(type_) is None:
            errors.add(f"{where}.type", f"Must be one of {', '.join(TYPES)}.")
        title = raw.get("title")
        if title is not None and not isinstance(title, str):
            errors.add(f"{where}.title", "Must be a string.")
        duration = raw.get("duration_s")
        if duration is not None and not ids.is_seconds(duration):
            errors.add(f"{where}.duration_s", "Must be a number of seconds, 0 or more.")
        hard_start = raw.get("hard_start", False)
        if not isinstance(hard_start, bool):
            errors.add(f"{where}.hard_start", "Must be true or false.")
        parsed.append(
            {
                "index": index,
                "start": clock.isoformat() if clock else None,
                "fold": fold,
                "instant": instant,
                "type": parse_type(type_),
                "title": title,
                "duration_s": duration,
                "hard_start": hard_start is True,
                **{k: refs.get(k) for k in ("track_id", "libretime_id", "voice_track_id")},
            }
        )
    return parsed


async def resolve_entries(
    conn: aiosqlite.Connection, parsed: list[dict[str, Any]], errors: FieldErrors
) -> list[EntryIn]:
    """Check references exist and fill type/title/duration from them; sorted by instant."""
    out = []
    for item in parsed:
        where = f"entries[{item['index']}]"
        source = None
        if _positive_int(item["track_id"]):
            async with conn.execute(
                "SELECT type, title, duration_s, libretime_id FROM tracks WHERE id = ?", (item["track_id"],)
            ) as cur:
                source = await cur.fetchone()
            if source is None:
                errors.add(f"{where}.track_id", f"No track {item['track_id']}.")
        elif _positive_int(item["voice_track_id"]):
            async with conn.execute(
                "SELECT 'VOT' AS type, title, duration_s, libretime_id FROM voice_tracks WHERE id = ?",
                (item["voice_track_id"],),
            ) as cur:
                source = await cur.fetchone()
            if source is None:
                errors.add(f"{where}.voice_track_id", f"No voice track {item['voice_track_id']}.")
        explicit = item["libretime_id"]
        if source is not None and explicit is not None and source["libretime_id"] not in (None, explicit):
            errors.add(
                f"{where}.libretime_id",
                f"{explicit} disagrees with the referenced item's LibreTime id {source['libretime_id']}.",
            )
        if item["instant"] is None or errors.has(f"{where}.track_id") or errors.has(f"{where}.voice_track_id"):
            continue
        out.append(
            EntryIn(
                start=item["start"],
                fold=item["fold"],
                hour=int(item["start"][:2]),
                instant=item["instant"],
                type=item["type"] or (source["type"] if source else "MUS"),
                title=item["title"] if item["title"] is not None else (source["title"] if source else None),
                track_id=item["track_id"],
                # A referenced item's LibreTime id is read live; an explicit one is stored only without a reference.
                libretime_id=explicit if source is None else None,
                voice_track_id=item["voice_track_id"],
                duration_s=item["duration_s"]
                if item["duration_s"] is not None
                else (source["duration_s"] if source else None),
                hard_start=item["hard_start"],
            )
        )
    return sorted(out, key=lambda e: (e.instant, e.start))


async def _insert_entries(conn: aiosqlite.Connection, log_id: int, entries: list[EntryIn]) -> None:
    await conn.executemany(
        f"INSERT INTO log_entries (log_id, {ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                log_id,
                0,
                e.start,
                e.fold,
                e.hour,
                e.type,
                e.title,
                e.track_id,
                e.libretime_id,
                e.voice_track_id,
                e.duration_s,
                int(e.hard_start),
            )
            for e in entries
        ],
    )


async def _renumber(conn: aiosqlite.Connection, log_id: int, tz: ZoneInfo, day: date) -> None:
    async with conn.execute("SELECT id, start, fold FROM log_entries WHERE log_id = ?", (log_id,)) as cur:
        rows = await cur.fetchall()

    def instant(row: aiosqlite.Row) -> datetime:
        clock = timeconv.parse_clock(row["start"])
        assert clock is not None
        return timeconv.to_utc(day, clock, tz, row["fold"])

    ordered = sorted(rows, key=lambda r: (instant(r), r["id"]))
    await conn.executemany(
        "UPDATE log_entries SET position = ? WHERE id = ?", [(i, r["id"]) for i, r in enumerate(ordered)]
    )


def _log_header(body: Any, default_tz: str, default_station: str) -> tuple[dict[str, Any], FieldErrors]:
    errors = FieldErrors()
    if not isinstance(body, dict):
        errors.add("body", "Expected a JSON object.")
        errors.raise_if_any()
    day = timeconv.parse_date(body.get("date"))
    if day is None:
        errors.add("date", "Required: a date YYYY-MM-DD.")
    tz_name = body.get("timezone", default_tz)
    tz = timeconv.zone(tz_name) if isinstance(tz_name, str) else None
    if tz is None:
        errors.add("timezone", f"Unknown IANA time zone {tz_name!r}.")
    station = body.get("station", default_station)
    if not isinstance(station, str) or not station.strip():
        errors.add("station", "Must be a non-empty string.")
    return {"date": day, "tz_name": tz_name, "tz": tz, "station": station}, errors


async def create_log(db: Database, body: Any, *, default_tz: str, default_station: str) -> dict[str, Any]:
    header, errors = _log_header(body, default_tz, default_station)
    parsed = []
    if header["date"] is not None and header["tz"] is not None:
        parsed = parse_entries(body.get("entries"), header["date"], header["tz"], errors)
    elif not isinstance(body.get("entries"), list):
        errors.add("entries", "Required: a list of entries.")
    errors.raise_if_any()
    now = utcnow()
    async with db.write() as conn:
        entries = await resolve_entries(conn, parsed, errors)
        errors.raise_if_any()
        async with conn.execute(
            "SELECT id FROM logs WHERE date = ? AND station = ?", (header["date"].isoformat(), header["station"])
        ) as cur:
            existing = await cur.fetchone()
        if existing is not None:
            raise Conflict(
                f"Station {header['station']!r} already has log {existing[0]} for {header['date']}.",
                {"log_id": existing[0]},
            )
        cursor = await conn.execute(
            "INSERT INTO logs (date, station, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (header["date"].isoformat(), header["station"], header["tz_name"], now, now),
        )
        log_id = cursor.lastrowid
        assert log_id is not None
        await _insert_entries(conn, log_id, entries)
        await _renumber(conn, log_id, header["tz"], header["date"])
    return await get_log(db, log_id)


async def _load(conn: aiosqlite.Connection, log_id: int) -> aiosqlite.Row:
    async with conn.execute("SELECT * FROM logs WHERE id = ?", (log_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"No log {log_id}.", {"log_id": log_id})
    return row


async def log_entries(conn: aiosqlite.Connection, log_id: int) -> list[dict[str, Any]]:
    """Entries with their LibreTime id resolved live from the referenced track or voice track."""
    async with conn.execute(
        "SELECT e.position, e.start, e.fold, e.hour, e.type, e.title, e.track_id, e.voice_track_id, e.duration_s,"
        " e.hard_start, COALESCE(e.libretime_id, t.libretime_id, v.libretime_id) AS libretime_id,"
        " t.title AS track_title, v.title AS voice_title, v.status AS voice_status"
        " FROM log_entries e LEFT JOIN tracks t ON t.id = e.track_id"
        " LEFT JOIN voice_tracks v ON v.id = e.voice_track_id WHERE e.log_id = ? ORDER BY e.position",
        (log_id,),
    ) as cur:
        rows = await cur.fetchall()
    return [
        {
            "position": r["position"],
            "start": r["start"],
            "fold": r["fold"],
            "hour": r["hour"],
            "type": r["type"],
            "title": r["title"],
            "track_id": r["track_id"],
            "libretime_id": r["libretime_id"],
            "voice_track_id": r["voice_track_id"],
            "duration_s": r["duration_s"],
            "hard_start": bool(r["hard_start"]),
        }
        for r in rows
    ]


def _log_dict(row: aiosqlite.Row, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "date": row["date"],
        "station": row["station"],
        "timezone": row["timezone"],
        "locked": bool(row["locked"]),
        "status": row["status"],
        "entries": entries,
        "published_at": row["published_at"],
        "last_publish": json.loads(row["last_publish"]) if row["last_publish"] else None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def get_log(db: Database, log_id: int) -> dict[str, Any]:
    async with db.read() as conn:
        row = await _load(conn, log_id)
        return _log_dict(row, await log_entries(conn, log_id))


async def list_logs(db: Database, day: str | None) -> dict[str, Any]:
    async with db.read() as conn:
        query = "SELECT * FROM logs" + (" WHERE date = ?" if day else "") + " ORDER BY date, station"
        async with conn.execute(query, (day,) if day else ()) as cur:
            rows = await cur.fetchall()
        items = [_log_dict(r, await log_entries(conn, r["id"])) for r in rows]
    return {"items": items, "total": len(items)}


async def replace_hour(db: Database, log_id: int, hour_raw: str, body: Any) -> dict[str, Any]:
    hour = timeconv.parse_hour(hour_raw)
    if hour is None:
        raise invalid("hour", f"{hour_raw!r} is not an hour from 0 to 23.")
    errors = FieldErrors()
    if not isinstance(body, dict):
        raise invalid("body", "Expected a JSON object with entries.")
    async with db.write() as conn:
        row = await _load(conn, log_id)
        if row["locked"]:
            raise LogLocked(f"Log {log_id} is locked: unlock it to edit.", {"log_id": log_id})
        day = date.fromisoformat(row["date"])
        tz = timeconv.zone(row["timezone"])
        assert tz is not None
        parsed = parse_entries(body.get("entries"), day, tz, errors, hour=hour)
        errors.raise_if_any()
        entries = await resolve_entries(conn, parsed, errors)
        errors.raise_if_any()
        await conn.execute("DELETE FROM log_entries WHERE log_id = ? AND hour = ?", (log_id, hour))
        await _insert_entries(conn, log_id, entries)
        await _renumber(conn, log_id, tz, day)
        await conn.execute("UPDATE logs SET updated_at = ?, status = 'draft' WHERE id = ?", (utcnow(), log_id))
    return await get_log(db, log_id)


async def set_locked(db: Database, log_id: int, locked: bool) -> dict[str, Any]:
    async with db.write() as conn:
        await _load(conn, log_id)
        await conn.execute("UPDATE logs SET locked = ?, updated_at = ? WHERE id = ?", (int(locked), utcnow(), log_id))
    return await get_log(db, log_id)


async def delete_log(db: Database, log_id: int) -> None:
    async with db.write() as conn:
        row = await _load(conn, log_id)
        if row["locked"]:
            raise LogLocked(f"Log {log_id} is locked: unlock it to delete.", {"log_id": log_id})
        await conn.execute("DELETE FROM logs WHERE id = ?", (log_id,))


def unresolved(entry: dict[str, Any]) -> str | None:
    """Why an entry cannot be published (None when it has a LibreTime media id)."""
    if entry["libretime_id"] is not None:
        return None
    label = f"{entry['start']}" + (f" {entry['title']!r}" if entry["title"] else "")
    if entry["voice_track_id"] is not None:
        return f"{label}: voice track {entry['voice_track_id']} is not uploaded to LibreTime yet."
    if entry["track_id"] is not None:
        return f"{label}: track {entry['track_id']} has no LibreTime id (sync tracks or link it)."
    return f"{label}: no track, voice track or LibreTime id."


async def validate_log(db: Database, log_id: int) -> dict[str, Any]:
    log = await get_log(db, log_id)
    tz = timeconv.zone(log["timezone"])
    assert tz is not None
    day = date.fromisoformat(log["date"])
    errors, warnings = [], []
    entries = log["entries"]
    for e in entries:
        if (reason := unresolved(e)) is not None:
            errors.append({"field": f"entries[{e['position']}]", "message": reason})
    if not entries:
        warnings.append({"field": "entries", "message": "The log is empty: publishing it clears the day."})
    for current, following in itertools.pairwise(entries):
        if current["duration_s"] is None:
            continue
        start = timeconv.to_utc(day, timeconv.parse_clock(current["start"]), tz, current["fold"])  # type: ignore[arg-type]
        nxt = timeconv.to_utc(day, timeconv.parse_clock(following["start"]), tz, following["fold"])  # type: ignore[arg-type]
        overlap = (start.timestamp() + current["duration_s"]) - nxt.timestamp()
        if overlap > 0.001:
            warnings.append(
                {
                    "field": f"entries[{current['position']}]",
                    "message": f"{current['start']} runs {overlap:.1f} s into the next entry at {following['start']}.",
                }
            )
    return {"valid": not errors, "errors": errors, "warnings": warnings}
