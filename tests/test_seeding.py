"""Seeding a scenario's data: through the stub's control plane, or through LibreTime's own APIs
inside a sandbox (as on a real LibreTime: here against the stub served as a deployment, which
speaks the same v2 API and legacy upload), with the same names either way, every row in the ledger
at once, and everything removed or hidden afterwards."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.errors import HarnessError
from harness.live.ledger import Ledger
from harness.running.recorder import Recorder
from harness.seeding import seed
from harness.targets import LiveConfig, sandbox_target, stub_target
from stubs.libretime.fixtures import SMALL
from tests.conftest import served

SANDBOX = date(2099, 1, 1)
KEY = "seeding-key-3a9e"


async def test_the_stub_names_its_small_library_and_every_saved_row() -> None:
    async with stub_target({}, SANDBOX) as target:
        rec = Recorder(target.masker)
        names = await seed(target, {"fixture": "small"}, rec)
        assert list(names["media"]) == [f.key for f in SMALL]
        top = (await target.libretime.get(f"/api/v2/files/{names['media']['top_of_hour_id']}")).json()
        assert (top["track_title"], top["length"]) == ("Top of Hour ID", "00:00:06")
        more = await seed(
            target,
            {
                "shows": [{"save_as": "jazz", "name": "Jazz Tonight"}],
                "files": [
                    {"save_as": "voice", "track_title": "Real audio", "audio": {"format": "wav", "seconds": 1.5}}
                ],
            },
            rec,
        )
        voice = (await target.libretime.get(f"/api/v2/files/{more['voice']}")).json()
        download = await target.libretime.get(f"/api/v2/files/{more['voice']}/download")
        assert (voice["track_title"], voice["length"], voice["mime"]) == (
            "Real audio",
            "00:00:01.500000",
            "audio/x-wav",
        )
        assert hashlib.md5(download.content).hexdigest() == voice["md5"] and len(download.content) == 24044  # noqa: S324
        assert (await target.libretime.get(f"/api/v2/shows/{more['jazz']}")).json()["name"] == "Jazz Tonight"


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, str]]:
    with served(tmp_path / "seed.sqlite3", KEY) as env:
        yield env


def rows(env: dict[str, str], table: str) -> list[dict[str, Any]]:
    return httpx.get(f"{env['LIBRETIME_URL']}/api/v2/{table}", headers={"Authorization": f"Api-Key {KEY}"}).json()


async def test_a_sandboxed_libretime_is_seeded_through_its_own_api_and_left_as_it_was(
    tmp_path: Path, deployment: dict[str, str]
) -> None:
    config = LiveConfig.from_env(deployment, SANDBOX, allow_destructive=False)
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.start_run()
    types_before = {t["code"] for t in rows(deployment, "libraries")}
    files_before = {f["id"] for f in rows(deployment, "files")}
    async with sandbox_target("live", config, ledger, None, deployment) as target:
        rec = Recorder(target.masker)
        names = await seed(target, {"fixture": "small"}, rec)
        harbour = (await target.libretime.get(f"/api/v2/files/{names['media']['harbour_lights']}")).json()
        assert (harbour["track_title"], harbour["length"], harbour["hidden"]) == (
            "Harbour Lights",
            "00:03:34.500000",
            False,
        )
        assert harbour["name"].startswith("librelog-verify-") and harbour["md5"] != ""
        # Every track type the library needs exists now, and each one created is in the ledger.
        codes = {t["code"] for t in rows(deployment, "libraries")}
        assert {"MUS", "ADV", "BED"} <= codes
        listed = {e.kind for e in ledger.entries()}
        assert {"window", "file"} <= listed and ("library" in listed) == bool(codes - types_before)
        uploaded = await seed(
            target, {"files": [{"save_as": "v", "track_title": "Uploaded", "audio": {"seconds": 1}}]}, rec
        )
        row = (await target.libretime.get(f"/api/v2/files/{uploaded['v']}")).json()
        assert (row["import_status"], row["track_title"]) == (0, "Uploaded")
        made = await seed(target, {"libraries": [{"save_as": "zzz", "code": "ZZZ", "name": "A test type"}]}, rec)
        typed = await seed(target, {"files": [{"save_as": "t", "track_title": "Typed", "library": made["zzz"]}]}, rec)
        assert (await target.libretime.get(f"/api/v2/files/{typed['t']}")).json()["library"] == made["zzz"]
        with pytest.raises(HarnessError, match="is a stub's row id"):
            await seed(target, {"files": [{"id": 5, "track_title": "x"}]}, rec)
        with pytest.raises(HarnessError, match="never reset"):
            await seed(target, {"reset": True}, rec)
        with pytest.raises(HarnessError, match="must start inside the sandbox window"):
            await seed(target, {"playout_history": [{"starts": "2030-01-01T00:00:00Z"}]}, rec)
    # Afterwards: the files the seeds made are hidden (and recorded as the run's), the track types
    # made for them gone, the ledger empty.
    new = [f for f in rows(deployment, "files") if f["id"] not in files_before]
    assert len(new) == len(SMALL) + 2 and all(f["hidden"] is True for f in new)
    assert {f["id"] for f in new} == ledger.hidden_files(config.libretime_url)
    assert {t["code"] for t in rows(deployment, "libraries")} == types_before
    assert ledger.entries() == []
