"""Seeding: the data a scenario needs, created in LibreTime for it.

On the LibreTime stub, through its control plane (``stub.py``): fast, ids as the stub numbers
them. On a real LibreTime, through LibreTime's own APIs inside the sandbox (``live.py``): v2
rows for track types, files, shows, instances, schedule and history, ``/rest/media`` for real
audio, every row recorded in the ledger the moment it exists and removed (files hidden)
afterwards. Both take the same description (``rows.py`` fills in what a row leaves out) and give
the scenario the same names: ``save_as`` on a row names its id, and a fixture library names its
files as ``media.<key>`` (``{{ media.top_of_hour_id }}``), so no scenario depends on the ids
one LibreTime happens to give.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..running.recorder import Recorder
from ..targets import Target
from . import live, stub


async def seed(target: Target, spec: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    """Create what ``spec`` describes; returns the names it gives (``save_as`` ids, ``media``)."""
    if target.has_control_plane:
        return await stub.seed(target, spec, rec)
    return await live.seed(target, spec, rec)


async def playout(target: Target, start: datetime, end: datetime, rec: Recorder) -> dict[str, Any]:
    """What playout writes when the window's schedule plays: one history row per item (once)."""
    if target.has_control_plane:
        return await stub.playout(target, start, end, rec)
    return await live.playout(target, start, end, rec)


def merge_names(saved: dict[str, Any], names: dict[str, Any]) -> None:
    """A seed's names into the scenario's saved values (``media`` accumulates over seeds)."""
    for key, value in names.items():
        if key == "media" and isinstance(saved.get("media"), dict):
            saved["media"] = {**saved["media"], **value}
        else:
            saved[key] = value


__all__ = ["merge_names", "playout", "seed"]
