"""Voice tracks: upload to LibreLog, serve the file, push it to LibreTime exactly once.

Files are streamed to a temporary name next to the database and renamed into place only once
their row is written, so a failure leaves neither a stray file nor a row without its file.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader

from ..db import Database, row_dict, utcnow
from ..errors import AlreadyUploaded, FieldErrors, FileTooLarge, NotFound
from ..libretime.client import LibreTimeClient
from ..libretime.errors import LibreTimeBadResponse, LibreTimeTimeout, LibreTimeUnreachable
from ..libretime.flavors import Flavor, VoiceUpload
from ..locks import KeyedLocks
from ..timeconv import parse_hour

EXTENSIONS = {
    "mp3": "audio/mpeg",
    "wav": "audio/x-wav",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "opus": "audio/opus",
}
COLUMNS = (
    "id, title, description, artist_name, genre, standardized_name, filename, mime, size_bytes, md5, duration_s,"
    " status, libretime_id, uploaded_at, created_at"
)
TEXT_LIMITS = {"title": 512, "description": 512, "artist_name": 512, "genre": 64, "break": 16, "hour": 8}
BREAK_PATTERN = r"^[A-Za-z0-9]{0,8}$"
_BREAK = re.compile(BREAK_PATTERN)


@dataclass
class Received:
    fields: dict[str, str]
    filename: str | None = None
    temp_path: Path | None = None
    size: int = 0
    md5: str = ""

    def discard(self) -> None:
        if self.temp_path is not None:
            self.temp_path.unlink(missing_ok=True)


async def receive(reader: Any, voice_dir: Path, max_bytes: int) -> Received:
    """Read a multipart body: text fields in memory, the file streamed to disk with its md5."""
    voice_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a cheap no-op after start-up
    received = Received(fields={})
    try:
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "file" and part.filename is not None and received.temp_path is None:
                received.filename = part.filename
                received.temp_path = voice_dir / f".upload-{uuid.uuid4().hex}.part"
                digest = hashlib.md5()  # noqa: S324 - LibreTime's own checksum, used for dedup
                with received.temp_path.open("wb") as handle:
                    while chunk := await part.read_chunk(256 * 1024):
                        received.size += len(chunk)
                        if received.size > max_bytes:
                            raise FileTooLarge(
                                f"The file is over the {max_bytes // (1024 * 1024)} MiB upload limit.",
                                {"field": "file", "limit_bytes": max_bytes},
                            )
                        digest.update(chunk)
                        handle.write(chunk)
                received.md5 = digest.hexdigest()
            elif part.name:
                limit = TEXT_LIMITS.get(part.name, 4096)
                value = (await part.read(decode=True)).decode("utf-8", "replace")
                received.fields[part.name] = value[: limit + 1]
    except BaseException:
        received.discard()
        raise
    return received


def _duration(path: Path, ext: str) -> float | None:
    if ext != "wav":
        return None
    try:
        with wave.open(str(path)) as reader:
            return reader.getnframes() / reader.getframerate()
    except (wave.Error, EOFError, ZeroDivisionError):
        return None


async def create_voice(db: Database, voice_dir: Path, received: Received) -> dict[str, Any]:
    errors = FieldErrors()
    fields = received.fields
    ext = (received.filename or "").rsplit(".", 1)[-1].lower() if "." in (received.filename or "") else ""
    if received.temp_path is None:
        errors.add("file", "Required: an audio file (multipart field 'file').")
    elif ext not in EXTENSIONS:
        errors.add("file", f"Unsupported type '.{ext}': send one of {', '.join(EXTENSIONS)}.")
    elif received.size == 0:
        errors.add("file", "The file is empty.")
    # A field over its limit is refused as such, and only as such: receive() kept no more of it
    # than tells that, so what is left of it says nothing of its content.
    over = {name for name, limit in TEXT_LIMITS.items() if len(fields.get(name, "")) > limit}
    title = fields.get("title", "").strip()
    if not title and "title" not in over:
        errors.add("title", "Required: a non-empty title.")
    for name, limit in TEXT_LIMITS.items():
        if name in over:
            errors.add(name, f"At most {limit} characters.")
    hour = None
    if fields.get("hour", "") != "" and "hour" not in over:
        hour = parse_hour(fields["hour"])
        if hour is None:
            errors.add("hour", "An hour from 0 to 23.")
    brk = fields.get("break", "")
    if brk and "break" not in over and not _BREAK.match(brk):
        errors.add("break", "Letters or digits only, e.g. A.")
    if brk and hour is None and not errors.has("hour"):
        errors.add("hour", "Required with break (the name is HH-00_Break<break>).")
    duration = _duration(received.temp_path, ext) if received.temp_path is not None and not errors else None
    if ext == "wav" and received.temp_path is not None and not errors and duration is None:
        errors.add("file", "Not a readable WAV file.")
    if errors:
        received.discard()
        errors.raise_if_any()
    assert received.temp_path is not None and received.filename is not None
    standardized = f"{hour:02d}-00_Break{brk}" if hour is not None else None
    safe = re.sub(r"[^\w.\-]+", "_", Path(received.filename).name)[-120:] or f"voice.{ext}"
    final = voice_dir / f"{uuid.uuid4().hex}-{safe}"
    os.replace(received.temp_path, final)
    try:
        async with db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO voice_tracks (title, description, artist_name, genre, standardized_name, filename,"
                " stored_path, mime, size_bytes, md5, duration_s, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'recorded', ?)",
                (
                    title,
                    fields.get("description") or None,
                    fields.get("artist_name") or None,
                    fields.get("genre") or None,
                    standardized,
                    received.filename,
                    final.name,
                    EXTENSIONS[ext],
                    received.size,
                    received.md5,
                    duration,
                    utcnow(),
                ),
            )
            voice_id = cursor.lastrowid
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    assert voice_id is not None
    return await get_voice(db, voice_id)


async def list_voice(db: Database) -> dict[str, Any]:
    async with db.read() as conn, conn.execute(f"SELECT {COLUMNS} FROM voice_tracks ORDER BY id") as cur:
        items = [row_dict(r) for r in await cur.fetchall()]
    return {"items": items, "total": len(items)}


async def get_voice(db: Database, voice_id: int) -> dict[str, Any]:
    async with db.read() as conn, conn.execute(f"SELECT {COLUMNS} FROM voice_tracks WHERE id = ?", (voice_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"No voice track {voice_id}.", {"voice_track_id": voice_id})
    return row_dict(row)


async def voice_file(db: Database, voice_dir: Path, voice_id: int) -> tuple[Path, str, str]:
    async with (
        db.read() as conn,
        conn.execute("SELECT stored_path, mime, filename FROM voice_tracks WHERE id = ?", (voice_id,)) as cur,
    ):
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"No voice track {voice_id}.", {"voice_track_id": voice_id})
    path = voice_dir / row["stored_path"]
    if not path.is_file():
        raise NotFound(f"Voice track {voice_id}'s file is missing from storage.", {"voice_track_id": voice_id})
    return path, row["mime"], row["filename"]


async def find_by_md5(client: LibreTimeClient, md5: str) -> int | None:
    files = await client.get_json("/api/v2/files", {"md5": md5}, shape=list)
    ids = sorted(f["id"] for f in files if isinstance(f, dict) and isinstance(f.get("id"), int) and f.get("md5") == md5)
    return ids[0] if ids else None


async def upload_to_libretime(
    db: Database, client: LibreTimeClient, flavor: Flavor, locks: KeyedLocks, voice_dir: Path, voice_id: int
) -> dict[str, Any]:
    """Push once: a file LibreTime already holds (same md5) is linked, never uploaded again."""
    async with locks(("voice", voice_id)):
        voice = await get_voice(db, voice_id)
        if voice["status"] == "uploaded":
            raise AlreadyUploaded(
                f"Voice track {voice_id} is already LibreTime file {voice['libretime_id']}.",
                {"voice_track_id": voice_id, "libretime_id": voice["libretime_id"]},
            )
        path, mime, filename = await voice_file(db, voice_dir, voice_id)
        upload = VoiceUpload(
            filename=filename,
            mime=mime,
            data=path.read_bytes(),
            title=voice["title"],
            description=voice["description"],
            artist_name=voice["artist_name"],
            genre=voice["genre"],
        )
        attempts = 1 + client.settings.retries
        file_id = None
        for attempt in range(1, attempts + 1):
            # Looked up before every try: an earlier try may have landed even though its answer was lost.
            file_id = await find_by_md5(client, voice["md5"])
            if file_id is not None:
                await flavor.finish_voice(file_id, upload)
                break
            try:
                file_id = await flavor.upload_voice(upload)
                break
            except (LibreTimeUnreachable, LibreTimeTimeout, LibreTimeBadResponse):
                if attempt == attempts:
                    raise
                await asyncio.sleep(client.backoff(attempt))
        assert file_id is not None  # every try either breaks with an id or raises
        async with db.write() as conn:
            await conn.execute(
                "UPDATE voice_tracks SET status = 'uploaded', libretime_id = ?, uploaded_at = ? WHERE id = ?",
                (file_id, utcnow(), voice_id),
            )
    return await get_voice(db, voice_id)
