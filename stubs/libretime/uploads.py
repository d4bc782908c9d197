"""Uploads through the legacy app (``POST /rest/media``) and the analyzer's pass over each.

Upstream's order (``CcFiles::createAndImport``): the file name's extension is checked (a refused
one still leaves a bare failed row behind), the row is saved hidden and pending with the file's
md5, its name as a temporary title and the ``tt_upload`` cookie's track type, the bytes are moved
to ``organize/<id>-<name>`` (a name the file system cannot hold fails the upload and leaves the
row failed), and the analyzer is told. The analyzer later reads the bytes, moves them under
``imported/<owner>/`` and writes what it found; a file it cannot read is a failed import that
stays hidden.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import PurePosixPath

from . import cc_files, media
from .analyzer import analyze
from .store import Row, Store

NAME_MAX = 255  # bytes in one file name: the organize directory's limit
MAX_DIR_LEN = 48  # upstream's organise_file: artist and album folders, and the file's stem
MAX_FILE_LEN = 48
ORGANIZE = "_organize"  # row key: where the bytes wait for the analyzer


class UploadRefused(Exception):
    """The upload is answered 400 with upstream's upload error text (a row may be left behind)."""


def _php_truthy(value: str) -> bool:
    return value not in ("", "0")


def owner_id(store: Store) -> int:
    """RestAuth::getOwnerId for an API-key request: the first administrator."""
    return min(store.user_ids, default=1)


def accept(store: Store, filename: str, data: bytes, track_type_cookie: str | None) -> Row:
    """Create the row for an upload, or raise ``UploadRefused`` after what upstream leaves."""
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1]  # PHP keeps the base name only
    files = store.files
    if media.extension(filename) not in media.ALLOWED_EXTENSIONS:
        files.insert(cc_files.legacy_row(import_status=2, hidden=True))
        raise UploadRefused(f"bad file extension in {filename!r}")
    library = None
    if track_type_cookie is not None and _php_truthy(track_type_cookie):
        library = cc_files.php_int(track_type_cookie)
    if (library is not None and not store.exists("libraries", library)) or len(filename) > 512:
        # The insert fails in the database, and so does the save of the failed row after it:
        # nothing is left but two used ids.
        files.next_id += 2
        raise UploadRefused("the row could not be saved")
    owner = owner_id(store)
    row = cc_files.legacy_row(
        owner=owner,
        track_title=filename,
        md5=hashlib.md5(data).hexdigest(),  # noqa: S324 - LibreTime's own checksum
        artwork="",
        created_at=cc_files.now(),
        hidden=True,
    )
    if library is not None:
        row["library"] = library
    file_id = files.next_id
    organized = f"{file_id}-{filename}"
    if len(organized.encode()) > NAME_MAX:
        row["import_status"] = 2
        files.insert(row)
        raise UploadRefused(f"{organized!r} is too long a file name")
    row[ORGANIZE] = f"organize/{organized}"
    store.blobs[row[ORGANIZE]] = data
    return files.insert(row)


def _organised_path(store: Store, owner: int, filename: str, columns: dict[str, object]) -> str:
    """upstream's organise_file: imported/<owner>/[artist/][album/]<stem><suffix>, and a UUID
    after the stem when another file is there already."""
    path = PurePosixPath(f"imported/{owner}")
    for key in ("artist_name", "album_title"):
        value = columns.get(key)
        if isinstance(value, str) and value:
            path /= value[:MAX_DIR_LEN]
    original = PurePosixPath(filename)
    path /= original.stem[:MAX_FILE_LEN] + original.suffix
    if str(path) in store.blobs:
        path = path.with_name(f"{path.stem}_{uuid.uuid4()}{path.suffix}")
    return str(path)


def analyse(store: Store, file_id: int) -> None:
    """The analyzer's pass: the file imported (0) and shown, or a failed import (2), hidden."""
    row = store.files.get(file_id)
    if row is None or row.get("import_status") != 1 or ORGANIZE not in row:
        return
    data = store.blobs.get(row[ORGANIZE])
    found = analyze(data) if data is not None else None
    if found is None or not found.ok:
        store.files.update(row, {"import_status": 2, "updated_at": cc_files.now()})
        return
    changes = cc_files.changes_from(found.columns, store)
    original = row[ORGANIZE].split("/", 1)[1].split("-", 1)[1]  # organize/<id>-<original name>
    filepath = _organised_path(store, row.get("owner") or owner_id(store), original, found.columns)
    store.blobs[filepath] = store.blobs.pop(row.pop(ORGANIZE))
    store.blob_times[filepath] = row.get("created_at") or cc_files.now()
    changes |= {"filepath": filepath, "import_status": 0, "updated_at": cc_files.now()}
    changes["md5"] = hashlib.md5(store.blobs[filepath]).hexdigest()  # noqa: S324 - LibreTime's own checksum
    store.files.update(row, changes)


def delete(store: Store, row: Row) -> None:
    """``StoredFile::delete`` and the database's cascades: the bytes, the row, its past plays."""
    for path in (row.get("filepath"), row.get(ORGANIZE)):
        if path:
            store.blobs.pop(path, None)
            store.blob_times.pop(path, None)
    for sid in [sid for sid, s in store.schedule.rows.items() if s.get("file") == row["id"]]:
        store.schedule.delete(sid)
    for hid in [hid for hid, h in store.history.rows.items() if h.get("file") == row["id"]]:
        store.history.delete(hid)
    store.files.delete(row["id"])
