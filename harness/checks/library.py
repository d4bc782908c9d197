"""LibreTime's media library against LibreLog's: a file as LibreTime holds it, and a track sync
compared file by file with LibreTime's own list."""

from __future__ import annotations

import hashlib
from typing import Any

from ..expect import ExpectationFailed, subset_diff
from ..report import Recorder
from ..targets import Target
from .common import read_json


async def file_check(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    file_id = spec["id"]
    row = await read_json(target.libretime, f"/api/v2/files/{file_id}")
    rec.json(f"LibreTime file {file_id}", row)
    problems = subset_diff(spec.get("expect", {}), row)
    if "download_md5" in spec:
        download = await target.libretime.get(f"/api/v2/files/{file_id}/download")
        digest = hashlib.md5(download.content).hexdigest()  # noqa: S324 - LibreTime's checksum
        if digest != spec["download_md5"]:
            problems.append(f"download: md5 {digest} ({len(download.content)} bytes), expected {spec['download_md5']}")
    if "count_with_md5" in spec:
        same = await read_json(target.libretime, "/api/v2/files", {"md5": row.get("md5")})
        if len(same) != spec["count_with_md5"]:
            problems.append(
                f"{len(same)} LibreTime files share md5 {row.get('md5')}, expected {spec['count_with_md5']}"
            )
    if problems:
        raise ExpectationFailed(f"LibreTime file {file_id}: " + "; ".join(problems))


async def _all_tracks(target: Target) -> dict[int, dict[str, Any]]:
    """LibreLog's whole track library, by LibreTime id (paged reads of GET /tracks)."""
    tracks: dict[int, dict[str, Any]] = {}
    offset = 0
    while True:
        page = await read_json(target.librelog, "/tracks", {"limit": 1000, "offset": offset})
        for track in page["items"]:
            if track.get("libretime_id") is not None:
                tracks[track["libretime_id"]] = track
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return tracks


def _length_s(text: str | None) -> float | None:
    if not text:
        return None
    hours, minutes, seconds = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


async def tracks_match_libretime(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    """After a track sync: LibreLog holds LibreTime's visible files, the first ``limit`` by id
    (all of them without one), with their metadata; the sync's own count agrees."""
    files = sorted(
        (f for f in await read_json(target.libretime, "/api/v2/files") if f.get("hidden") is not True),
        key=lambda f: f["id"],
    )
    limit = spec.get("limit")
    expected = files[:limit] if limit else files
    tracks = await _all_tracks(target)
    rows, problems = [], []
    for f in expected:
        track = tracks.get(f["id"])
        checks = {
            "in LibreLog": track is not None,
            "title": track is not None and (not f.get("track_title") or track["title"] == f["track_title"]),
            "md5": track is not None and track.get("md5") == f.get("md5"),
            "duration": track is not None
            and (
                _length_s(f.get("length")) is None
                or abs((track.get("duration_s") or 0) - (_length_s(f.get("length")) or 0)) < 0.001
            ),
        }
        rows.append([f["id"], f.get("track_title"), *("✓" if ok else "✗" for ok in checks.values())])
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            problems.append(f"file {f['id']} ({f.get('track_title')!r}): {', '.join(bad)}")
    rec.table(
        f"LibreTime files (first {limit or len(files)} of {len(files)} visible) vs LibreLog's tracks",
        ["file id", "title", "in LibreLog", "title", "md5", "duration"],
        rows,
    )
    if "processed" in spec and spec["processed"] != len(expected):
        problems.append(f"the sync reported {spec['processed']} processed, LibreTime's own list gives {len(expected)}")
    if problems:
        raise ExpectationFailed(
            f"{len(problems)} of {len(expected)} LibreTime files are not in LibreLog as they are"
            f" in LibreTime: " + "; ".join(problems[:5])
        )
