"""The fault and journal control plane a target offers: the LibreTime stub's own (``/__stub__``)
or the interposer's in front of a real LibreTime (``/__interposer__``). Both speak the stub's rule
format and journal entries, so a scenario's fault and journal steps mean the same on either.

The harness marks its own requests to LibreTime (``HARNESS_HEADER``): where the stub journals
everything it receives, they are left out, so a journal step counts what LibreLog sent, exactly
as the interposer (which sees only LibreLog's traffic) does.
"""

from __future__ import annotations

from typing import Any

import httpx

from .errors import HarnessError, ServiceUnreachable

HARNESS_HEADER = "X-Librelog-Verify"
STUB_PREFIX = "/__stub__"
INTERPOSER_PREFIX = "/__interposer__"


class Control:
    def __init__(self, client: httpx.AsyncClient, prefix: str, what: str) -> None:
        self.client = client
        self.prefix = prefix
        self.what = what  # "the LibreTime stub" or "the interposer at ...", for messages

    async def _call(self, method: str, path: str, *, json: Any = None, params: Any = None, ok: int = 200) -> Any:
        try:
            response = await self.client.request(method, self.prefix + path, json=json, params=params)
        except httpx.TransportError as exc:
            raise ServiceUnreachable(f"Unreachable: {self.what}: {exc!r}") from None
        if response.status_code != ok:
            raise HarnessError(
                f"{self.what} refused {method} {self.prefix}{path}: {response.status_code} {response.text[:300]}"
            )
        return response.json() if response.content else None

    async def add_fault(self, rule: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", "/faults", json=rule, ok=201)

    async def faults(self) -> list[dict[str, Any]]:
        return (await self._call("GET", "/faults"))["faults"]

    async def remove_fault(self, rule_id: int) -> None:
        await self._call("DELETE", f"/faults/{rule_id}", ok=204)

    async def clear_faults(self) -> None:
        await self._call("DELETE", "/faults", ok=204)

    async def journal(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """What LibreTime received from LibreLog (the harness's own requests left out)."""
        body = await self._call("GET", "/journal", params=params)
        mine = HARNESS_HEADER.lower()
        requests = [r for r in body["requests"] if mine not in {k.lower() for k in r.get("headers", {})}]
        return {"count": len(requests), "requests": requests}

    async def head(self) -> int:
        """The id of the newest journal entry (0 when empty): later entries came after this moment."""
        entries = (await self._call("GET", "/journal"))["requests"]
        return entries[-1]["id"] if entries else 0

    async def clear(self) -> None:
        """No faults and an empty journal: how a scenario finds the control plane."""
        await self.clear_faults()
        await self._call("DELETE", "/journal", ok=204)
