"""The stub's state: LibreTime's tables in memory, plus the media storage directory.

Rows are sparse dicts keyed by v2 field names (unset fields are absent and read as their default);
that keeps 100,000 files at about 1.4 KB each. Keys starting with "_" are extension data that the
v2 API never renders (e.g. ``_hard_start`` on schedule rows).

Every mutation is synchronous: aiohttp runs handlers on one event loop, so a multi-row change
made without an ``await`` in between is atomic to every other request.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from bisect import insort
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from . import timeconv
from .resources import BY_TABLE, TABLES

Row = dict[str, Any]


class Table:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: dict[int, Row] = {}
        self.next_id = 1
        self._sorted: list[int] | None = []
        # Rows flagged hidden (files the library no longer shows): kept so a page of the library
        # costs nothing extra when, as usually, none is hidden.
        self.hidden: set[int] = set()

    def insert(self, row: Row, row_id: int | None = None) -> Row:
        if row_id is None:
            row_id = self.next_id
        if row_id in self.rows:
            raise KeyError(f"{self.name} id {row_id} already exists")
        row["id"] = row_id
        self.next_id = max(self.next_id, row_id + 1)
        if self._sorted is not None:
            if not self._sorted or row_id > self._sorted[-1]:
                self._sorted.append(row_id)
            else:
                insort(self._sorted, row_id)
        self.rows[row_id] = row
        self._track_hidden(row)
        return row

    def update(self, row: Row, changes: Row) -> None:
        row.update(changes)
        self._track_hidden(row)

    def _track_hidden(self, row: Row) -> None:
        if row.get("hidden"):
            self.hidden.add(row["id"])
        else:
            self.hidden.discard(row["id"])

    def get(self, row_id: int) -> Row | None:
        return self.rows.get(row_id)

    def delete(self, row_id: int) -> Row | None:
        row = self.rows.pop(row_id, None)
        self.hidden.discard(row_id)
        if row is not None:
            self._sorted = None  # rebuilt lazily: deletes are rare, pages are many
        return row

    def ids_sorted(self) -> list[int]:
        if self._sorted is None:
            self._sorted = sorted(self.rows)
        return self._sorted

    def __len__(self) -> int:
        return len(self.rows)

    def clear(self) -> None:
        self.rows.clear()
        self.next_id = 1
        self._sorted = []
        self.hidden.clear()


class Store:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {name: Table(name) for name in TABLES}
        # LibreTime's users (cc_subjs) are not served, only referenced: a file's owner and editor.
        self.user_ids: set[int] = set()
        # Media storage: relative filepath -> bytes (what nginx serves for X-Accel-Redirect).
        self.blobs: dict[str, bytes] = {}
        # When each stored file was written (nginx's Last-Modified and ETag); unknown reads as now.
        self.blob_times: dict[str, datetime] = {}
        # Rendered schedule rows (see render.render_schedule_list); a cache, never state.
        self.schedule_json: dict[int, tuple[Any, bytes]] = {}

    def __getitem__(self, table: str) -> Table:
        return self.tables[table]

    @property
    def files(self) -> Table:
        return self.tables["files"]

    @property
    def libraries(self) -> Table:
        return self.tables["libraries"]

    @property
    def shows(self) -> Table:
        return self.tables["shows"]

    @property
    def instances(self) -> Table:
        return self.tables["show_instances"]

    @property
    def schedule(self) -> Table:
        return self.tables["schedule"]

    @property
    def history(self) -> Table:
        return self.tables["playout_history"]

    def exists(self, table: str, row_id: int) -> bool:
        if table == "users":
            return row_id in self.user_ids
        found = self.tables.get(table)
        return found is not None and row_id in found.rows

    def reset(self) -> None:
        for table in self.tables.values():
            table.clear()
        self.blobs.clear()
        self.blob_times.clear()
        self.schedule_json.clear()

    def checkpoint(self) -> dict[str, Any]:
        """Marker for ``rollback``: valid while the changes since are inserts only (seeding)."""
        return {"next_ids": {n: t.next_id for n, t in self.tables.items()}, "blobs": set(self.blobs)}

    def rollback(self, marker: dict[str, Any]) -> None:
        for name, table in self.tables.items():
            floor = marker["next_ids"][name]
            for row_id in [i for i in table.rows if i >= floor]:
                table.delete(row_id)
            table.next_id = floor
        for path in set(self.blobs) - marker["blobs"]:
            del self.blobs[path]
            self.blob_times.pop(path, None)

    def adopt(self, other: Store) -> None:
        """Take over another store's contents (a seed built on a fresh store, then swapped in)."""
        self.tables, self.blobs, self.blob_times = other.tables, other.blobs, other.blob_times
        self.schedule_json = {}

    def counts(self) -> dict[str, int]:
        return {name: len(table) for name, table in self.tables.items()} | {"blobs": len(self.blobs)}

    # --- JSON persistence -------------------------------------------------------------------

    def dump(self, *, include_blobs: bool = True) -> dict[str, Any]:
        tables = {}
        for name, table in self.tables.items():
            tables[name] = {
                "next_id": table.next_id,
                "rows": [_jsonable_row(table.rows[i]) for i in table.ids_sorted()],
            }
        blobs: dict[str, Any]
        if include_blobs:
            blobs = {path: base64.b64encode(data).decode() for path, data in self.blobs.items()}
        else:
            blobs = {path: {"size": len(data)} for path, data in self.blobs.items()}
        return {"format": "librelog-verify/libretime-stub-state/1", "tables": tables, "blobs": blobs}

    def load(self, state: dict[str, Any]) -> None:
        """Replace the whole state with a dump (as written by ``dump``)."""
        fresh = Store()
        for name, content in state.get("tables", {}).items():
            if name not in fresh.tables:
                raise ValueError(f"unknown table {name!r} in state file")
            table = fresh.tables[name]
            resource = BY_TABLE[name]
            specs = resource.read_fields | resource.create_fields
            for raw in content.get("rows", []):
                row = {k: _python_value(specs.get(k), k, v) for k, v in raw.items() if k != "id"}
                table.insert(row, int(raw["id"]))
            table.next_id = max(table.next_id, int(content.get("next_id", 1)))
        for path, data in state.get("blobs", {}).items():
            fresh.blobs[path] = base64.b64decode(data)
        self.adopt(fresh)

    def save_file(self, path: Path) -> None:
        """Atomic write: a crash mid-save leaves the previous file intact."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(self.dump(), handle)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load_file(self, path: Path) -> None:
        with path.open() as handle:
            self.load(json.load(handle))


def _jsonable_row(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, datetime):
            out[key] = timeconv.format_datetime(value)
        elif isinstance(value, timedelta):
            out[key] = {"duration": timeconv.format_duration(value)}
        elif isinstance(value, time):
            out[key] = {"time": timeconv.format_time(value)}
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def _python_value(spec: Any, key: str, value: Any) -> Any:
    if isinstance(value, dict) and "duration" in value:
        return timeconv.parse_duration(value["duration"])
    if isinstance(value, dict) and "time" in value:
        return timeconv.parse_time(value["time"])
    if spec is not None and spec.kind == "datetime" and isinstance(value, str):
        return timeconv.parse_datetime(value)
    return value
