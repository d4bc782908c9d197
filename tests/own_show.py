"""A show of a test's own in any LibreTime (the stub or the real one), made through the stock v2
API and removed through it: instances, rows, files and plays, each remembered for the cleanup
(rows, plays, instances and the show deleted; files hidden, as LibreTime never deletes one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from harness.seeding.rows import test_file as file_body

from .conftest import instance, schedule_row, show

STEP = timedelta(minutes=3)


def z(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _ok(response: httpx.Response, *codes: int) -> Any:
    assert response.status_code in (codes or (200, 201)), (
        f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:300]}"
    )
    return response.json() if response.content else None


@dataclass
class OwnShow:
    lt: httpx.AsyncClient
    name: str
    show_id: int | None = None
    instances: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    files: list[int] = field(default_factory=list)
    plays: list[int] = field(default_factory=list)

    async def file(self, **fields: Any) -> int:
        body = {**file_body({"length": "00:03:00", "title": f"{self.name} file"}), **fields}
        created = await _ok(await self.lt.post("/api/v2/files", json=body), 201)
        self.files.append(created["id"])
        return created["id"]

    async def instance(self, start: datetime, end: datetime) -> int:
        if self.show_id is None:
            self.show_id = (await _ok(await self.lt.post("/api/v2/shows", json=show(name=self.name)), 201))["id"]
        created = await _ok(await self.lt.post("/api/v2/show-instances", json=instance(self.show_id, z(start), z(end))))
        self.instances.append(created["id"])
        return created["id"]

    async def row(self, inst: int, file_id: int, start: datetime, position: int, **extra: Any) -> int:
        body = schedule_row(inst, file_id, z(start), z(start + STEP), position=position, length="00:03:00", **extra)
        created = await _ok(await self.lt.post("/api/v2/schedule", json=body), 201)
        self.rows.append(created["id"])
        return created["id"]

    async def play(self, start: datetime, end: datetime, file_id: int) -> int:
        body = {"starts": z(start), "ends": z(end), "file": file_id, "instance": None}
        created = await _ok(await self.lt.post("/api/v2/playout-history", json=body), 201)
        self.plays.append(created["id"])
        return created["id"]

    async def cleanup(self) -> None:
        for row in self.rows:
            await _ok(await self.lt.delete(f"/api/v2/schedule/{row}"), 204, 404)
        for play in self.plays:
            await _ok(await self.lt.delete(f"/api/v2/playout-history/{play}"), 204, 404)
        for inst in self.instances:
            await _ok(await self.lt.delete(f"/api/v2/show-instances/{inst}"), 204, 404)
        if self.show_id is not None:
            await _ok(await self.lt.delete(f"/api/v2/shows/{self.show_id}"), 204, 404)
        for file_id in self.files:
            await _ok(await self.lt.patch(f"/api/v2/files/{file_id}", json={"hidden": True}), 200, 404)
