"""A day's log against the schedule rows LibreTime holds: the one comparison every check shares.

Scenarios (``libretime.schedule_matches_log``) and the nightly ``check`` command both ask the
same question, so both use this function: each log entry should be one row at its UTC instant
with its media, and nothing else should be there. Differences are classified so a reader knows
what went wrong, not just that something did: the right item at the wrong time, the wrong item at
the right time, a hard start that did not land on its second, or an entry with no row at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .common import instant, iso_z

MISSING, UNEXPECTED, WRONG_MEDIA, WRONG_TIME, HARD_START_MISSED = (
    "missing_entry",
    "unexpected_entry",
    "wrong_media",
    "wrong_time",
    "hard_start_missed",
)
MAX_SHIFT = timedelta(hours=1)


@dataclass(frozen=True)
class Expected:
    """One log entry where it should play."""

    at: datetime  # UTC
    media: int | None
    hard_start: bool
    title: str | None = None


@dataclass(frozen=True)
class Actual:
    """One schedule row as LibreTime holds it; ``hard_start`` is None where LibreTime cannot say."""

    at: datetime
    media: int | None
    row_id: int
    hard_start: bool | None = None


@dataclass(frozen=True)
class Difference:
    kind: str
    expected: Expected | None
    actual: Actual | None
    text: str

    @property
    def at(self) -> datetime:
        found = self.expected or self.actual
        assert found is not None  # every difference names one side at least
        return found.at


def expected_from_log(log: dict[str, Any]) -> list[Expected]:
    """A LibreLog log's entries as UTC instants (its wall clock on its date, in its zone)."""
    tz = ZoneInfo(log["timezone"])
    day = date.fromisoformat(log["date"])
    out = []
    for entry in log["entries"]:
        clock = time.fromisoformat(entry["start"]).replace(fold=entry.get("fold", 0))
        at = datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)
        out.append(Expected(at, entry.get("libretime_id"), bool(entry.get("hard_start")), entry.get("title")))
    return out


def actual_from_rows(rows: list[dict[str, Any]], hard_start: dict[int, bool] | None) -> list[Actual]:
    def hard(row_id: int) -> bool | None:
        return None if hard_start is None else hard_start.get(row_id, False)

    return [Actual(instant(r["starts_at"]), r.get("file"), r["id"], hard(r["id"])) for r in rows]


def _named(entry: Expected) -> str:
    """An entry as a failure names it: its file, or its title when it has no media id."""
    if entry.media is not None:
        return f"file {entry.media}"
    return f"{entry.title!r} (an entry with no media id)" if entry.title else "an entry with no media id"


def _take(pool: dict[Any, list[Actual]], key: Any) -> Actual | None:
    rows = pool.get(key)
    return rows.pop(0) if rows else None


def compare(expected: list[Expected], actual: list[Actual], max_shift: timedelta = MAX_SHIFT) -> list[Difference]:
    """Every difference between the log and the rows, classified, in time order.

    Pairs are made in three passes: same instant and media (a match), same instant (wrong media),
    same media nearest in time within ``max_shift`` (wrong time, or a missed hard start when the
    entry has one). A day repeats its jingles and IDs, so the same media hours away is another
    airing, not this one moved: what pairs with nothing is missing or unexpected. A matched row
    whose hard start LibreTime can read and does not have is a missed hard start too.
    """
    out: list[Difference] = []
    left = sorted(expected, key=lambda e: (e.at, e.media or 0))
    pool: dict[Any, list[Actual]] = defaultdict(list)
    for row in sorted(actual, key=lambda a: (a.at, a.row_id)):
        pool[(row.at, row.media)].append(row)
    unmatched: list[Expected] = []
    for entry in left:
        row = _take(pool, (entry.at, entry.media))
        if row is None:
            unmatched.append(entry)
        elif entry.hard_start and row.hard_start is False:
            text = f"row {row.row_id} plays at {iso_z(entry.at)} but not as a hard start"
            out.append(Difference(HARD_START_MISSED, entry, row, text))
    rest = sorted((r for rows in pool.values() for r in rows), key=lambda a: (a.at, a.row_id))
    by_time: dict[datetime, list[Actual]] = defaultdict(list)
    for row in rest:
        by_time[row.at].append(row)
    still: list[Expected] = []
    for entry in unmatched:
        row = _take(by_time, entry.at)
        if row is None:
            still.append(entry)
            continue
        rest.remove(row)
        out.append(
            Difference(
                WRONG_MEDIA,
                entry,
                row,
                f"at {iso_z(entry.at)} LibreTime plays file {row.media} (row {row.row_id}), the log has {entry.media}",
            )
        )
    for entry in still:
        same_media = [r for r in rest if r.media == entry.media and abs(r.at - entry.at) <= max_shift]
        if not same_media:
            out.append(Difference(MISSING, entry, None, f"no row at {iso_z(entry.at)} for {_named(entry)}"))
            continue
        row = min(same_media, key=lambda r: (abs((r.at - entry.at).total_seconds()), r.row_id))
        rest.remove(row)
        kind = HARD_START_MISSED if entry.hard_start else WRONG_TIME
        what = "hard start" if entry.hard_start else "entry"
        out.append(
            Difference(
                kind,
                entry,
                row,
                f"{what} for file {entry.media} due at {iso_z(entry.at)} is at {iso_z(row.at)} in LibreTime"
                f" (row {row.row_id}, {(row.at - entry.at).total_seconds():+g} s)",
            )
        )
    for row in rest:
        text = f"row {row.row_id} plays file {row.media} at {iso_z(row.at)}: not in the log"
        out.append(Difference(UNEXPECTED, None, row, text))
    return sorted(out, key=lambda d: (d.at, d.kind))
