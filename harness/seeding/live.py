"""Seeding a real LibreTime through its own APIs, inside the sandbox.

Track types, files, shows, instances, schedule and history rows go through the v2 API, one row
per request; a file with ``audio`` is a real upload through the legacy ``/rest/media`` (as a
station's own uploads are), analysed by LibreTime before the seed goes on. Every row is in the
ledger the moment it exists; the sandbox's cleaning removes it afterwards, and hides the files
(LibreTime never deletes a file row). Rows are created with test marks (names carry
``librelog-verify``) and md5s of their own, so nothing a scenario seeds is mistaken for a
station's file, or for another run's.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
import uuid
from datetime import datetime
from typing import Any

import httpx

from stubs.libretime.fixtures import FIXTURES, SMALL, SMALL_EXTRA_TYPES, TRACK_TYPES, generated_files

from .. import audio
from ..errors import HarnessError
from ..live.fingerprint import TEST_MARK
from ..running.expect import ExpectationFailed
from ..running.recorder import Recorder
from ..targets import Target
from .rows import TABLES, check_in_sandbox, completed, create, duration_text, iso_z

IMPORT_WAIT_S = 60.0  # the analyzer takes about two seconds for a short file on a small machine
CONCURRENCY = 4  # LibreTime's API runs a few workers: more in flight only queues


class TrackTypes:
    """LibreTime's track types by code, read once; a missing one is created (and recorded)."""

    def __init__(self, target: Target, rec: Recorder) -> None:
        self.target = target
        self.rec = rec
        self._by_code: dict[str, int] | None = None

    async def id_of(self, code: str, name: str) -> int:
        if self._by_code is None:
            response = await self.target.libretime.get("/api/v2/libraries")
            if response.status_code != 200:
                raise HarnessError(f"cannot read LibreTime's track types: {response.status_code} {response.text[:200]}")
            self._by_code = {t["code"]: t["id"] for t in response.json()}
        if code not in self._by_code:
            body = completed("libraries", {"code": code, "name": name, "description": f"{name} ({code})"})
            self._by_code[code] = (await create(self.target, "libraries", body, self.rec))["id"]
        return self._by_code[code]


async def _all(calls: list[Any]) -> list[Any]:
    """Run the creations a few at a time, in order of their results."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Any) -> Any:
        async with gate:
            return await call

    return await asyncio.gather(*(one(c) for c in calls))


async def _small(target: Target, types: TrackTypes, rec: Recorder) -> dict[str, int]:
    """The stub's SMALL library as v2 rows (no bytes): the same titles, lengths and track types."""
    names = dict(TRACK_TYPES + SMALL_EXTRA_TYPES)
    run = uuid.uuid4().hex[:8]
    bodies = []
    for spec in SMALL:
        length = duration_text(spec.seconds)
        bodies.append(
            completed(
                "files",
                {
                    "name": f"{TEST_MARK}-{run}-{spec.key}.wav",
                    "filepath": f"imported/{TEST_MARK}/{run}/{spec.key}.wav",
                    "md5": hashlib.md5(f"{TEST_MARK}:{run}:{spec.key}".encode()).hexdigest(),  # noqa: S324
                    "track_title": spec.title,
                    "artist_name": spec.artist,
                    "album_title": spec.album,
                    "genre": spec.genre,
                    "length": length,
                    "library": await types.id_of(spec.code, names[spec.code]) if spec.code else None,
                },
            )
        )
    rows = await _all([create(target, "files", body, rec) for body in bodies])
    return {spec.key: row["id"] for spec, row in zip(SMALL, rows, strict=True)}


async def _generated(target: Target, types: TrackTypes, count: int, seed: int, rec: Recorder) -> dict[str, Any]:
    names = dict(TRACK_TYPES)
    run = uuid.uuid4().hex[:8]
    bodies = []
    for row in generated_files(count, seed):
        code = row.pop("_type_code")
        row = {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}
        row["length"] = row["cue_out"] = duration_text(row["length"])
        row["cue_in"] = duration_text(row["cue_in"])
        row["name"] = f"{TEST_MARK}-{run}-{row['name']}"
        row["md5"] = hashlib.md5(f"{run}:{row['md5']}".encode()).hexdigest()  # noqa: S324 - unique per run
        row["library"] = await types.id_of(code, names[code])
        bodies.append(completed("files", row))
    rows = await _all([create(target, "files", body, rec) for body in bodies])
    ids = [r["id"] for r in rows]
    return {"files": count, "first_id": min(ids, default=None), "last_id": max(ids, default=None)}


