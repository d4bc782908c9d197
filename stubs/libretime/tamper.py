"""Tamper mode: LibreTime answers as if it stored what it received, but stores something else.

For proving the harness checks effects, not statuses: with tamper on, every status and count
LibreLog sees is right, and only a look at the schedule shows the entry that was dropped, the
start that was shifted, or the media that was swapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from .errors import ControlError
from .store import Row, Store

Mode = Literal["drop", "shift", "corrupt"]
MODES: tuple[Mode, ...] = ("drop", "shift", "corrupt")


@dataclass
class Tamper:
    mode: Mode
    seconds: int = 3600
    times: int | None = None
    hits: int = 0

    def describe(self) -> dict[str, Any]:
        return {"mode": self.mode, "seconds": self.seconds, "times": self.times, "hits": self.hits}


class TamperSwitch:
    def __init__(self) -> None:
        self.active: Tamper | None = None

    def set(self, raw: Any) -> Tamper:
        errors: dict[str, list[str]] = {}
        if not isinstance(raw, dict):
            raise ControlError(400, "the body must be a JSON object", {"body": ["Expected an object."]})
        mode = raw.get("mode")
        if mode not in MODES:
            errors["mode"] = [f"One of {', '.join(MODES)}."]
        seconds = raw.get("seconds", 3600)
        if type(seconds) is not int or seconds == 0:
            errors["seconds"] = ["A non-zero integer (how far shift moves starts)."]
        times = raw.get("times")
        if times is not None and (type(times) is not int or times < 1):
            errors["times"] = ["A positive integer."]
        if errors:
            raise ControlError(400, "invalid tamper rule", errors)
        self.active = Tamper(mode=mode, seconds=seconds, times=times)
        return self.active

    def take(self) -> Tamper | None:
        """The tamper to apply to this write, if any (counting it against ``times``)."""
        tamper = self.active
        if tamper is None:
            return None
        tamper.hits += 1
        if tamper.times is not None and tamper.hits >= tamper.times:
            self.active = None
        return tamper

    def clear(self) -> None:
        self.active = None


def other_file(store: Store, file_id: int) -> int:
    """Some other file's id (the 'wrong media' a corrupting LibreTime would play)."""
    ids = store.files.ids_sorted()
    if len(ids) < 2:
        return file_id
    index = ids.index(file_id) if file_id in ids else -1
    return ids[(index + 1) % len(ids)]


def tamper_row(tamper: Tamper, row: Row, store: Store) -> Row | None:
    """A schedule row as a tampering LibreTime stores it; None means dropped."""
    if tamper.mode == "drop":
        return None
    if tamper.mode == "shift":
        delta = timedelta(seconds=tamper.seconds)
        return row | {"starts_at": row["starts_at"] + delta, "ends_at": row["ends_at"] + delta}
    if row.get("file") is None:
        return row
    return row | {"file": other_file(store, row["file"])}
