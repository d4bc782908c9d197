"""The UI checks themselves: what LibreLog holds, what the UI shows, and how they differ.

Each takes a logged-in session and the two services' clients and returns what it read and the
differences found; the step kinds (``harness/kinds/ui.py``) attach the evidence and fail on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from ..effects.common import duration, read_json
from ..running.expect import ExpectationFailed
from .compare import LENGTH_TOLERANCE_S, Entry, compare_day, ui_seconds
from .library_view import LibraryView, search
from .schedule_view import ScheduleView, read_day
from .session import UISession


def playable(row: dict[str, Any]) -> float | None:
    """A file's length as it plays: cue in to cue out, or its whole length without cue points."""
    cue_in, cue_out, whole = (duration(row.get(k)) for k in ("cue_in", "cue_out", "length"))
    start = cue_in.total_seconds() if cue_in else 0.0
    if cue_out and cue_out.total_seconds() > start:
        return cue_out.total_seconds() - start
    return whole.total_seconds() - start if whole else None


async def expected_entries(
    librelog: httpx.AsyncClient, libretime: httpx.AsyncClient, log: dict[str, Any]
) -> list[Entry]:
    """Each log entry as the UI should show it: its start on the station's clock, and the title,
    creator and length LibreLog holds for it (its log, else its track library); LibreTime's API
    answers only what LibreLog does not know."""
    day = date.fromisoformat(log["date"])
    zone = ZoneInfo(log["timezone"])
    out: list[Entry] = []
    for entry in log["entries"]:
        media = entry.get("libretime_id")
        clock = time.fromisoformat(entry["start"]).replace(fold=entry.get("fold", 0))
        local = datetime.combine(day, clock, tzinfo=zone)
        title, creator, length, source = entry.get("title"), None, entry.get("duration_s"), "LibreLog's log"
        if media is not None:
            tracks = (await read_json(librelog, "/tracks", {"libretime_id": media})).get("items", [])
            if tracks:
                creator = tracks[0].get("artist")
                if title is None:
                    title, source = tracks[0].get("title"), "LibreLog's track library"
            row = await read_json(libretime, f"/api/v2/files/{media}")
            if title is None:
                title, creator, source = row.get("track_title"), row.get("artist_name"), "LibreTime's API"
            if length is None:
                length = playable(row)
        out.append(Entry(local.date(), local.strftime("%H:%M:%S"), title, creator, length, media, source))
    return out


@dataclass
class LogCheck:
    log: dict[str, Any]
    view: ScheduleView
    expected: list[Entry]
    differences: list[str]

    def zone_note(self) -> str:
        """The UI displays another zone than LibreLog's station: a finding of its own."""
        shown, station = self.view.zone, self.log["timezone"]
        if shown and shown != station:
            return f" (LibreTime's UI displays times in {shown}; LibreLog's station time zone is {station})"
        return ""


async def log_in_ui(
    session: UISession, librelog: httpx.AsyncClient, libretime: httpx.AsyncClient, log_id: Any
) -> LogCheck:
    """LibreLog's log against the Scheduled Shows pane of its day."""
    log = await read_json(librelog, f"/logs/{log_id}")
    expected = await expected_entries(librelog, libretime, log)
    view = await read_day(session, date.fromisoformat(log["date"]))
    return LogCheck(log, view, expected, compare_day(expected, view.items))


@dataclass
class VoiceCheck:
    voice: dict[str, Any]
    file_id: int
    view: LibraryView
    expected: dict[str, Any] = field(default_factory=dict)  # column -> what LibreLog holds
    differences: list[str] = field(default_factory=list)


async def voice_in_ui(
    session: UISession,
    librelog: httpx.AsyncClient,
    libretime: httpx.AsyncClient,
    voice_id: Any,
    track_type: str | None = None,
) -> VoiceCheck:
    """LibreLog's voice track against its row in the Tracks library, searched by its title."""
    voice = await read_json(librelog, f"/voice/{voice_id}")
    file_id = voice.get("libretime_id")
    if not isinstance(file_id, int):
        raise ExpectationFailed(f"LibreLog's voice track {voice_id} has no LibreTime id to look for")
    row = await read_json(libretime, f"/api/v2/files/{file_id}")
    length = voice.get("duration_s") if voice.get("duration_s") is not None else playable(row)
    view = await search(session, voice["title"])
    expected = {
        "Title": voice.get("title"),
        "Creator": voice.get("artist_name"),
        "Genre": voice.get("genre"),
        "Description": voice.get("description"),
        **({"Type": track_type} if track_type else {}),
    }
    check = VoiceCheck(voice, file_id, view, expected)
    mine = [r for r in view.rows if r.get("id") == f"au_{file_id}"]
    if not mine:
        shown = ", ".join(repr(r.get("Title")) for r in view.rows) or "nothing"
        check.differences.append(
            f"the Tracks library does not list file {file_id} for {voice['title']!r} (it lists {shown})"
        )
    for found in mine[:1]:
        for column, want in expected.items():
            if want is not None and found.get(column, "") != str(want):
                check.differences.append(f"the library's {column} reads {found.get(column)!r}, LibreLog has {want!r}")
        shown_length = found.get("Length", "")
        seconds = ui_seconds(shown_length)
        if length is not None and (seconds is None or abs(seconds - length) > LENGTH_TOLERANCE_S):
            check.differences.append(
                f"the library's Length reads {shown_length!r}, the voice track plays {length:.1f} s"
            )
    return check
