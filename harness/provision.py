"""``libretime.provision``: the data a scenario needs, created through LibreTime's stock v2 API.

Nothing may assume fixtures on a real LibreTime, so a live-safe scenario brings its own: media
files that are recognisably test data (genre and name carry ``librelog-verify``, a unique md5)
and playout-history rows in the sandbox window, as playout would have written them. On a live
target each row is recorded in the run's ledger the moment it exists, and removed (files
hidden) after the scenario.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from .errors import HarnessError
from .expect import ExpectationFailed
from .fingerprint import TEST_MARK
from .report import Recorder
from .targets import Target


def _seconds(text: str) -> float:
    hours, minutes, seconds = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


async def _create(target: Target, table: str, body: dict[str, Any], kind: str, rec: Recorder) -> dict[str, Any]:
    response = await target.libretime.post(f"/api/v2/{table}", json=body)
    if response.status_code != 201:
        raise ExpectationFailed(
            f"provisioning: LibreTime refused POST /api/v2/{table} ({response.status_code}): {response.text[:300]}"
        )
    row = response.json()
    if target.ledger is not None:
        target.ledger.add(kind, row["id"], target.libretime_url, target.librelog_url)
    rec.json(f"provisioned {kind} {row['id']}", row)
    return row


def file_body(spec: dict[str, Any]) -> dict[str, Any]:
    """A v2 file row for a test file: imported, with a length, marked as test data."""
    name = f"{TEST_MARK}-{uuid.uuid4().hex[:12]}.wav"
    length = spec.get("length", "00:03:00")
    _seconds(length)  # a malformed length is a scenario mistake, said here rather than by LibreTime
    return {
        "name": name,
        "mime": "audio/x-wav",
        "size": int(spec.get("size", 1024)),
        "accessed": 0,
        "import_status": 0,
        "hidden": False,
        "md5": hashlib.md5(name.encode()).hexdigest(),  # noqa: S324 - LibreTime's own checksum field
        "track_title": spec.get("title", "librelog-verify test file"),
        "artist_name": spec.get("artist"),
        "album_title": spec.get("album"),
        "genre": TEST_MARK,
        "length": length,
        "cue_in": "00:00:00",
        "cue_out": length,
    }


async def provision(target: Target, spec: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    """Create what the spec lists; returns ``{save_as: id}`` for the scenario's templates."""
    saved: dict[str, Any] = {}
    for item in spec.get("files", []):
        row = await _create(target, "files", file_body(item), "file", rec)
        if item.get("save_as"):
            saved[item["save_as"]] = row["id"]
    start, end = target.sandbox_window()
    for item in spec.get("history", []):
        starts = datetime.fromisoformat(str(item["starts"]).replace("Z", "+00:00")).astimezone(UTC)
        if not target.allow_destructive and not start <= starts < end:
            raise HarnessError(f"provisioned history must start inside the sandbox window, not at {item['starts']}")
        body = {"starts": item["starts"], "ends": item.get("ends"), "file": item.get("file"), "instance": None}
        row = await _create(target, "playout-history", body, "history", rec)
        if item.get("save_as"):
            saved[item["save_as"]] = row["id"]
    rec.table("provisioned in LibreTime", ["name", "id"], sorted(saved.items()))
    return saved
