"""LibreTime's media library against LibreLog's: a file as LibreTime holds it, and a track sync
compared file by file with LibreTime's own list."""

from __future__ import annotations

import hashlib
from typing import Any

from ..running.expect import ExpectationFailed, subset_diff
from ..running.recorder import Recorder
from ..targets import Target
from .common import duration, read_json


async def file_check(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    """One file as LibreTime holds it: its fields, its analysed length, its track type, the bytes
    it serves, and how many files share its md5."""
    file_id = spec["id"]
    if spec.get("imported"):
        from ..seeding.live import wait_imported

        await wait_imported(target.libretime, file_id)
    row = await read_json(target.libretime, f"/api/v2/files/{file_id}")
    rec.json(f"LibreTime file {file_id}", row)
    problems = subset_diff(spec.get("expect", {}), row)
    if spec.get("imported") and row.get("import_status") != 0:
        problems.append(f"import_status {row.get('import_status')}: LibreTime did not import it")
    if "length_s" in spec:
        want, within = spec["length_s"]["equals"], spec["length_s"].get("within", 0.1)
        length = duration(row.get("length"))
        if length is None or abs(length.total_seconds() - want) > within:
            problems.append(f"length {row.get('length')}, the audio's own is {want:g} s (within {within:g} s)")
    if "track_type" in spec:
        code = None
        if row.get("library") is not None:
            code = (await read_json(target.libretime, f"/api/v2/libraries/{row['library']}")).get("code")
        if code != spec["track_type"]:
            problems.append(f"track type {code or 'none'}, expected {spec['track_type'] or 'none'}")
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


# LibreLog's type codes (LIBRELOG.md): a LibreTime track type with one of these codes keeps it,
# no track type becomes MUS; other codes are LibreLog's own choice (aliases, or MUS with a warning).
LIBRELOG_TYPES = ("MUS", "ADV", "PSA", "LIN", "INT", "PRO", "SHO", "IDS", "COM", "NEW", "VOT")
# LibreTime file field → LibreLog track field, compared exactly (null stays null).
SAME = (
    ("artist_name", "artist"),
    ("album_title", "album"),
    ("genre", "genre"),
    ("mime", "mime"),
    ("md5", "md5"),
    ("filepath", "filepath"),
)


def track_problems(file_row: dict[str, Any], track: dict[str, Any] | None, codes: dict[Any, str]) -> list[str]:
    """Every field of a synced track against the LibreTime file it came from."""
    if track is None:
        return ["not in LibreLog"]
    found = []
    title = file_row.get("track_title")
    if title and track["title"] != title:
        found.append(f"title {track['title']!r}, LibreTime's is {title!r}")
    if not track.get("title"):
        found.append("no title (LibreTime has none: LibreLog must still name the track)")
    for theirs, ours in SAME:
        if track.get(ours) != file_row.get(theirs):
            found.append(f"{ours} {track.get(ours)!r}, LibreTime's {theirs} is {file_row.get(theirs)!r}")
    length = duration(file_row.get("length"))
    seconds = track.get("duration_s")
    if length is None:
        if seconds is not None:
            found.append(f"duration {seconds} s, LibreTime has no length")
    elif seconds is None or abs(seconds - length.total_seconds()) > 1e-6:
        found.append(f"duration {seconds} s, LibreTime's length is {file_row.get('length')}")
    code = codes.get(file_row.get("library"))
    want = "MUS" if code is None else code if code in LIBRELOG_TYPES else None
    if want is not None and track.get("type") != want:
        found.append(f"type {track.get('type')}, LibreTime files it as {code or 'no track type'} ({want})")
    return found


async def tracks_match_libretime(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    """After a track sync: LibreLog holds LibreTime's visible files, the first ``limit`` by id
    (all of them without one), every field as LibreTime has it; the sync's own count agrees."""
    files = sorted(
        (f for f in await read_json(target.libretime, "/api/v2/files") if f.get("hidden") is not True),
        key=lambda f: f["id"],
    )
    codes = {t["id"]: t["code"] for t in await read_json(target.libretime, "/api/v2/libraries")}
    limit = spec.get("limit")
    expected = files[:limit] if limit else files
    tracks = await _all_tracks(target)
    rows, problems = [], []
    for f in expected:
        track = tracks.get(f["id"])
        found = track_problems(f, track, codes)
        rows.append(
            [
                f["id"],
                f.get("track_title"),
                f.get("artist_name"),
                f.get("album_title"),
                f.get("genre"),
                f.get("length"),
                codes.get(f.get("library")),
                (track or {}).get("type"),
                "✓" if not found else "✗",
            ]
        )
        if found:
            problems.append(f"file {f['id']} ({f.get('track_title')!r}): {'; '.join(found)}")
    rec.table(
        f"LibreTime files (first {limit or len(files)} of {len(files)} visible) vs LibreLog's tracks, field by field",
        ["file id", "title", "artist", "album", "genre", "length", "LibreTime type", "LibreLog type", "ok"],
        rows,
    )
    if "processed" in spec and spec["processed"] != len(expected):
        problems.append(f"the sync reported {spec['processed']} processed, LibreTime's own list gives {len(expected)}")
    if problems:
        raise ExpectationFailed(
            f"{len(problems)} of {len(expected)} LibreTime files are not in LibreLog as they are"
            f" in LibreTime: " + "; ".join(problems[:5])
        )
