"""The schedule check's HTTP layer only reads: any other method raises before a byte is sent."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from harness.station.readonly import ReadOnlyTransport, WriteRefused, read_only_client


class Listener:
    """A TCP server that records every connection and byte it receives, and answers 200."""

    def __init__(self) -> None:
        self.connections = 0
        self.received = b""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.received += await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]")
        await writer.drain()
        writer.close()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
async def test_a_write_raises_before_any_byte_is_sent(method: str) -> None:
    listener = Listener()
    server = await asyncio.start_server(listener.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client, transport = read_only_client(f"http://127.0.0.1:{port}", {"Authorization": "Api-Key k"})
    async with server, client:
        with pytest.raises(WriteRefused, match=f"{method} /api/v2/schedule/1 refused"):
            await client.request(method, "/api/v2/schedule/1", json={"starts_at": "2099-01-01T00:00:00Z"})
        await asyncio.sleep(0.05)
        assert (listener.connections, listener.received) == (0, b"")
        assert sum(transport.sent.values()) == 0
        # The same client reads: the refusal is the method's, not a broken connection.
        response = await client.get("/api/v2/schedule")
        assert response.json() == []
    assert listener.connections == 1 and listener.received.startswith(b"GET /api/v2/schedule HTTP/1.1")
    assert transport.sent == {"/api/v2/schedule": 1}


async def test_the_refusal_is_below_every_caller() -> None:
    # Even a request built by hand and sent through the transport directly is refused.
    sent: list[httpx.Request] = []
    inner = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200))
    transport = ReadOnlyTransport(inner)
    with pytest.raises(WriteRefused):
        await transport.handle_async_request(httpx.Request("DELETE", "http://lt/api/v2/files/1"))
    assert sent == []
    await transport.handle_async_request(httpx.Request("GET", "http://lt/api/v2/files"))
    assert [r.method for r in sent] == ["GET"]


async def test_the_library_read_waits_longer_than_the_other_reads() -> None:
    """LibreTime answers its whole library at once: that read alone may take minutes."""
    from harness.station.settings import StationSettings
    from harness.station.source import LIBRARY_WAIT_S, open_station

    waits: dict[str, float] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        waits[request.url.path] = request.extensions["timeout"]["read"]
        return httpx.Response(200, json=[])

    config = StationSettings("http://lt", "k")
    async with open_station(config, inner=httpx.MockTransport(answer)) as station:
        await station.files()
        await station.instances()
    assert waits == {"/api/v2/files": LIBRARY_WAIT_S, "/api/v2/show-instances": 30.0}
