"""Media library services: paging the library and the integration extension's voice-track uploads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import media, timeconv
from .errors import IntegrationError
from .store import Row, Store

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def now() -> datetime:
    return datetime.now(UTC)


def page_bounds(limit_raw: str | None, offset_raw: str | None) -> tuple[int, int]:
    """DRF LimitOffsetPagination: bad or non-positive limit → default, over the max → max."""
    limit = DEFAULT_LIMIT
    if limit_raw is not None:
        try:
            parsed = int(limit_raw)
            limit = min(parsed, MAX_LIMIT) if parsed > 0 else DEFAULT_LIMIT
        except ValueError:
            limit = DEFAULT_LIMIT
    offset = 0
    if offset_raw is not None:
        try:
            offset = max(0, int(offset_raw))
        except ValueError:
            offset = 0
    return limit, offset


def library_item(store: Store, row: Row) -> dict[str, Any]:
    track_type = store.libraries.get(row["library"]) if row.get("library") is not None else None
    length: timedelta | None = row.get("length")
    updated = row.get("updated_at") or row.get("created_at")
    return {
        "id": row["id"],
        "media_id": row["id"],
        "title": row.get("track_title"),
        "artist": row.get("artist_name"),
        "album": row.get("album_title"),
        "genre": row.get("genre"),
        "duration": length.total_seconds() if length is not None else None,
        "length": timeconv.format_duration_fixed(length),
        "filepath": row.get("filepath"),
        "mime": row.get("mime"),
        "md5": row.get("md5"),
        "track_type": track_type.get("code") if track_type else None,
        "library": (
            {"id": track_type["id"], "code": track_type.get("code"), "name": track_type.get("name")}
            if track_type
            else None
        ),
        "last_modified": timeconv.format_datetime(updated),
        "import_status": row.get("import_status", 1),
    }


def media_library_page(store: Store, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """A page of the library as LibreTime's own library shows it: hidden files are not in it."""
    rows, hidden = store.files.rows, store.files.hidden
    ids = store.files.ids_sorted()
    if hidden:
        ids = [i for i in ids if i not in hidden]
    return len(ids), [library_item(store, rows[i]) for i in ids[offset : offset + limit]]


def ensure_track_type(store: Store, code: str, name: str, description: str) -> Row:
    for row in store.libraries.rows.values():
        if row.get("code") == code:
            return row
    return store.libraries.insert(
        {"code": code, "name": name, "description": description, "enabled": True, "analyze_cue_points": False}
    )


def _store_upload(store: Store, upload: Upload, folder: str) -> tuple[int, str]:
    file_id = store.files.next_id
    filepath = f"imported/1/{folder}/{file_id}-{media.safe_filename(upload.filename)}"
    store.blobs[filepath] = upload.data
    return file_id, filepath


def check_upload(upload: Upload | None) -> list[str]:
    if upload is None:
        return ["This field is required."]
    ext = media.extension(upload.filename)
    if ext not in media.ALLOWED_EXTENSIONS:
        return [f"Unsupported file type '.{ext}'; allowed: {', '.join(media.ALLOWED_EXTENSIONS)}."]
    if not upload.data:
        return ["The submitted file is empty."]
    return []


def create_voice_track(store: Store, upload: Upload, fields: dict[str, Any]) -> Row:
    """The integration extension's voice-track import: analysed at once, typed VOT."""
    length = media.wav_duration(upload.data)
    if length is None and fields.get("duration") not in (None, ""):
        try:
            seconds = float(fields["duration"])
        except (TypeError, ValueError):
            raise IntegrationError(400, "invalid duration", {"duration": ["A valid number is required."]}) from None
        length = timedelta(seconds=seconds)
    vot = ensure_track_type(store, "VOT", "Voice Track", "Voice tracks uploaded by LibreLog")
    ext = media.extension(upload.filename)
    file_id, filepath = _store_upload(store, upload, "Voice Tracks")
    stamp = now()
    row: Row = {
        "name": upload.filename,
        "mime": media.MIME_BY_EXTENSION[ext],
        "size": len(upload.data),
        "accessed": 0,
        "filepath": filepath,
        "import_status": 0,
        "exists": True,
        "hidden": False,
        "md5": hashlib.md5(upload.data).hexdigest(),  # noqa: S324 - LibreTime's own checksum
        "track_title": fields["title"],
        "artist_name": fields.get("artist_name"),
        "description": fields.get("description"),
        "genre": fields.get("genre"),
        "library": vot["id"],
        "length": length,
        "cue_in": timedelta(0),
        "cue_out": length,
        "created_at": stamp,
        "updated_at": stamp,
    }
    return store.files.insert(row, file_id)
