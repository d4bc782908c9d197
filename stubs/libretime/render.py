"""Rows → upstream JSON, as LibreTime's DRF serializers render them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from . import timeconv
from .resources import SCHEDULE, Resource
from .store import Row, Store

_FORMATTERS: dict[str, Callable[[Any], Any]] = {
    "datetime": timeconv.format_datetime,
    "duration": timeconv.format_duration,
    "time": timeconv.format_time,
}


@cache
def _plan(resource: Resource) -> tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]:
    """(field, formatter, default) per rendered field, computed once per resource."""
    return tuple(
        (name, _FORMATTERS.get(spec.kind), resource.defaults.get(name)) for name, spec in resource.read_fields.items()
    )


def render(resource: Resource, row: Row, store: Store) -> dict[str, Any]:
    out: dict[str, Any] = {}
    get = row.get
    for name, fmt, default in _plan(resource):
        value = get(name, default)
        out[name] = fmt(value) if fmt is not None and value is not None else value
    if resource is SCHEDULE:
        _clamp_schedule(out, row, store)
    return out


def render_schedule_list(rows: Iterable[Row], store: Store) -> bytes:
    """A schedule list as JSON bytes, reusing each row's last rendering while its inputs are unchanged.

    A row's output depends only on its own values and its instance's end, so that pair is the
    cache key: any change to either re-renders the row, with nothing to invalidate by hand.
    """
    cache_ = store.schedule_json
    parts = []
    instances = store.instances.rows
    for row in rows:
        instance = instances.get(row.get("instance", -1))
        key = (tuple(row.values()), instance.get("ends_at") if instance else None)
        hit = cache_.get(row["id"])
        if hit is None or hit[0] != key:
            hit = (key, json.dumps(render(SCHEDULE, row, store), separators=(",", ":")).encode())
            cache_[row["id"]] = hit
        parts.append(hit[1])
    if len(cache_) > 2 * len(store.schedule) + 1000:  # drop renderings of deleted rows
        live = store.schedule.rows
        for row_id in [i for i in cache_ if i not in live]:
            del cache_[row_id]
    return b"[" + b",".join(parts) + b"]"


def _clamp_schedule(out: dict[str, Any], row: Row, store: Store) -> None:
    """Upstream ``get_ends_at``/``get_cue_out``: reads are cut at the show instance's end."""
    instance = store.instances.get(row.get("instance", -1))
    if instance is None:
        return
    inst_end = instance.get("ends_at")
    ends = row.get("ends_at")
    starts = row.get("starts_at")
    if inst_end is None or ends is None or starts is None:
        return
    if inst_end < ends:
        out["ends_at"] = timeconv.format_datetime(inst_end)
        if starts < inst_end:
            out["cue_out"] = timeconv.format_duration(inst_end - starts)
