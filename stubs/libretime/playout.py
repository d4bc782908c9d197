"""Simulated playout: what LibreTime's playout would log as played, derived from the schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import timeconv
from .store import Store


def simulate(store: Store, start: datetime, end: datetime) -> dict[str, Any]:
    """Every item starting in [start, end) that is inside its show becomes a history row (once)."""
    played_ids = {h.get("_schedule_id") for h in store.history.rows.values()}
    created: list[int] = []
    skipped: list[dict[str, Any]] = []
    rows = sorted(
        (r for r in store.schedule.rows.values() if start <= r["starts_at"] < end),
        key=lambda r: (r["starts_at"], r["id"]),
    )
    for row in rows:
        if row["id"] in played_ids:
            skipped.append({"schedule_id": row["id"], "reason": "already played"})
            continue
        instance = store.instances.get(row.get("instance", -1))
        if instance is not None and row["starts_at"] >= instance["ends_at"]:
            skipped.append({"schedule_id": row["id"], "reason": "overbooked (starts after its show ends)"})
            continue
        ends = row["ends_at"] if instance is None else min(row["ends_at"], instance["ends_at"])
        history = store.history.insert(
            {
                "starts": row["starts_at"],
                "ends": ends,
                "file": row.get("file"),
                "instance": row.get("instance"),
                "_schedule_id": row["id"],
            }
        )
        row["broadcasted"] = 1
        row["played"] = True
        file_row = store.files.get(row.get("file", -1))
        if file_row is not None:
            file_row["last_played_at"] = row["starts_at"]
        created.append(history["id"])
    return {"created": len(created), "history_ids": created, "skipped": skipped}


def history_full(store: Store, start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
    rows = sorted(
        (
            h
            for h in store.history.rows.values()
            if (start is None or h["starts"] >= start) and (end is None or h["starts"] <= end)
        ),
        key=lambda h: (h["starts"], h["id"]),
    )
    out = []
    for h in rows:
        file_row = store.files.get(h.get("file", -1)) if h.get("file") is not None else None
        out.append(
            {
                "id": h["id"],
                "starts": timeconv.format_datetime(h["starts"]),
                "ends": timeconv.format_datetime(h.get("ends")),
                "file": h.get("file"),
                "instance": h.get("instance"),
                "schedule_id": h.get("_schedule_id"),
                "track_title": file_row.get("track_title") if file_row else None,
                "artist_name": file_row.get("artist_name") if file_row else None,
            }
        )
    return out
