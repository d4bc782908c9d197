"""The integration extension's schedule: replace a station-local day or hour atomically, read it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import timeconv
from .errors import IntegrationError
from .library import now
from .store import Row, Store
from .tamper import Tamper, tamper_row

SHOW_NAME = "LibreLog"


@dataclass(frozen=True)
class Entry:
    start: datetime
    file: Row
    length: timedelta
    hard_start: bool


@dataclass(frozen=True)
class Request:
    day: date
    zone_name: str
    zone: ZoneInfo
    entries: list[Entry]
    hour: int | None = None


def _fail(errors: dict[str, list[str]]) -> IntegrationError:
    first_field, first_messages = next(iter(errors.items()))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return IntegrationError(400, f"{first_field}: {first_messages[0]}{more}", errors)


def file_cue_length(row: Row) -> timedelta | None:
    cue_in: timedelta = row.get("cue_in") or timedelta(0)
    cue_out: timedelta | None = row.get("cue_out")
    if cue_out is not None:
        return cue_out - cue_in
    return row.get("length")


def parse_request(store: Store, body: Any, *, with_hour: bool) -> Request:
    """Validate a replace-day/replace-hour body; every problem is reported, nothing is written."""
    if not isinstance(body, dict):
        raise IntegrationError(400, "the body must be a JSON object", {"body": ["Expected a JSON object."]})
    errors: dict[str, list[str]] = {}
    day = None
    raw_date = body.get("date")
    if raw_date is None:
        errors["date"] = ["This field is required."]
    elif not isinstance(raw_date, str) or (day := timeconv.parse_date(raw_date)) is None:
        errors["date"] = ["Date has wrong format. Use YYYY-MM-DD."]
    zone_name = body.get("timezone", "UTC")
    zone = timeconv.load_zone(zone_name) if isinstance(zone_name, str) else None
    if zone is None:
        errors["timezone"] = [f"Unknown time zone {zone_name!r}."]
    hour = None
    if with_hour:
        raw_hour = body.get("hour")
        if raw_hour is None:
            errors["hour"] = ["This field is required."]
        elif isinstance(raw_hour, bool) or not isinstance(raw_hour, int) or not 0 <= raw_hour <= 23:
            errors["hour"] = ["Must be an integer from 0 to 23."]
        else:
            hour = raw_hour
    raw_entries = body.get("entries")
    if raw_entries is None:
        errors["entries"] = ["This field is required."]
        raw_entries = []
    elif not isinstance(raw_entries, list):
        errors["entries"] = ["Expected a list of entries."]
        raw_entries = []
    window = None
    if day is not None and zone is not None and (not with_hour or hour is not None):
        window = timeconv.local_day_window(day, zone) if hour is None else timeconv.local_hour_window(day, hour, zone)
        if window[0] == window[1]:
            errors["hour"] = [f"Hour {hour} does not exist on {day} in {zone_name} (clocks skip it)."]
    entries: list[Entry] = []
    for index, raw in enumerate(raw_entries):
        entry = _parse_entry(store, raw, f"entries[{index}]", window, errors)
        if entry is not None:
            entries.append(entry)
    if errors:
        raise _fail(errors)
    assert day is not None and zone is not None and isinstance(zone_name, str)
    return Request(day=day, zone_name=zone_name, zone=zone, entries=entries, hour=hour)


def _parse_entry(
    store: Store,
    raw: Any,
    where: str,
    window: tuple[datetime, datetime] | None,
    errors: dict[str, list[str]],
) -> Entry | None:
    if not isinstance(raw, dict):
        errors[where] = ["Expected an object."]
        return None
    start = None
    raw_start = raw.get("start")
    if raw_start is None:
        errors[f"{where}.start"] = ["This field is required."]
    elif not isinstance(raw_start, str) or (start := timeconv.parse_aware_datetime(raw_start)) is None:
        errors[f"{where}.start"] = ["Expected an ISO 8601 datetime with Z or a UTC offset."]
    elif window is not None and not window[0] <= start < window[1]:
        errors[f"{where}.start"] = [
            f"{raw_start} is outside the window "
            f"{timeconv.format_datetime(window[0])} – {timeconv.format_datetime(window[1])}."
        ]
    file_row = None
    media_id = raw.get("media_id")
    if media_id is None:
        errors[f"{where}.media_id"] = ["This field is required."]
    elif isinstance(media_id, bool) or not isinstance(media_id, int):
        errors[f"{where}.media_id"] = ["A valid integer is required."]
    elif (file_row := store.files.get(media_id)) is None:
        errors[f"{where}.media_id"] = [f"Unknown media id {media_id}."]
    length = file_cue_length(file_row) if file_row is not None else None
    if file_row is not None and length is None:
        errors[f"{where}.media_id"] = [f"Media {media_id} has no known length (import not finished)."]
    kind = raw.get("type", "track")
    if kind != "track":
        errors[f"{where}.type"] = [f'Unsupported type {kind!r}; only "track" is scheduled.']
    hard_start = raw.get("hard_start", False)
    if not isinstance(hard_start, bool):
        errors[f"{where}.hard_start"] = ["Must be a valid boolean."]
    if start is None or file_row is None or length is None or f"{where}.type" in errors:
        return None
    return Entry(start=start, file=file_row, length=length, hard_start=bool(hard_start))


def _day_instance(store: Store, day_start: datetime, day_end: datetime) -> Row:
    """The LibreLog show's instance covering the local day (both created on first use)."""
    show = next((s for s in store.shows.rows.values() if s.get("name") == SHOW_NAME), None)
    if show is None:
        show = store.shows.insert(
            {
                "name": SHOW_NAME,
                "description": "Daily logs published by LibreLog",
                "linked": False,
                "linkable": False,
                "auto_playlist_enabled": False,
                "auto_playlist_repeat": False,
                "override_intro_playlist": False,
                "override_outro_playlist": False,
            }
        )
    for inst in store.instances.rows.values():
        if inst.get("show") == show["id"] and inst["starts_at"] <= day_start and inst["ends_at"] >= day_end:
            return inst
    return store.instances.insert(
        {
            "created_at": now(),
            "starts_at": day_start,
            "ends_at": day_end,
            "show": show["id"],
            "modified": False,
            "auto_playlist_built": False,
        }
    )


