"""Everything a schedule check reads, and only reads, from a station's LibreTime and LibreLog.

Cost grows with days, not rows: one schedule read per day (plus the integration extension's hard
starts where it exists), one LibreLog read per day, and the file library and show instances
read once per run, whole (LibreTime's API has no id filter for either). Playout history is read
once per run: the recent window where the integration extension answers, else whole (the stock
API has no filter on it). LibreLog is optional: without it, only LibreTime is read.

Every answer is checked for the shape the check relies on before it is used: a station that
answers garbage is named as such (``libretime_bad_answer``), never a traceback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from ..effects.common import instant, iso_z
from ..errors import HarnessError
from .findings import Kind
from .readonly import ReadOnlyTransport, read_only_client
from .settings import StationSettings

# LibreTime lists its whole library in one answer (the API has no pages): a station's instance of
# 37,000 files took more than the other reads' 30 s while it served other requests.
LIBRARY_WAIT_S = 180.0


class CannotCheck(HarnessError):
    """A service the check needs did not answer usably: the run could not check (exit 2)."""

    def __init__(self, message: str, *, libretime: bool, kind: Kind = Kind.LIBRETIME_UNREACHABLE) -> None:
        super().__init__(message)
        self.libretime = libretime  # True: LibreTime itself, reported as ``kind``
        self.kind = kind


def _bad_answer(message: str) -> CannotCheck:
    return CannotCheck(message, libretime=True, kind=Kind.LIBRETIME_BAD_ANSWER)


# What each LibreTime read must carry for the check to use it (and which of those are instants).
_SHAPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "schedule": (("id", "starts_at", "ends_at"), ("starts_at", "ends_at")),
    "files": (("id",), ()),
    "show-instances": (("id", "starts_at", "ends_at"), ("starts_at", "ends_at")),
    "playout-history": (("starts",), ("starts",)),
}


def _rows(body: Any, what: str, who: str) -> list[dict[str, Any]]:
    """``body`` as a list of rows with the keys the check reads, or ``libretime_bad_answer``."""
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        body = body["results"]  # the integration extension's windowed history
    if not isinstance(body, list):
        raise _bad_answer(f"{who} answered GET /api/v2/{what} with a {type(body).__name__}, not a list")
    required, instants = _SHAPES[what]
    for row in body:
        missing = [k for k in required if not isinstance(row, dict) or k not in row]
        if missing:
            raise _bad_answer(f"{who} answered GET /api/v2/{what} with a row without {missing[0]!r}: {str(row)[:160]}")
        for key in instants:
            try:
                instant(row[key])
            except (TypeError, ValueError, AttributeError):
                raise _bad_answer(
                    f"{who} answered GET /api/v2/{what} with {key} {row[key]!r}, not an instant (row {row['id']!r})"
                    if "id" in row
                    else f"{who} answered GET /api/v2/{what} with {key} {row[key]!r}, not an instant"
                ) from None
    return body


@dataclass
class Station:
    """The GET-only clients of one station (LibreLog's is None where only LibreTime is checked)."""

    libretime: httpx.AsyncClient
    librelog: httpx.AsyncClient | None
    libretime_sent: ReadOnlyTransport
    librelog_sent: ReadOnlyTransport | None
    libretime_url: str
    librelog_url: str | None

    @property
    def requests(self) -> int:
        counted = [self.libretime_sent, *([self.librelog_sent] if self.librelog_sent else [])]
        return sum(sum(t.sent.values()) for t in counted)

    @property
    def with_librelog(self) -> bool:
        return self.librelog is not None

    async def _get(
        self,
        client: httpx.AsyncClient | None,
        path: str,
        params: dict[str, Any] | None = None,
        wait: float | None = None,
    ) -> Any:
        if client is None:
            raise HarnessError(f"GET {path} needs LibreLog, and this check runs on LibreTime alone")
        is_libretime = client is self.libretime
        who = f"LibreTime at {self.libretime_url}" if is_libretime else f"LibreLog at {self.librelog_url}"
        try:
            response = await client.get(path, params=params, timeout=wait if wait else httpx.USE_CLIENT_DEFAULT)
        except httpx.RequestError as exc:
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
            if is_libretime:
                raise _bad_answer(text) from None
            raise CannotCheck(text, libretime=False) from None

    # --- LibreTime ---------------------------------------------------------------------------

    async def schedule(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Rows that overlap [start, end): LibreTime's filters are inclusive, callers trim."""
        rows = await self._get(
            self.libretime, "/api/v2/schedule", {"ends_after": iso_z(start), "starts_before": iso_z(end)}
        )
        return _rows(rows, "schedule", self._lt)

    @property
    def _lt(self) -> str:
        return f"LibreTime at {self.libretime_url}"

    async def hard_starts(self, day: date, tz_name: str) -> dict[int, bool]:
        """Hard starts by row id, from the integration extension (ask ``has_integration`` first)."""
        body = await self._get(self.libretime, "/api/v2/integration/schedule", {"date": str(day), "timezone": tz_name})
        try:
            return {e["schedule_id"]: bool(e["hard_start"]) for e in body.get("entries", [])}
        except (AttributeError, KeyError, TypeError):
            raise _bad_answer(f"{self._lt} answered GET /api/v2/integration/schedule without its entries") from None

    async def files(self) -> dict[int, dict[str, Any]]:
        rows = _rows(await self._get(self.libretime, "/api/v2/files", wait=LIBRARY_WAIT_S), "files", self._lt)
        return {f["id"]: f for f in rows}

    async def instances(self) -> dict[int, dict[str, Any]]:
        rows = _rows(await self._get(self.libretime, "/api/v2/show-instances"), "show-instances", self._lt)
        return {i["id"]: i for i in rows}

    async def plays(self, start: datetime, end: datetime, integration: bool) -> list[dict[str, Any]]:
        """Playout history around [start, end]: the window where the extension answers, else whole."""
        if integration:
            params = {"start": iso_z(start), "end": iso_z(end)}
            body = await self._get(self.libretime, "/api/v2/playout-history/playout-history-full", params)
        else:
            body = await self._get(self.libretime, "/api/v2/playout-history")
        return _rows(body, "playout-history", self._lt)

    async def has_integration(self) -> bool:
        """Whether the integration extension answers (a stock LibreTime says 404)."""
        try:
            response = await self.libretime.get("/api/v2/integration/sync-status")
        except httpx.RequestError as exc:
            text = f"LibreTime at {self.libretime_url} did not answer: {exc or type(exc).__name__}"
            raise CannotCheck(text, libretime=True) from None
        return response.status_code == 200

    # --- LibreLog ----------------------------------------------------------------------------

    async def librelog_config(self) -> dict[str, Any]:
        return await self._get(self.librelog, "/sync/libretime/config")

    async def sync_status(self) -> dict[str, Any]:
        return await self._get(self.librelog, "/sync/status")

    async def logs_on(self, day: date) -> list[dict[str, Any]]:
        body = await self._get(self.librelog, "/logs", {"date": str(day)})
        return list(body.get("items", [])) if isinstance(body, dict) else []


@asynccontextmanager
async def open_station(
    config: StationSettings, inner: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[Station]:
    """GET-only clients for a station (``inner`` replaces the network, for tests)."""
    libretime, libretime_sent = read_only_client(config.libretime_url, config.libretime_headers, inner=inner)
    if config.librelog_url is None:
        async with libretime:
            yield Station(libretime, None, libretime_sent, None, config.libretime_url, None)
        return
    librelog, librelog_sent = read_only_client(config.librelog_url, config.librelog_headers, inner=inner)
    async with libretime, librelog:
        yield Station(libretime, librelog, libretime_sent, librelog_sent, config.libretime_url, config.librelog_url)