async def wait_imported(libretime: httpx.AsyncClient, file_id: int, timeout_s: float = IMPORT_WAIT_S) -> dict[str, Any]:
    """The file row once LibreTime's analyzer is done with it (import_status no longer 1)."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = await libretime.get(f"/api/v2/files/{file_id}")
        if response.status_code != 200:
            raise HarnessError(f"cannot read LibreTime file {file_id}: {response.status_code} {response.text[:200]}")
        row = response.json()
        if row.get("import_status") != 1:
            return row
        if time.monotonic() > deadline:
            raise HarnessError(
                f"LibreTime file {file_id} is still being imported after {timeout_s:g} s (is its analyzer running?)"
            )
        await asyncio.sleep(0.25)


async def _upload(target: Target, row: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    """A real upload through ``/rest/media``, analysed by LibreTime, then given the row's metadata."""
    made = audio.generate(row["audio"])
    filename = f"{TEST_MARK}-{uuid.uuid4().hex[:12]}.{made.format}"
    basic = "Basic " + base64.b64encode(f"{target.libretime_key}:".encode()).decode()
    response = await target.libretime.post(
        "/rest/media", files={"file": (filename, made.data, made.mime)}, headers={"Authorization": basic}
    )
    if response.status_code != 201:
        raise ExpectationFailed(
            f"seeding: LibreTime refused the upload POST /rest/media ({response.status_code}): {response.text[:300]}"
        )
    file_id = response.json()["id"]
    if target.ledger is not None:
        target.ledger.add("file", file_id, target.libretime_url, target.librelog_url)
    imported = await wait_imported(target.libretime, file_id)
    if imported.get("import_status") != 0:
        raise HarnessError(f"LibreTime could not import the uploaded {made.format} (file {file_id}): {imported}")
    metadata = {k: v for k, v in row.items() if k not in ("audio", "save_as", "name")}
    if metadata:
        patched = await target.libretime.patch(f"/api/v2/files/{file_id}", json=metadata)
        if patched.status_code != 200:
            raise ExpectationFailed(
                f"seeding: LibreTime refused PATCH /api/v2/files/{file_id}"
                f" ({patched.status_code}): {patched.text[:300]}"
            )
        imported = patched.json()
    rec.json(f"uploaded and analysed file {file_id} ({made.seconds:g} s of {made.format})", imported)
    return imported


def _refuse_stub_only(spec: dict[str, Any]) -> None:
    if spec.get("reset"):
        raise HarnessError("seed reset: a real LibreTime is never reset (the run writes only inside its sandbox)")
    for table in TABLES:
        for index, row in enumerate(spec.get(table) or []):
            if "id" in row:
                raise HarnessError(
                    f"seed {table}[{index}]: id {row['id']} is a stub's row id; on a real LibreTime name the row"
                    " with save_as and refer to it as {{ name }} in a later step"
                )
    if spec.get("fixture") is not None and spec["fixture"] not in FIXTURES:
        raise HarnessError(f"unknown fixture {spec['fixture']!r}; known: {', '.join(sorted(FIXTURES))}")


async def seed(target: Target, spec: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    _refuse_stub_only(spec)
    saved: dict[str, Any] = {}
    types = TrackTypes(target, rec)
    fixture = spec.get("fixture")
    if fixture == "small":
        saved["media"] = await _small(target, types, rec)
    elif fixture == "library-1000":
        await _generated(target, types, 1000, 1000, rec)
    if spec.get("generate"):
        await _generated(target, types, spec["generate"]["files"], spec["generate"].get("seed", 1), rec)
    for table in TABLES:
        for row in spec.get(table) or []:
            if table == "libraries":
                made_id = await types.id_of(row["code"], row.get("name", row["code"]))
            elif table == "files" and "audio" in row:
                made_id = (await _upload(target, row, rec))["id"]
            else:
                body = completed(table, row)
                check_in_sandbox(target, table, body)
                made_id = (await create(target, table, body, rec))["id"]
            if row.get("save_as"):
                saved[row["save_as"]] = made_id
    return saved


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def playout(target: Target, start: datetime, end: datetime, rec: Recorder) -> dict[str, Any]:
    """What LibreTime's playout writes as it plays the window: every item starting in [start,
    end) inside its show becomes a history row (once), ending where its show cuts it."""
    check_in_sandbox(target, "playout_history", {"starts": iso_z(start)})
    check_in_sandbox(target, "playout_history", {"starts": iso_z(end)})
    params = {"starts_after": iso_z(start), "starts_before": iso_z(end)}
    response = await target.libretime.get("/api/v2/schedule", params=params)
    if response.status_code != 200:
        raise HarnessError(f"cannot read LibreTime's schedule: {response.status_code} {response.text[:200]}")
    rows = sorted(
        (r for r in response.json() if start <= _instant(r["starts_at"]) < end), key=lambda r: (r["starts_at"], r["id"])
    )
    instances: dict[int, dict[str, Any]] = {}
    created: list[int] = []
    skipped: list[dict[str, Any]] = []
    for row in rows:
        if row["id"] in target.played:
            skipped.append({"schedule_id": row["id"], "reason": "already played"})
            continue
        instance = row.get("instance")
        if instance is not None and instance not in instances:
            instances[instance] = (await target.libretime.get(f"/api/v2/show-instances/{instance}")).json()
        ends = _instant(row["ends_at"])
        show = instances.get(instance) if instance is not None else None
        if show is not None:
            if _instant(row["starts_at"]) >= _instant(show["ends_at"]):
                skipped.append({"schedule_id": row["id"], "reason": "overbooked (starts after its show ends)"})
                continue
            ends = min(ends, _instant(show["ends_at"]))
        body = {"starts": row["starts_at"], "ends": iso_z(ends), "file": row.get("file"), "instance": instance}
        created.append((await create(target, "playout_history", body, rec))["id"])
        target.played.add(row["id"])
    return {"created": len(created), "history_ids": created, "skipped": skipped}
