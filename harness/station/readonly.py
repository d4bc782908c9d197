"""The HTTP layer of production checks: GET only, enforced before a byte leaves the machine.

A station's real API key can create, move and delete what it will play. The check is meant to
run nightly with that key, so the guarantee that it only reads lives below every caller: the
transport refuses any other method before it opens a connection, and counts what it sent (the
cost of a check is measured in requests).
"""

from __future__ import annotations

from collections import Counter

import httpx

from .. import tls
from ..errors import HarnessError

READ_METHODS = frozenset({"GET"})


class WriteRefused(HarnessError):
    """A request that could change the station was refused before it was sent."""


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: GET passes through and is counted; anything else raises, unsent."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport(verify=tls.context())
        self.sent: Counter[str] = Counter()  # requests sent, by path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in READ_METHODS:
            raise WriteRefused(
                f"{request.method} {request.url.path} refused: the schedule check only reads (GET) from the station"
            )
        self.sent[request.url.path] += 1
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def read_only_client(
    base_url: str, headers: dict[str, str], timeout: float = 30.0, inner: httpx.AsyncBaseTransport | None = None
) -> tuple[httpx.AsyncClient, ReadOnlyTransport]:
    """A client that can only read, and its transport (which counts the requests sent)."""
    transport = ReadOnlyTransport(inner)
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, transport=transport), transport