def replace(store: Store, req: Request, tamper: Tamper | None = None) -> dict[str, Any]:
    """Delete every row starting in the window, create the new ones. No await: atomic.

    With ``tamper`` the answer is the same but what is stored is not (see tamper.py).
    """
    day_start, day_end = timeconv.local_day_window(req.day, req.zone)
    if req.hour is None:
        start, end = day_start, day_end
    else:
        start, end = timeconv.local_hour_window(req.day, req.hour, req.zone)
    instance = _day_instance(store, day_start, day_end)
    doomed = [rid for rid, row in store.schedule.rows.items() if start <= row["starts_at"] < end]
    for rid in doomed:
        store.schedule.delete(rid)
    # New rows take positions after the rows that stay before them; rows outside the window are
    # left exactly as they were (an hour replacement must not touch any other hour's rows).
    kept_before = sum(
        1 for r in store.schedule.rows.values() if r.get("instance") == instance["id"] and r["starts_at"] < start
    )
    created: list[Row] = []
    ordered = sorted(req.entries, key=lambda e: e.start)
    for index, entry in enumerate(ordered):
        file_row = entry.file
        row: Row | None = {
            "starts_at": entry.start,
            "ends_at": entry.start + entry.length,
            "instance": instance["id"],
            "file": file_row["id"],
            "length": entry.length,
            "fade_in": time(0),
            "fade_out": time(0),
            "cue_in": file_row.get("cue_in") or timedelta(0),
            "cue_out": (file_row.get("cue_in") or timedelta(0)) + entry.length,
            "position": kept_before + index,
            "position_status": 1,
            "broadcasted": 0,
            "played": False,
            "_hard_start": entry.hard_start,
            "_type": "track",
        }
        # A tampering LibreTime drops the last entry, or shifts / swaps every one.
        if tamper is not None and (tamper.mode != "drop" or index == len(ordered) - 1):
            row = tamper_row(tamper, row, store)
        if row is not None:
            created.append(store.schedule.insert(row))
    result: dict[str, Any] = {
        "success": True,
        "date": req.day.isoformat(),
        "timezone": req.zone_name,
        "deleted": len(doomed),
        "created": len(ordered),
        "instance_id": instance["id"],
        "schedule_ids": [row["id"] for row in created],
    }
    if req.hour is not None:
        result["hour"] = req.hour
    return result


def read_day(store: Store, day: date, zone: ZoneInfo) -> list[dict[str, Any]]:
    start, end = timeconv.local_day_window(day, zone)
    rows = sorted(
        (r for r in store.schedule.rows.values() if start <= r["starts_at"] < end),
        key=lambda r: (r["starts_at"], r["id"]),
    )
    return [
        {
            "schedule_id": r["id"],
            "start": timeconv.format_datetime(r["starts_at"]),
            "end": timeconv.format_datetime(r["ends_at"]),
            "media_id": r.get("file"),
            "type": r.get("_type", "track" if r.get("file") is not None else "webstream"),
            "hard_start": r.get("_hard_start", False),
        }
        for r in rows
    ]
