"""The record of what a live run created, written as it happens, so nothing is ever orphaned.

One JSON line per thing created (LibreTime file, history row, show, instance, LibreLog log or
voice track) and one per sandbox window the run claimed. Cleaning up removes lines; a run that
ends normally leaves an empty ledger and deletes it. A run stopped halfway (Ctrl-C, a crash, a
kill) leaves the file behind: ``librelog-verify cleanup`` removes exactly what it lists, and a
new run refuses to start until that is done.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# "upload": the md5 of audio handed to LibreLog, whose own upload may have put it into LibreTime;
# "library": a track type.
KINDS = ("window", "file", "upload", "library", "history", "show", "instance", "schedule", "log", "voice")


@dataclass(frozen=True)
class Entry:
    kind: str  # one of KINDS
    id: Any  # the row id, or for a window its [start, end] in UTC
    libretime_url: str
    librelog_url: str
    created_at: str = ""


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        # What the run has created and hidden so far: the files the station keeps (hidden) after the
        # run, which the safety check expects to find hidden, and nothing else new.
        self.record_path = path.with_name(path.stem + "-hidden-files.jsonl")

    def start_run(self) -> None:
        self.record_path.unlink(missing_ok=True)

    def note_hidden(self, libretime_url: str, file_ids: list[int]) -> None:
        if not file_ids:
            return
        self.record_path.parent.mkdir(parents=True, exist_ok=True)
        with self.record_path.open("a", encoding="utf-8") as handle:
            for file_id in file_ids:
                handle.write(json.dumps({"libretime_url": libretime_url, "file": file_id}) + "\n")

    def hidden_files(self, libretime_url: str) -> set[int]:
        if not self.record_path.exists():
            return set()
        lines = [json.loads(line) for line in self.record_path.read_text(encoding="utf-8").splitlines() if line]
        return {line["file"] for line in lines if line["libretime_url"] == libretime_url}

    def entries(self) -> list[Entry]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [Entry(**json.loads(line)) for line in lines if line.strip()]

    def add(self, kind: str, id_: Any, libretime_url: str, librelog_url: str) -> Entry:
        entry = Entry(kind, id_, libretime_url, librelog_url, datetime.now(UTC).isoformat())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(entry)) + "\n")
            handle.flush()
            os.fsync(handle.fileno())  # a kill right after the create must not lose the line
        return entry

    def remove(self, done: list[Entry]) -> None:
        """Forget what has been cleaned up (the file goes once it is empty)."""
        keys = {(e.kind, json.dumps(e.id)) for e in done}
        left = [e for e in self.entries() if (e.kind, json.dumps(e.id)) not in keys]
        if left:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text("".join(json.dumps(asdict(e)) + "\n" for e in left), encoding="utf-8")
            tmp.replace(self.path)
        else:
            self.path.unlink(missing_ok=True)
