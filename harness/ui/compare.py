"""What LibreTime's UI shows against what LibreLog holds, difference by difference.

Times are compared as the UI prints them (``HH:MM:SS`` in the zone it displays), titles and
creators as text, lengths as seconds within the tenth of a second the UI rounds to.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from .schedule_view import UIItem

LENGTH_TOLERANCE_S = 0.11  # the UI prints lengths to a tenth of a second
UI_LENGTH = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d+)?)$")


def ui_seconds(text: str) -> float | None:
    """LibreTime's length form (``7.0``, ``3:00.0``, ``1:00:00.0``) in seconds."""
    match = UI_LENGTH.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


@dataclass(frozen=True)
class Entry:
    """One log entry as the UI should show it."""

    day: date
    starts: str  # HH:MM:SS, station time
    title: str | None
    creator: str | None
    length_s: float | None
    media: int | None
    source: str  # where the title came from: LibreLog's log, its track library, or LibreTime's API

    @property
    def hour(self) -> int:
        return int(self.starts[:2])

    def name(self) -> str:
        what = f"{self.title!r}" if self.title else "an untitled entry"
        return f"{self.starts} {what}" + (f" (file {self.media})" if self.media is not None else "")


def _item_name(item: UIItem) -> str:
    return f"{item.starts} {item.title!r}"


def compare_day(expected: list[Entry], shown: list[UIItem]) -> list[str]:
    """Every way the day the UI shows differs from the log: an entry missing at its time, an item
    the log does not have, or a title, creator or length that is not the log's."""
    pool: dict[tuple[date, str], list[UIItem]] = defaultdict(list)
    for item in shown:
        pool[(item.day, item.starts)].append(item)
    out: list[str] = []
    for entry in sorted(expected, key=lambda e: (e.day, e.starts)):
        candidates = pool.get((entry.day, entry.starts)) or []
        if not candidates:
            out.append(f"{entry.name()} is not in LibreTime's UI at {entry.starts}")
            continue
        # The same start twice (a stacked pair): take the one whose title agrees, if any.
        item = next((c for c in candidates if c.title == entry.title), candidates[0])
        candidates.remove(item)
        if entry.title is not None and item.title != entry.title:
            out.append(f"at {entry.starts} the UI shows the title {item.title!r}, {entry.source} has {entry.title!r}")
        if entry.creator is not None and item.creator != entry.creator:
            out.append(
                f"at {entry.starts} the UI shows the creator {item.creator!r} for {entry.name()},"
                f" {entry.source} has {entry.creator!r}"
            )
        seconds = ui_seconds(item.length)
        if entry.length_s is not None and (seconds is None or abs(seconds - entry.length_s) > LENGTH_TOLERANCE_S):
            out.append(
                f"at {entry.starts} the UI shows the length {item.length!r} for {entry.name()},"
                f" {entry.length_s:.1f} s expected"
            )
    extra = sorted((i for items in pool.values() for i in items), key=lambda i: (i.day, i.starts))
    out += [f"the UI shows {_item_name(i)} on {i.day} that the log does not have" for i in extra]
    return out


def compare_outside(before: list[UIItem], after: list[UIItem], hours: set[int]) -> tuple[list[str], bool]:
    """Differences outside ``hours`` between two readings of the same day, and whether anything
    inside them changed."""

    def key(item: UIItem) -> tuple[str, ...]:
        return (item.day.isoformat(), item.starts, item.ends, item.length, item.title, item.creator, item.album)

    def inside(item: UIItem) -> bool:
        return int(item.starts[:2]) in hours

    old = Counter(key(i) for i in before if not inside(i))
    new = Counter(key(i) for i in after if not inside(i))
    out = [f"the UI no longer shows {k[1]} {k[4]!r} (hour {k[1][:2]})" for k in sorted((old - new).elements())]
    out += [f"the UI now shows {k[1]} {k[4]!r} (hour {k[1][:2]})" for k in sorted((new - old).elements())]
    changed = Counter(key(i) for i in before if inside(i)) != Counter(key(i) for i in after if inside(i))
    return out, changed
