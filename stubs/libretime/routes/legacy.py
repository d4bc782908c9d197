"""The legacy PHP app's media API, ``/rest/media``, served only behind the nginx front like upstream.

Zend's REST route gives ``/rest/media`` to the list (GET), the upload (POST) and HEAD, and
``/rest/media/{id}`` to reading (GET), updating (PUT) and deleting (DELETE) one file; a POST with
an id fails, and ``/rest/media/{id}/download`` streams the bytes. The API key is checked first, by
the ACL plugin, for every method. Every answer is labelled ``text/html; charset=UTF-8`` (the JSON
too) and carries PHP's session headers, with a new session cookie when the request had none.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from aiohttp import web

from .. import cc_files, uploads
from ..appkeys import ANALYZER, CONFIG, STORE
from ..auth import authenticate_legacy
from ..body import parse_body
from ..errors import PHP_HEADERS, DRFError, LegacyError, legacy_response
from ..store import Row, Store

UPLOAD_FAILED = "An error occurred while processing your upload. Please try again in a few minutes."
MEDIA_NOT_FOUND = "ERROR: Media not found."
UNKNOWN_ERROR = "An unknown error occurred."
NO_FILE_ID = "ERROR: No file ID specified."
# FileDataHelper::getAudioMimeTypeArray: the download's file extension from the file's mime.
EXTENSION_BY_MIME = {
    "audio/ogg": "ogg",
    "application/ogg": "ogg",
    "audio/vorbis": "ogg",
    "audio/mp3": "mp3",
    "audio/mpeg": "mp3",
    "audio/mpeg3": "mp3",
    "audio/x-aac": "aac",
    "audio/aac": "aac",
    "audio/aacp": "aac",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "audio/x-flac": "flac",
    "audio/flac": "flac",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/mp2": "mp2",
    "audio/mp1": "mp1",
    "audio/x-ms-wma": "wma",
    "audio/basic": "au",
}
_INT = re.compile(r"\s*[+-]?\d+\s*")
_RANGE = re.compile(r"bytes=\s*(\d+)-(\d*)", re.IGNORECASE)
_SESSION_ALPHABET = "0123456789abcdefghijklmnopqrstuv"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _php(handler: Handler) -> Handler:
    """The key check, error rendering, and what PHP adds to every answer."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            authenticate_legacy(request, request.app[CONFIG])
            response = await handler(request)
        except LegacyError as exc:
            response = exc.response()
        if "PHPSESSID" not in request.cookies:
            session = "".join(secrets.choice(_SESSION_ALPHABET) for _ in range(26))
            response.set_cookie("PHPSESSID", session, path="/", httponly=True)
        return response

    return wrapped


def _json(body: Any, status: int = 200) -> web.Response:
    # PHP's json_encode escapes slashes; the parsed value is the same either way.
    return legacy_response(json.dumps(body, separators=(",", ":")).replace("/", "\\/"), status)


def _file_id(raw: str) -> int:
    """``getId``: PHP-falsy ids are "not specified"; what PostgreSQL cannot read as an integer
    fails the query (upstream's "unknown error")."""
    if raw in ("", "0"):
        raise LegacyError(400, NO_FILE_ID)
    if not _INT.fullmatch(raw) or not -(2**31) <= int(raw) < 2**31:
        raise LegacyError(400, UNKNOWN_ERROR)
    return int(raw)


def _sort_key(name: str) -> str:
    """The row key a ``sort`` names: a column (any case, or as ``cc_files.column``) or Propel's
    phpName (``DbTrackTitle``). Anything else is an SQL error, rendered as the error page."""
    lowered = name.lower().removeprefix("cc_files.")
    for column in cc_files.COLUMNS:
        php_name = "Db" + "".join(part.capitalize() for part in column.name.split("_"))
        if lowered == column.name or name == php_name:
            return column.key
    for column_name, key in cc_files.PRIVATE.items():
        if lowered == column_name:
            return key
    raise LegacyError(500, page=True)


def _listed(row: Row) -> bool:
    # SQL's "= false" and "= true": a null hidden or file_exists is not listed.
    return row.get("hidden") is False and row.get("exists") is True and row.get("import_status") == 0


