"""What LibreTime's schedule holds, compared with the log it came from: the checks that replace
the seed's "verify in LibreTime UI".

Every row is compared field by field, not only its start and media: the end instant against the
file's real cue window (fractions of a second kept), cue in/out, fades present (playout crashes
on null fades), positions unique and in start order, the row inside its show instance (nothing
overbooked, nothing clamped at the instance end), and the hard start where LibreTime shows it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import HarnessError
from ..running.expect import ExpectationFailed, subset_diff
from ..running.recorder import Recorder
from ..targets import Target
from .common import duration, instant, iso_z, read_json
from .log_comparison import Expected, actual_from_rows, compare, expected_from_log


@dataclass
class Snapshot:
    date: str
    timezone: str
    rows: list[dict[str, Any]]  # full upstream rows, in start order
    hard_start: dict[int, bool] | None  # only where the integration read side exists

    def by_hour(self) -> dict[int, list[dict[str, Any]]]:
        tz = ZoneInfo(self.timezone)
        out: dict[int, list[dict[str, Any]]] = {}
        for row in self.rows:
            out.setdefault(instant(row["starts_at"]).astimezone(tz).hour, []).append(row)
        return out


async def snapshot(target: Target, day: str, tz_name: str, rec: Recorder) -> Snapshot:
    """The day's schedule as LibreTime holds it (rows whose start falls in the local day): one read."""
    tz = ZoneInfo(tz_name)
    local = date.fromisoformat(day)
    start = datetime.combine(local, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(local + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    params = {"starts_after": iso_z(start), "starts_before": iso_z(end)}
    rows = await read_json(target.libretime, "/api/v2/schedule", params)
    rows = sorted((r for r in rows if start <= instant(r["starts_at"]) < end), key=lambda r: (r["starts_at"], r["id"]))
    hard = None
    read = await target.libretime.get("/api/v2/integration/schedule", params={"date": day, "timezone": tz_name})
    if read.status_code == 200:
        hard = {e["schedule_id"]: e["hard_start"] for e in read.json()["entries"]}
    snap = Snapshot(day, tz_name, rows, hard)
    rec.json(f"LibreTime schedule rows {day}", {"date": day, "timezone": tz_name, "rows": rows})
    rec.table(
        f"LibreTime schedule {day} ({tz_name})",
        ["local", "UTC start", "UTC end", "media id", "position", "hard_start", "row id"],
        [
            [
                instant(r["starts_at"]).astimezone(tz).strftime("%H:%M:%S"),
                r["starts_at"],
                r["ends_at"],
                r["file"],
                r["position"],
                (hard or {}).get(r["id"], "n/a"),
                r["id"],
            ]
            for r in rows
        ],
    )
    return snap


async def _rows_by_id(target: Target, table: str, ids: set[int]) -> dict[int, dict[str, Any]]:
    """One read per distinct file or instance the day uses (a day has few), never one per row."""
    return {i: await read_json(target.libretime, f"/api/v2/{table}/{i}") for i in sorted(ids)}


def _fmt(value: timedelta | None) -> str:
    return "null" if value is None else str(value)


def row_problems(
    rows: list[dict[str, Any]], files: dict[int, dict[str, Any]], instances: dict[int, dict[str, Any]]
) -> tuple[list[list[Any]], list[str]]:
    """Each row against its file and show instance; (table rows, problems in words)."""
    table, problems = [], []
    last_position: dict[int, tuple[int, str]] = {}
    latest: dict[str, Any] | None = None  # the row that ends last so far
    for row in rows:
        where = f"row {row['id']} at {row['starts_at']}"
        found: list[str] = []
        file_row = files.get(row.get("file"))
        start = instant(row["starts_at"])
        # Two rows playing at once: the later one cuts into the earlier (a log entry past its hour).
        if latest is not None and start < instant(latest["ends_at"]):
            found.append(f"overlaps row {latest['id']} ({latest['starts_at']} to {latest['ends_at']})")
        if latest is None or instant(row["ends_at"]) > instant(latest["ends_at"]):
            latest = row
        if file_row is not None:
            cue_in = duration(file_row.get("cue_in")) or timedelta(0)
            cue_out = duration(file_row.get("cue_out")) or duration(file_row.get("length"))
            if cue_out is not None:
                want_end = start + (cue_out - cue_in)
                if duration(row.get("cue_in")) != cue_in:
                    found.append(f"cue_in {row.get('cue_in')}, the file's is {_fmt(cue_in)}")
                if duration(row.get("cue_out")) != cue_out:
                    found.append(f"cue_out {row.get('cue_out')}, the file's is {_fmt(cue_out)}")
                if instant(row["ends_at"]) != want_end:
                    found.append(f"ends {row['ends_at']}, start + the file's cue window is {iso_z(want_end)}")
        if row.get("fade_in") is None or row.get("fade_out") is None:
            found.append(f"null fade (in {row.get('fade_in')}, out {row.get('fade_out')}): playout fails on it")
        inst = instances.get(row.get("instance"))
        if inst is None:
            found.append("no show instance")
        else:
            if not instant(inst["starts_at"]) <= start < instant(inst["ends_at"]):
                found.append(f"starts outside its instance {inst['id']} ({inst['starts_at']} to {inst['ends_at']})")
            elif instant(row["ends_at"]) < start:
                found.append("ends before it starts (clamped at its instance's end)")
            previous = last_position.get(inst["id"])
            if previous is not None and row["position"] <= previous[0]:
                found.append(f"position {row['position']} does not follow {previous[0]} of the row at {previous[1]}")
            last_position[inst["id"]] = (row["position"], row["starts_at"])
        table.append(
            [
                row["starts_at"],
                row["ends_at"],
                row.get("file"),
                row.get("cue_in"),
                row.get("cue_out"),
                row.get("fade_in"),
                row.get("fade_out"),
                row["position"],
                row.get("instance"),
                "✓" if not found else "✗",
            ]
        )
        problems += [f"{where}: {text}" for text in found]
    return table, problems


async def schedule_matches_log(target: Target, log_id: Any, rec: Recorder, *, hard_start: bool = False) -> None:
    """LibreTime holds exactly the log's entries at their UTC instants with their media, and each
    row as a correct client writes it (see the module's description); hard starts where readable."""
    log = await read_json(target.librelog, f"/logs/{log_id}")
    snap = await snapshot(target, log["date"], log["timezone"], rec)
    if hard_start and snap.hard_start is None:
        raise HarnessError("hard_start can only be compared where LibreTime has the integration read side")
    # Only the integration extension stores a hard start: compare it where LibreLog writes through it.
    flavor = (await read_json(target.librelog, "/sync/libretime/config")).get("flavor")
    readable = snap.hard_start is not None and (hard_start or flavor == "integration")
    await verify_day(target, expected_from_log(log), snap, f"log {log_id}", readable, rec)


async def verify_day(
    target: Target, expected: list[Expected], snap: Snapshot, what: str, readable: bool, rec: Recorder
) -> None:
    """The day's rows against the expected entries, then every row against its file and instance."""
    differences = compare(expected, actual_from_rows(snap.rows, snap.hard_start if readable else None))
    day = snap.date
    if differences:
        rec.table(
            f"{what[0].upper()}{what[1:]} against LibreTime's schedule of {day}: differences",
            ["kind", "UTC instant", "log media", "LibreTime media", "row id", "what"],
            [
                [
                    d.kind,
                    iso_z(d.at),
                    d.expected.media if d.expected else "",
                    d.actual.media if d.actual else "",
                    d.actual.row_id if d.actual else "",
                    d.text,
                ]
                for d in differences
            ],
        )
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(Counter(d.kind for d in differences).items()))
        raise ExpectationFailed(
            f"LibreTime's schedule for {day} differs from {what}: {counts}"
            f" (first: {'; '.join(d.text for d in differences[:3])}); expected {len(expected)}, LibreTime"
            f" {len(snap.rows)}"
        )
    await rows_valid(target, snap, rec, f"LibreTime holds {what}'s entries, but")


async def rows_valid(target: Target, snap: Snapshot, rec: Recorder, lead: str = "LibreTime's day has") -> None:
    """Every row of the day against its file and show instance, and against its neighbours."""
    files = await _rows_by_id(target, "files", {r["file"] for r in snap.rows if r.get("file") is not None})
    instances = await _rows_by_id(target, "show-instances", {r["instance"] for r in snap.rows if r.get("instance")})
    table, problems = row_problems(snap.rows, files, instances)
    rec.table(
        f"Every row of {snap.date} against its file and show instance",
        ["UTC start", "UTC end", "media", "cue in", "cue out", "fade in", "fade out", "position", "instance", "ok"],
        table,
    )
    if problems:
        raise ExpectationFailed(f"{lead} {len(problems)} row problem(s): " + "; ".join(problems[:4]))


def schedule_diff(
    before: Snapshot, after: Snapshot, changed_hours: list[int], must_change: bool, rec: Recorder
) -> None:
    old, new = before.by_hour(), after.by_hour()
    hours = sorted(set(old) | set(new))
    changed = [h for h in hours if old.get(h, []) != new.get(h, [])]
    rec.table(
        f"Hours changed since the snapshot of {before.date}",
        ["hour", "rows before", "rows after", "changed", "allowed"],
        [[h, len(old.get(h, [])), len(new.get(h, [])), h in changed, h in changed_hours] for h in hours],
    )
    unexpected = [h for h in changed if h not in changed_hours]
    problems = []
    if unexpected:
        details = "; ".join(
            f"hour {h}: " + "; ".join(subset_diff(old.get(h, []), new.get(h, []))[:2]) for h in unexpected[:3]
        )
        problems.append(f"hours {unexpected} changed but only {changed_hours} were allowed to ({details})")
    if must_change:
        still = [h for h in changed_hours if h not in changed]
        if still:
            problems.append(f"hours {still} were expected to change and did not")
    if problems:
        raise ExpectationFailed("; ".join(problems))
