"""Tracks: LibreLog's copy of the media library (synced from LibreTime or created by hand)."""

from __future__ import annotations

from typing import Any

from .. import ids
from ..db import Database, row_dict, utcnow
from ..errors import Conflict, FieldErrors, NotFound
from ..typemap import TYPES, parse_type

COLUMNS = (
    "id, libretime_id, title, artist, album, genre, type, duration_s, filepath, mime, md5, "
    "created_at, updated_at, last_synced_at"
)


async def list_tracks(
    db: Database, *, type_: str | None, search: str | None, libretime_id: int | None, limit: int, offset: int
) -> dict[str, Any]:
    where, args = [], []
    if type_:
        where.append("type = ?")
        args.append(type_.upper())
    if search:
        where.append("(title LIKE ? ESCAPE '\\' OR artist LIKE ? ESCAPE '\\' OR album LIKE ? ESCAPE '\\')")
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        args += [pattern, pattern, pattern]
    if libretime_id is not None:
        where.append("libretime_id = ?")
        args.append(libretime_id)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    async with db.read() as conn:
        async with conn.execute(f"SELECT COUNT(*) FROM tracks {clause}", args) as cur:
            total = (await cur.fetchone())[0]
        async with conn.execute(
            f"SELECT {COLUMNS} FROM tracks {clause} ORDER BY id LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ) as cur:
            items = [row_dict(r) for r in await cur.fetchall()]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


async def get_track(db: Database, track_id: int) -> dict[str, Any]:
    async with db.read() as conn, conn.execute(f"SELECT {COLUMNS} FROM tracks WHERE id = ?", (track_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"No track {track_id}.", {"track_id": track_id})
    return row_dict(row)


def validate_track(body: Any) -> dict[str, Any]:
    errors = FieldErrors()
    if not isinstance(body, dict):
        errors.add("body", "Expected a JSON object.")
        errors.raise_if_any()
    clean: dict[str, Any] = {}
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add("title", "Required: a non-empty string.")
    else:
        clean["title"] = title.strip()
    type_ = body.get("type", "MUS")
    if parse_type(type_) is None:
        errors.add("type", f"Must be one of {', '.join(TYPES)}.")
    else:
        clean["type"] = parse_type(type_)
    for name in ("artist", "album", "genre", "filepath", "mime", "md5"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            errors.add(name, "Must be a string.")
        clean[name] = value
    duration = body.get("duration_s")
    if duration is not None and not ids.is_seconds(duration):
        errors.add("duration_s", "Must be a number of seconds, 0 or more.")
    clean["duration_s"] = duration
    libretime_id = body.get("libretime_id")
    if libretime_id is not None and not ids.is_id(libretime_id):
        errors.add("libretime_id", f"Must be an integer from 1 to {ids.MAX_ID}.")
    clean["libretime_id"] = libretime_id
    errors.raise_if_any()
    return clean


async def create_track(db: Database, body: Any) -> dict[str, Any]:
    clean = validate_track(body)
    now = utcnow()
    async with db.write() as conn:
        if clean["libretime_id"] is not None:
            async with conn.execute("SELECT id FROM tracks WHERE libretime_id = ?", (clean["libretime_id"],)) as cur:
                existing = await cur.fetchone()
            if existing is not None:
                raise Conflict(
                    f"Track {existing[0]} already has LibreTime id {clean['libretime_id']}.",
                    {"field": "libretime_id", "track_id": existing[0]},
                )
        cursor = await conn.execute(
            "INSERT INTO tracks (libretime_id, title, artist, album, genre, type, duration_s, filepath, mime, md5,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                clean["libretime_id"],
                clean["title"],
                clean["artist"],
                clean["album"],
                clean["genre"],
                clean["type"],
                clean["duration_s"],
                clean["filepath"],
                clean["mime"],
                clean["md5"],
                now,
                now,
            ),
        )
        track_id = cursor.lastrowid
    return await get_track(db, track_id)
