"""Everything a schedule check reads, and only reads, from a station's LibreTime and LibreLog.

Cost grows with days, not rows: one schedule read per day (plus the integration extension's hard
starts where it exists), one LibreLog read per day, and the file library and show instances
read once per run, whole (LibreTime's API has no id filter for either).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from ..checks.common import iso_z
from ..errors import HarnessError
from ..targets import LiveConfig
from .readonly import ReadOnlyTransport, read_only_client


class CannotCheck(HarnessError):
    """A service the check needs did not answer usably: the run could not check (exit 2)."""

    def __init__(self, message: str, *, libretime: bool) -> None:
        super().__init__(message)
        self.libretime = libretime  # True: LibreTime itself (reported as libretime_unreachable)


@dataclass
class Station:
    """The two GET-only clients of one station and what they have sent so far."""

    libretime: httpx.AsyncClient
    librelog: httpx.AsyncClient
    libretime_sent: ReadOnlyTransport
    librelog_sent: ReadOnlyTransport
    libretime_url: str
    librelog_url: str

    @property
    def requests(self) -> int:
        return sum(self.libretime_sent.sent.values()) + sum(self.librelog_sent.sent.values())

    async def _get(self, client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None) -> Any:
        is_libretime = client is self.libretime
        who = f"LibreTime at {self.libretime_url}" if is_libretime else f"LibreLog at {self.librelog_url}"
        try:
            response = await client.get(path, params=params)
        except httpx.TransportError as exc:
            text = f"{who} did not answer GET {path}: {exc or type(exc).__name__}"
            raise CannotCheck(text, libretime=is_libretime) from None
        if response.status_code != 200:
            raise CannotCheck(
                f"{who} answered GET {path} with {response.status_code}: {response.text[:200]}", libretime=is_libretime
            )
        try:
            return response.json()
        except ValueError:
            text = f"{who} answered GET {path} with no JSON: {response.text[:200]!r}"
            raise CannotCheck(text, libretime=is_libretime) from None

    # --- LibreTime ---------------------------------------------------------------------------

    async def schedule(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Rows that overlap [start, end): LibreTime's filters are inclusive, callers trim."""
        rows = await self._get(
            self.libretime, "/api/v2/schedule", {"ends_after": iso_z(start), "starts_before": iso_z(end)}
        )
        return _list(rows, "schedule", self.libretime_url)

    async def hard_starts(self, day: date, tz_name: str) -> dict[int, bool]:
        """Hard starts by row id, from the integration extension (ask ``has_integration`` first)."""
        body = await self._get(self.libretime, "/api/v2/integration/schedule", {"date": str(day), "timezone": tz_name})
        return {e["schedule_id"]: bool(e["hard_start"]) for e in body.get("entries", [])}

    async def files(self) -> dict[int, dict[str, Any]]:
        rows = _list(await self._get(self.libretime, "/api/v2/files"), "files", self.libretime_url)
        return {f["id"]: f for f in rows}

    async def instances(self) -> dict[int, dict[str, Any]]:
        rows = _list(await self._get(self.libretime, "/api/v2/show-instances"), "show-instances", self.libretime_url)
        return {i["id"]: i for i in rows}

    async def has_integration(self) -> bool:
        """Whether the integration extension answers (a stock LibreTime says 404)."""
        try:
            response = await self.libretime.get("/api/v2/integration/sync-status")
        except httpx.TransportError as exc:
            raise CannotCheck(f"LibreTime at {self.libretime_url} did not answer: {exc}", libretime=True) from None
        return response.status_code == 200

    # --- LibreLog ----------------------------------------------------------------------------

    async def librelog_config(self) -> dict[str, Any]:
        return await self._get(self.librelog, "/sync/libretime/config")

    async def sync_status(self) -> dict[str, Any]:
        return await self._get(self.librelog, "/sync/status")

    async def logs_on(self, day: date) -> list[dict[str, Any]]:
        body = await self._get(self.librelog, "/logs", {"date": str(day)})
        return list(body.get("items", [])) if isinstance(body, dict) else []


def _list(body: Any, what: str, url: str) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        text = f"LibreTime at {url} answered GET /api/v2/{what} with a {type(body).__name__}, not a list"
        raise CannotCheck(text, libretime=True)
    return body


@asynccontextmanager
async def open_station(config: LiveConfig, inner: httpx.AsyncBaseTransport | None = None) -> AsyncIterator[Station]:
    """GET-only clients for a deployment (``inner`` replaces the network, for tests)."""
    libretime, libretime_sent = read_only_client(config.libretime_url, config.libretime_headers, inner=inner)
    librelog, librelog_sent = read_only_client(config.librelog_url, config.librelog_headers, inner=inner)
    async with libretime, librelog:
        yield Station(libretime, librelog, libretime_sent, librelog_sent, config.libretime_url, config.librelog_url)
