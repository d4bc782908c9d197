"""A station day published by LibreLog, and defects made in it through LibreTime's v2 API.

The schedule check's tests use this against the stub and against the real LibreTime: a full
local day (480 entries of 3 minutes, gap-free in LibreLog's whole-day show instance), one entry
on a file of its own (so a file defect touches one row), one hard start. Each defect is what a
person or a broken client could do to a station through the stock API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from harness.effects.common import duration, instant, iso_z
from harness.seeding.rows import test_file as file_body

ENTRIES = 480
STEP = timedelta(minutes=3)
OWN_FILE_AT = 100  # the entry on a file of its own (05:00 local)
HARD_AT = 200  # the hard start (10:00 local)
PLAIN_AT = 300  # an ordinary entry (15:00 local)


def _fmt(value: timedelta) -> str:
    total = value.total_seconds()
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{seconds:09.6f}"


async def _ok(response: httpx.Response, *codes: int) -> Any:
    assert response.status_code in (codes or (200,)), (
        f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:300]}"
    )
    return response.json() if response.content else None


@dataclass
class StationDay:
    lt: httpx.AsyncClient  # LibreTime, with the key
    ll: httpx.AsyncClient  # LibreLog
    day: date
    tz: str
    files: dict[str, int] = field(default_factory=dict)
    log_id: int | None = None
    count: int = ENTRIES  # entries of 3 minutes from midnight
    own_at: int = OWN_FILE_AT

    @property
    def window(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.tz)
        start = datetime.combine(self.day, time(0), tzinfo=zone).astimezone(UTC)
        return start, datetime.combine(self.day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)

    async def provision_files(self) -> None:
        for name in ("common", "own"):
            body = file_body({"length": "00:03:00", "title": f"station check {name}"})
            self.files[name] = (await _ok(await self.lt.post("/api/v2/files", json=body), 201))["id"]

    def entries(self) -> list[dict[str, Any]]:
        out = []
        for i in range(self.count):
            clock = (datetime.min + STEP * i).time()
            media = self.files["own" if i == self.own_at else "common"]
            out.append({"start": clock.isoformat(), "libretime_id": media, "hard_start": i == HARD_AT})
        return out

    async def publish(self, *, sync_tracks: bool = True, sync_history: bool = True) -> None:
        """Files, LibreLog's syncs, the day's log, and its publication."""
        if not self.files:
            await self.provision_files()
        if sync_tracks:
            await _ok(await self.ll.post("/sync/tracks"))
        if sync_history:
            span = {"start_date": str(self.day), "end_date": str(self.day)}
            await _ok(await self.ll.post("/sync/playback-history", json=span))
        body = {"date": str(self.day), "timezone": self.tz, "entries": self.entries()}
        self.log_id = (await _ok(await self.ll.post("/logs", json=body), 201))["id"]
        await _ok(await self.ll.post(f"/logs/{self.log_id}/publish"))

    # --- reading back --------------------------------------------------------------------------

    async def rows(self) -> list[dict[str, Any]]:
        start, end = self.window
        params = {"starts_after": iso_z(start), "starts_before": iso_z(end)}
        rows = await _ok(await self.lt.get("/api/v2/schedule", params=params))
        return sorted((r for r in rows if start <= instant(r["starts_at"]) < end), key=lambda r: r["starts_at"])

    async def row(self, index: int) -> dict[str, Any]:
        at = self.window[0] + STEP * index
        for row in await self.rows():
            if instant(row["starts_at"]) == at:
                return row
        raise AssertionError(f"no row at {iso_z(at)}")

    async def instance(self) -> dict[str, Any]:
        return await _ok(await self.lt.get(f"/api/v2/show-instances/{(await self.row(0))['instance']}"))

    # --- defects, through the stock v2 API -----------------------------------------------------

    async def replace_row(self, index: int, **changes: Any) -> None:
        """Rewrite a row: delete it and create it again with ``changes``. LibreTime updates rows
        through its read serializer, where ``ends_at`` and ``cue_out`` are read-only; only a
        create writes every field."""
        row = await self.row(index)
        body = {k: v for k, v in row.items() if k not in ("id", "played")} | changes
        await _ok(await self.lt.delete(f"/api/v2/schedule/{row['id']}"), 204)
        await _ok(await self.lt.post("/api/v2/schedule", json=body), 201)

    async def stretch(self, index: int, by: timedelta) -> None:
        """Make a row end ``by`` later (earlier when negative), its cue window with it."""
        row = await self.row(index)
        length = (duration(row["length"]) or STEP) + by
        await self.replace_row(
            index,
            ends_at=iso_z(instant(row["ends_at"]) + by),
            cue_out=_fmt((duration(row["cue_in"]) or timedelta(0)) + length),
            length=_fmt(length),
        )

    async def move(self, index: int, by: timedelta) -> None:
        """Start a row ``by`` later, its end kept (it plays a little less)."""
        row = await self.row(index)
        await self.replace_row(index, starts_at=iso_z(instant(row["starts_at"]) + by))

    async def delete_row(self, index: int) -> None:
        row = await self.row(index)
        await _ok(await self.lt.delete(f"/api/v2/schedule/{row['id']}"), 204)

    async def split(self, index: int) -> None:
        """Cut a row in two halves: the second half is a row the log does not have."""
        row = await self.row(index)
        half = STEP / 2
        start = instant(row["starts_at"])
        await self.replace_row(index, ends_at=iso_z(start + half), cue_out=_fmt(half), length=_fmt(half))
        extra = {
            "starts_at": iso_z(start + half),
            "ends_at": iso_z(start + STEP),
            "instance": row["instance"],
            "file": row["file"],
            "cue_in": _fmt(half),
            "cue_out": _fmt(STEP),
            "length": _fmt(half),
            "fade_in": "00:00:00",
            "fade_out": "00:00:00",
            "position": row["position"],
            "position_status": 1,
            "broadcasted": 0,
        }
        await _ok(await self.lt.post("/api/v2/schedule", json=extra), 201)

    async def end_instance_early(self, by: timedelta) -> None:
        inst = await self.instance()
        ends = iso_z(instant(inst["ends_at"]) - by)
        await _ok(await self.lt.patch(f"/api/v2/show-instances/{inst['id']}", json={"ends_at": ends}))

    async def patch_own_file(self, **fields: Any) -> None:
        await _ok(await self.lt.patch(f"/api/v2/files/{self.files['own']}", json=fields))

    async def edit_hour(self, hour: int) -> None:
        """Replace an hour of the log with the same entries: edited, unpublished, nothing moved."""
        entries = [e for e in self.entries() if int(e["start"][:2]) == hour]
        await _ok(await self.ll.put(f"/logs/{self.log_id}/hours/{hour}", json={"entries": entries}))

    async def cleanup(self) -> None:
        """Remove the day from LibreTime: its rows, instances and LibreLog's show; files hidden."""
        start, end = self.window
        for row in await self.rows():
            await _ok(await self.lt.delete(f"/api/v2/schedule/{row['id']}"), 204, 404)
        shows = set()
        for inst in await _ok(await self.lt.get("/api/v2/show-instances")):
            if start - STEP < instant(inst["starts_at"]) < end:
                shows.add(inst["show"])
                await _ok(await self.lt.delete(f"/api/v2/show-instances/{inst['id']}"), 204, 404)
        remaining = {i["show"] for i in await _ok(await self.lt.get("/api/v2/show-instances"))}
        for show in shows - remaining:
            await _ok(await self.lt.delete(f"/api/v2/shows/{show}"), 204, 404)
        for file_id in self.files.values():
            await _ok(await self.lt.patch(f"/api/v2/files/{file_id}", json={"hidden": True}), 200, 404)
        if self.log_id is not None:
            await _ok(await self.ll.delete(f"/logs/{self.log_id}"), 204, 404)
