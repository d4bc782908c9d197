"""The station's fingerprint: what counts as a change outside the sandbox. The files a run created
(its own and LibreLog's uploads) must be exactly the new files, each hidden; track types count."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from harness.live.fingerprint import Fingerprint, _digest, differences

WINDOW = (datetime(2099, 1, 1, tzinfo=UTC), datetime(2099, 1, 4, tzinfo=UTC))


def printed(**tables: list[dict[str, Any]]) -> Fingerprint:
    fingerprint = Fingerprint(windows=[WINDOW], taken_at=datetime(2026, 1, 1, tzinfo=UTC))
    for table in ("libraries", "shows", "show-instances", "schedule", "files", "playout-history"):
        rows = tables.get(table.replace("-", "_"), [])
        fingerprint.rows[table] = {r["id"]: _digest(r, table) for r in rows}
        fingerprint.full[table] = {r["id"]: r for r in rows}
    return fingerprint


STATION = [{"id": 1, "name": "song.mp3", "hidden": False}]


def test_the_runs_own_hidden_files_are_no_change_and_nothing_else_new_is_allowed() -> None:
    before = printed(files=STATION)
    ours = {"id": 7, "name": "voice.wav", "genre": "Voice", "hidden": True}  # LibreLog's upload: no test mark
    assert differences(before, printed(files=[*STATION, ours]), created_files={7}) == []
    assert differences(before, printed(files=[*STATION, ours]), created_files=set()) == [
        'files 7 was added: {"id": 7, "name": "voice.wav", "genre": "Voice", "hidden": true}'
    ]
    visible = {**ours, "hidden": False}
    assert differences(before, printed(files=[*STATION, visible]), created_files={7}) == [
        "files 7 was created by the run and is still visible in the station's library"
    ]


def test_without_a_record_a_marked_and_hidden_test_file_is_allowed() -> None:
    marked = {"id": 8, "name": "librelog-verify-abc.wav", "genre": "librelog-verify", "hidden": True}
    assert differences(printed(files=STATION), printed(files=[*STATION, marked])) == []


def test_a_track_type_left_behind_is_a_change() -> None:
    vot = {"id": 3, "code": "VOT", "name": "Voice Track"}
    assert differences(printed(), printed(libraries=[vot]), created_files=set()) == [
        'libraries 3 was added: {"id": 3, "code": "VOT", "name": "Voice Track"}'
    ]


def test_the_analyzer_finishing_an_import_it_had_is_no_change_but_a_finished_file_changing_is() -> None:
    pending = {"id": 5, "name": "upload.mp3", "hidden": True, "import_status": 1}
    failed = {**pending, "import_status": 2}
    done = {**pending, "import_status": 0, "hidden": False, "length": "00:03:00"}
    assert differences(printed(files=[pending]), printed(files=[failed]), created_files=set()) == []
    assert differences(printed(files=[pending]), printed(files=[done]), created_files=set()) == []
    assert differences(printed(files=[done]), printed(files=[{**done, "hidden": True}]), created_files=set()) == [
        "files 5 changed (hidden: False → True)"
    ]
