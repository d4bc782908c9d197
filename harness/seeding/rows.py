"""Rows as a seed describes them, completed with what LibreTime requires, and created through its
v2 API one at a time (recorded in the ledger the moment each exists)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from stubs.libretime.timeconv import format_duration

from ..errors import HarnessError
from ..live.fingerprint import TEST_MARK
from ..running.expect import ExpectationFailed
from ..running.recorder import Recorder
from ..targets import Target

# The tables a seed may fill, in dependency order (a row may refer to rows of earlier tables).
TABLES = ("libraries", "files", "shows", "show_instances", "schedule", "playout_history")
PATHS = {
    "libraries": "libraries",
    "files": "files",
    "shows": "shows",
    "show_instances": "show-instances",
    "schedule": "schedule",
    "playout_history": "playout-history",
}
LEDGER_KINDS = {
    "libraries": "library",
    "files": "file",
    "shows": "show",
    "show_instances": "instance",
    "schedule": "schedule",
    "playout_history": "history",
}
# When a row's start must lie in the sandbox on a real LibreTime.
STARTS = {"show_instances": "starts_at", "schedule": "starts_at", "playout_history": "starts"}
# Keys a seed row may carry that are the harness's, not LibreTime's.
HARNESS_KEYS = ("save_as", "audio")
SHOW_BACKGROUND, SHOW_TEXT = "76aca5", "ffffff"  # the legacy app's DEFAULT_SHOW_COLOR, white text


def _defaults(table: str) -> dict[str, Any]:
    """What LibreTime requires of a new row that a scenario rarely cares to say."""
    if table == "libraries":
        # LibreTime answers 500 to a track type without a description (its column is NOT NULL).
        return {"description": "", "enabled": True, "analyze_cue_points": False}
    if table == "shows":
        return {
            # LibreTime's web UI draws a show in its colours and stops drawing the Scheduled Shows
            # pane at a show without them: the legacy app's own default colours, as it would set.
            "background_color": SHOW_BACKGROUND,
            "foreground_color": SHOW_TEXT,
            "description": "",
            "linked": False,
            "linkable": True,
            "auto_playlist_enabled": False,
            "auto_playlist_repeat": False,
            "override_intro_playlist": False,
            "override_outro_playlist": False,
        }
    if table == "show_instances":
        return {"created_at": iso_z(datetime.now(UTC)), "modified": False, "auto_playlist_built": False}
    if table == "schedule":
        # Explicit fades: LibreTime stores null without them, and playout crashes on null.
        return {"cue_in": "00:00:00", "fade_in": "00:00:00", "fade_out": "00:00:00", "position": 0, "broadcasted": 0}
    if table == "playout_history":
        return {"ends": None, "file": None, "instance": None}
    return {}


def completed(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row as LibreTime is sent it: defaults under it, the harness's own keys removed."""
    out = {**_defaults(table), **{k: v for k, v in row.items() if k not in HARNESS_KEYS}}
    if table == "files":
        out = {**test_file({}), **out}
        if "length" in row and "cue_out" not in row:
            out["cue_out"] = row["length"]  # the whole file plays unless the seed says otherwise
    return out


def seconds(text: str) -> float:
    hours, minutes, rest = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def duration_text(value: float | timedelta) -> str:
    """LibreTime's duration form, ``HH:MM:SS`` with microseconds when there are any."""
    text = format_duration(value if isinstance(value, timedelta) else timedelta(seconds=float(value)))
    assert text is not None
    return text


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_file(spec: dict[str, Any]) -> dict[str, Any]:
    """A v2 file row that is recognisably test data: imported, visible, a length, a unique md5 and
    a name carrying the test mark (so a person looking at the library knows what it is). It is on
    disk and has its upload and modification times, as an analysed upload has: LibreTime's Tracks
    library leaves out a file without them."""
    name = f"{TEST_MARK}-{uuid.uuid4().hex[:12]}.wav"
    now = iso_z(datetime.now(UTC))
    length = spec.get("length", "00:03:00")
    seconds(length)  # a malformed length is a scenario mistake, said here rather than by LibreTime
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
        "exists": True,
        "created_at": now,
        "updated_at": now,
    }


def check_in_sandbox(target: Target, table: str, row: dict[str, Any]) -> None:
    """On a real LibreTime, rows that start somewhere start inside the sandbox window."""
    key = STARTS.get(table)
    if key is None or target.allow_destructive or not row.get(key):
        return
    start, end = target.sandbox_window()
    at = datetime.fromisoformat(str(row[key]).replace("Z", "+00:00"))
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    if not start <= at < end:
        raise HarnessError(
            f"a seeded {table} row must start inside the sandbox window ({iso_z(start)} to {iso_z(end)}),"
            f" not at {row[key]} (use {{{{ sandbox_date }}}})"
        )


async def create(target: Target, table: str, body: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    """POST one row; on a live target it is in the ledger before anything else can happen."""
    path = f"/api/v2/{PATHS[table]}"
    response = await target.libretime.post(path, json=body)
    if response.status_code != 201:
        raise ExpectationFailed(
            f"seeding: LibreTime refused POST {path} ({response.status_code}): {response.text[:300]}"
        )
    row = response.json()
    if target.ledger is not None:
        target.ledger.add(LEDGER_KINDS[table], row["id"], target.libretime_url, target.librelog_url)
    rec.json(f"seeded {LEDGER_KINDS[table]} {row['id']}", row)
    return row