async def list_media(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    query = request.query
    total = len(store.files)
    key = _sort_key(query.get("sort", "id"))
    direction = query.get("sort_dir", "asc").lower()
    if direction not in ("asc", "desc"):
        raise LegacyError(500, page=True)
    rows = [store.files.rows[i] for i in store.files.ids_sorted() if _listed(store.files.rows[i])]
    # PostgreSQL puts nulls last going up and first going down.
    rows.sort(key=lambda r: (r.get(key) is None, 0 if r.get(key) is None else r.get(key)), reverse=direction == "desc")
    offset = max(0, cc_files.php_int(query.get("offset", 0)))
    limit = cc_files.php_int(query.get("limit", total))
    chosen = rows[offset : offset + limit] if limit > 0 else rows[offset:]
    response = _json([cc_files.render(r) for r in chosen])
    response.headers["X-TOTAL-COUNT"] = str(total)
    return response


async def head(request: web.Request) -> web.StreamResponse:
    return legacy_response(b"", 200)


async def upload(request: web.Request) -> web.StreamResponse:
    app = request.app
    store = app[STORE]
    try:
        body = await parse_body(request)
    except DRFError:
        raise LegacyError(400, UPLOAD_FAILED) from None
    part = body.files.get("file")
    if part is None:
        raise LegacyError(400, UPLOAD_FAILED)
    try:
        row = uploads.accept(store, part.filename, part.data, request.cookies.get("tt_upload"))
    except uploads.UploadRefused:
        raise LegacyError(400, UPLOAD_FAILED) from None
    answer = cc_files.render(row)

    def analyse() -> None:
        app[ANALYZER].discard(handle)
        uploads.analyse(store, row["id"])

    handle = asyncio.get_running_loop().call_later(app[CONFIG].analyze_delay_s, analyse)
    app[ANALYZER].add(handle)
    return _json(answer, 201)


def _row(store: Store, raw_id: str) -> Row:
    row = store.files.get(_file_id(raw_id))
    if row is None:
        raise LegacyError(404, MEDIA_NOT_FOUND)
    return row


async def read_one(request: web.Request) -> web.StreamResponse:
    return _json(cc_files.render(_row(request.app[STORE], request.match_info["id"])))


async def update(request: web.Request) -> web.StreamResponse:
    """``CcFiles::updateFromArray`` (what the analyzer sends when it is done)."""
    store = request.app[STORE]
    file_id = _file_id(request.match_info["id"])
    try:
        values = json.loads(await request.read())
    except ValueError:
        values = None
    if not isinstance(values, dict | list):
        raise LegacyError(500)  # json_decode gave no array: a PHP type error
    try:
        changes = cc_files.changes_from(values, store)
    except cc_files.InvalidColumns:
        raise LegacyError(400, UNKNOWN_ERROR) from None
    row = store.files.get(file_id)
    if row is None:
        raise LegacyError(500)  # upstream marks the missing file failed: a call on null
    store.files.update(row, changes | {"updated_at": cc_files.now()})
    return _json(cc_files.render(row), 201)


async def delete(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    row = _row(store, request.match_info["id"])
    now = datetime.now(UTC)
    if any(s.get("file") == row["id"] and s["ends_at"] > now for s in store.schedule.rows.values()):
        raise LegacyError(400, UNKNOWN_ERROR)  # DeleteScheduledFileException
    uploads.delete(store, row)
    return legacy_response(b"", 204)


async def post_with_id(request: web.Request) -> web.StreamResponse:
    raise LegacyError(500)


async def download(request: web.Request) -> web.StreamResponse:
    """``MediaService::streamFileDownload``: the bytes as an attachment, typed by the file's mime."""
    store = request.app[STORE]
    row = store.files.get(_file_id(request.match_info["id"]))
    if row is None:
        raise LegacyError(400, UNKNOWN_ERROR)
    filepath = row.get("filepath")
    data = store.blobs.get(filepath) if filepath else None
    if data is None:
        raise LegacyError(404, MEDIA_NOT_FOUND)
    size = row.get("size") or len(data)
    if size <= 0:
        raise LegacyError(400, UNKNOWN_ERROR)
    data = data[:size]
    mime = row.get("mime") or ""
    name = PurePosixPath(filepath).stem + "." + EXTENSION_BY_MIME.get(mime.strip().lower(), "")
    begin, end, status = 0, len(data) - 1, 200
    match = _RANGE.match(request.headers.get("Range", ""))
    if "Range" in request.headers:
        status = 206
        if match:
            begin = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else end
    headers = {
        "Expires": PHP_HEADERS["Expires"],
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Transfer-Encoding": "binary",
        "Cache-Control": "public, must-revalidate, max-age=0",
        "Pragma": "no-cache",
        "Accept-Ranges": "bytes",
    }
    if status == 206:
        headers["Content-Range"] = f"bytes {begin}-{end}/{size}"
    response = web.Response(body=data[begin : end + 1], status=status, headers=headers)
    response.content_type = mime
    return response


def _methods(table: dict[str, Handler]) -> Handler:
    async def dispatch(request: web.Request) -> web.StreamResponse:
        handler = table.get(request.method)
        if handler is None:
            raise LegacyError(400, page=True)  # Zend's REST route has no action for it
        return await handler(request)

    return _php(dispatch)


async def no_id_action(request: web.Request) -> web.StreamResponse:
    raise LegacyError(400, NO_FILE_ID)


async def unknown(request: web.Request) -> web.StreamResponse:
    raise LegacyError(404, page=True)


def add_routes(app: web.Application) -> None:
    router = app.router
    collection = _methods({"GET": list_media, "POST": upload, "HEAD": head})
    member = _methods({"GET": read_one, "PUT": update, "DELETE": delete, "POST": post_with_id, "HEAD": head})
    for path in ("/rest/media", "/rest/media/"):
        router.add_route("*", path, collection)
    router.add_route("*", "/rest/media/{id}", member)
    router.add_route("*", "/rest/media/{id}/download", _methods({"GET": download, "HEAD": download}))
    router.add_route("*", "/rest/media/{id}/{action}", _php(no_id_action))
    router.add_route("*", "/rest/{tail:.*}", _php(unknown))
