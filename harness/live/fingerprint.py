"""Proof that a live run touched nothing outside its sandbox: the station before and after.

Every track type, show, show instance, schedule row, file and playout-history row outside the
sandbox window is hashed before the first scenario and again after the last; any difference
fails the run as "the station changed outside the sandbox", listing what changed. What playout
writes while it plays (``broadcasted``/``played`` flags, ``last_played_at``, new history rows
that already started) is the station's own doing and left out, and so is what the analyzer writes
to a file whose import it had not finished at the first reading (an upload still in progress).
The files the run created, its own and LibreLog's uploads alike, stay (upstream never deletes a
file row): each must be among those the run recorded as hidden, and be hidden; any other new file
is a change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ..errors import HarnessError

TEST_MARK = "librelog-verify"  # genre and name prefix of every file a run creates
TABLES = ("libraries", "shows", "show-instances", "schedule", "files", "playout-history")
STARTS = {"show-instances": "starts_at", "schedule": "starts_at", "playout-history": "starts"}
PLAYOUT_WRITES = {"schedule": {"broadcasted", "played"}, "files": {"last_played_at"}}
PENDING = 1  # a file's import_status while LibreTime's analyzer has it


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC) if text else None


def _digest(row: dict[str, Any], table: str) -> str:
    kept = {k: v for k, v in row.items() if k not in PLAYOUT_WRITES.get(table, set())}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()


Window = tuple[datetime, datetime]


@dataclass
class Fingerprint:
    windows: list[Window]  # the sandboxes: what lies inside any of them is the run's to write
    taken_at: datetime
    rows: dict[str, dict[int, str]] = field(default_factory=dict)  # table -> id -> digest
    full: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)  # for the report of a change

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.rows.items()}


def _outside(row: dict[str, Any], table: str, windows: list[Window]) -> bool:
    key = STARTS.get(table)
    start = _instant(row.get(key)) if key else None
    return start is None or not any(low <= start < high for low, high in windows)


def take(libretime: httpx.Client, windows: Window | list[Window]) -> Fingerprint:
    """Read every table once (a bare list each: LibreTime has no paging) and hash what lies outside
    the sandbox window(s)."""
    windows = [windows] if isinstance(windows, tuple) else list(windows)
    print_ = Fingerprint(windows=windows, taken_at=datetime.now(UTC))
    for table in TABLES:
        response = libretime.get(f"/api/v2/{table}", timeout=300)
        if response.status_code != 200:
            raise HarnessError(f"cannot read LibreTime's {table} for the safety check: {response.status_code}")
        rows = [r for r in response.json() if _outside(r, table, windows)]
        print_.rows[table] = {r["id"]: _digest(r, table) for r in rows}
        print_.full[table] = {r["id"]: r for r in rows}
    return print_


def _played_meanwhile(row: dict[str, Any], before: Fingerprint, now: datetime) -> bool:
    """A history row playout wrote during the run: it started between the two readings (with an
    hour's grace for an item already playing at the first)."""
    starts = _instant(row.get("starts"))
    return starts is not None and before.taken_at - timedelta(hours=1) <= starts <= now


def _marked_and_hidden(row: dict[str, Any]) -> bool:
    marked = row.get("genre") == TEST_MARK or str(row.get("name") or "").startswith(TEST_MARK)
    return marked and row.get("hidden") is True


def differences(before: Fingerprint, after: Fingerprint, created_files: set[int] | None = None) -> list[str]:
    """What changed outside the sandbox, in words; empty when the station is as it was.
    ``created_files``: the file rows the run created and recorded as hidden; without it (a probe
    or a test that marks what it makes), new files carrying the test mark and hidden are allowed."""
    if created_files is None:
        created_files = {i for i, row in after.full.get("files", {}).items() if _marked_and_hidden(row)}
    created = created_files
    found: list[str] = []
    for file_id in sorted(created & set(after.full.get("files", {}))):
        if after.full["files"][file_id].get("hidden") is not True:
            found.append(f"files {file_id} was created by the run and is still visible in the station's library")
    for table in TABLES:
        old, new = before.rows.get(table, {}), after.rows.get(table, {})
        for row_id in sorted(set(old) - set(new)):
            found.append(f"{table} {row_id} was removed")
        for row_id in sorted(set(new) - set(old)):
            row = after.full[table][row_id]
            if table == "files" and row_id in created:
                continue  # the run's own, hidden (checked above)
            if table == "playout-history" and _played_meanwhile(row, before, after.taken_at):
                continue
            found.append(f"{table} {row_id} was added: {json.dumps(row, default=str)[:200]}")
        for row_id in sorted(set(old) & set(new)):
            if old[row_id] != new[row_id]:
                a, b = before.full[table][row_id], after.full[table][row_id]
                if table == "files" and a.get("import_status") == PENDING:
                    continue  # LibreTime's analyzer finishing (or failing) an import it had: its own doing
                changed = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                detail = ", ".join(f"{k}: {a.get(k)!r} → {b.get(k)!r}" for k in changed[:4])
                found.append(f"{table} {row_id} changed ({detail})")
    return found
