"""Will LibreTime's schedule for a day play? Findings from what LibreTime holds, nothing else.

LibreTime accepts rows that playout cannot or will not play as scheduled: rows that overlap,
rows starting after their show instance ends (never played), rows running past it (cut at the
instance end: reads are clamped, so the stored ``length`` tells the real end), null fades (the
playout crashes on them), rows whose file is gone, hidden, still importing or missing from disk,
and rows whose cue window is empty. Silence inside a show instance longer than ``max_gap`` is a
gap; a show instance of the day with nothing scheduled in it at all is an empty instance (one
finding, not a gap as long as the show). Only rows starting on the day are reported; rows from
the day before count as context (they may still be playing at midnight).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..effects.common import duration, instant, iso_z
from .findings import Finding, Kind


@dataclass(frozen=True)
class Row:
    """A schedule row with what playout will do with it."""

    raw: dict[str, Any]
    start: datetime
    end: datetime  # as LibreTime reads it (clamped at the instance end)
    intended_end: datetime  # start + its stored length: where it would end unclamped
    instance: dict[str, Any] | None
    title: str | None

    @property
    def id(self) -> int:
        return int(self.raw["id"])

    @property
    def file_id(self) -> int | None:
        return self.raw.get("file")

    @property
    def overbooked(self) -> bool:
        return self.instance is not None and self.start >= instant(self.instance["ends_at"])


def rows_of(
    raw_rows: list[dict[str, Any]], instances: dict[int, dict[str, Any]], files: dict[int, dict[str, Any]]
) -> list[Row]:
    out = []
    for raw in raw_rows:
        start, end = instant(raw["starts_at"]), instant(raw["ends_at"])
        length = duration(raw.get("length"))
        file_row = files.get(raw.get("file"))
        if not length and file_row is not None:
            cue_in = duration(file_row.get("cue_in")) or timedelta(0)
            cue_out = duration(file_row.get("cue_out")) or duration(file_row.get("length"))
            length = cue_out - cue_in if cue_out is not None else None
        title = (file_row or {}).get("track_title") or (file_row or {}).get("name")
        intended = start + length if length else end
        out.append(Row(raw, start, end, max(intended, end), instances.get(raw.get("instance")), title))
    return sorted(out, key=lambda r: (r.start, r.id))


def _finding(kind: Kind, row: Row, message: str, until: datetime | None = None) -> Finding:
    return Finding(kind, message, row.start, row.id, row.file_id, row.title, until)


def _secs(delta: timedelta) -> str:
    return f"{delta.total_seconds():g} s"


def row_findings(row: Row, files: dict[int, dict[str, Any]]) -> list[Finding]:
    """What is wrong with one row by itself: its instance, fades, cue window and file."""
    found = []
    where = f"row {row.id} at {iso_z(row.start)}"
    if row.instance is not None:
        inst_end = instant(row.instance["ends_at"])
        if row.overbooked:
            found.append(
                _finding(
                    Kind.OVERBOOKED,
                    row,
                    f"{where} starts at or after its show instance {row.instance['id']} ends ({iso_z(inst_end)}):"
                    " LibreTime will not play it",
                )
            )
        elif row.intended_end > inst_end:
            found.append(
                _finding(
                    Kind.RUNS_PAST_INSTANCE,
                    row,
                    f"{where} runs {_secs(row.intended_end - inst_end)} past the end of show instance"
                    f" {row.instance['id']} ({iso_z(inst_end)}): playout cuts it there",
                )
            )
    if row.raw.get("fade_in") is None or row.raw.get("fade_out") is None:
        found.append(
            _finding(
                Kind.NULL_FADE,
                row,
                f"{where} has a null fade (in {row.raw.get('fade_in')}, out {row.raw.get('fade_out')}):"
                " playout fails on it",
            )
        )
    cue_in, cue_out = duration(row.raw.get("cue_in")), duration(row.raw.get("cue_out"))
    if cue_in is not None and cue_out is not None and cue_out <= cue_in:
        found.append(
            _finding(
                Kind.EMPTY_CUE,
                row,
                f"{where} has an empty cue window (cue in {row.raw.get('cue_in')}, cue out {row.raw.get('cue_out')}):"
                " nothing of the file plays",
            )
        )
    found += _file_findings(row, files, where)
    return found


def _file_findings(row: Row, files: dict[int, dict[str, Any]], where: str) -> list[Finding]:
    if row.file_id is None:
        if row.raw.get("stream") is not None:
            return []  # a webstream: no file to check
        return [_finding(Kind.FILE_MISSING, row, f"{where} names neither a file nor a stream")]
    file_row = files.get(row.file_id)
    if file_row is None:
        return [_finding(Kind.FILE_MISSING, row, f"{where} plays file {row.file_id}, which LibreTime does not have")]
    found = []
    if file_row.get("hidden"):
        found.append(_finding(Kind.FILE_HIDDEN, row, f"{where} plays file {row.file_id}, which is hidden (deleted)"))
    if file_row.get("import_status") not in (0, None):
        found.append(
            _finding(
                Kind.FILE_NOT_READY,
                row,
                f"{where} plays file {row.file_id}, whose import is not finished"
                f" (import_status {file_row.get('import_status')})",
            )
        )
    if file_row.get("exists") is False:
        text = f"{where} plays file {row.file_id}, which is not on disk (exists false)"
        found.append(_finding(Kind.FILE_NOT_ON_DISK, row, text))
    return found


def overlaps(rows: list[Row], day_start: datetime) -> list[Finding]:
    """Rows of the day that start while an earlier row still plays (overbooked rows never play)."""
    found = []
    playing: Row | None = None  # the row ending last so far
    for row in (r for r in rows if not r.overbooked):
        if playing is not None and row.start < playing.end and row.start >= day_start:
            found.append(
                _finding(
                    Kind.OVERLAP,
                    row,
                    f"row {row.id} starts at {iso_z(row.start)} while row {playing.id} (file {playing.file_id})"
                    f" plays until {iso_z(playing.end)}: {_secs(playing.end - row.start)} overlap",
                    min(playing.end, row.end),
                )
            )
        if playing is None or row.end > playing.end:
            playing = row
    return found


def gaps(
    rows: list[Row], instances: dict[int, dict[str, Any]], day_start: datetime, day_end: datetime, max_gap: timedelta
) -> list[Finding]:
    """Silence longer than ``max_gap`` inside each show instance, within the day."""
    found = []
    for inst in sorted(instances.values(), key=lambda i: (i["starts_at"], i["id"])):
        start, end = max(instant(inst["starts_at"]), day_start), min(instant(inst["ends_at"]), day_end)
        if start >= end:
            continue
        mine = [r for r in rows if r.instance is not None and r.instance["id"] == inst["id"] and not r.overbooked]
        if not mine:
            continue  # an empty instance: its own finding (``empty_instances``)
        cursor = start
        silences = []
        for row in mine:
            if row.start - cursor > max_gap:
                silences.append((cursor, min(row.start, end)))
            cursor = max(cursor, row.end)
        if end - cursor > max_gap:
            silences.append((cursor, end))
        for gap_start, gap_end in silences:
            if gap_end - gap_start <= max_gap:
                continue
            found.append(
                Finding(
                    Kind.GAP,
                    f"{_secs(gap_end - gap_start)} of silence in show instance {inst['id']} from {iso_z(gap_start)}"
                    f" to {iso_z(gap_end)}",
                    gap_start,
                    until=gap_end,
                )
            )
    return found


def empty_instances(
    rows: list[Row], instances: dict[int, dict[str, Any]], day_start: datetime, day_end: datetime
) -> list[Finding]:
    """Show instances on the day with nothing that plays in them: the show is silence (reported on
    each day it covers, from the day's part of it)."""
    used = {r.instance["id"] for r in rows if r.instance is not None and not r.overbooked}
    found = []
    for inst in sorted(instances.values(), key=lambda i: (i["starts_at"], i["id"])):
        start, end = instant(inst["starts_at"]), instant(inst["ends_at"])
        if start >= day_end or end <= day_start or end <= start or inst["id"] in used:
            continue
        found.append(
            Finding(
                Kind.EMPTY_INSTANCE,
                f"show instance {inst['id']} (show {inst.get('show')}) from {iso_z(start)} to {iso_z(end)} has"
                f" nothing scheduled: {_secs(end - start)} of silence",
                max(start, day_start),
                until=min(end, day_end),
            )
        )
    return found


def day_findings(
    rows: list[Row],
    instances: dict[int, dict[str, Any]],
    files: dict[int, dict[str, Any]],
    day_start: datetime,
    day_end: datetime,
    max_gap: timedelta,
) -> list[Finding]:
    on_day = [r for r in rows if day_start <= r.start < day_end]
    found = [f for r in on_day for f in row_findings(r, files)]
    found += overlaps(rows, day_start)
    found += gaps(rows, instances, day_start, day_end, max_gap)
    found += empty_instances(rows, instances, day_start, day_end)
    return found
