"""The two faces (nginx front vs API port) and X-Accel-Redirect (the legacy media API: test_legacy_media)."""

from __future__ import annotations

import hashlib

import httpx

from stubs.libretime import RunningStub
from tests.conftest import AUTH, seed


async def test_api_face_download_is_an_empty_body_with_the_redirect_header(api_stub: RunningStub) -> None:
    async with httpx.AsyncClient(base_url=api_stub.base_url, headers=AUTH) as http:
        await seed(http, {"fixture": "small"})
        response = await http.get("/api/v2/files/1/download")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Content-Length"] == "0"
    # filepath "imported/1/The Velvet Foxes/0001 - Harbour Lights.wav", percent-encoded
    assert response.headers["X-Accel-Redirect"] == (
        "/api/_media/imported/1/The%20Velvet%20Foxes/0001%20-%20Harbour%20Lights.wav"
    )


async def test_nginx_face_resolves_the_redirect_to_the_stored_bytes(
    client: httpx.AsyncClient, stub: RunningStub
) -> None:
    await seed(client, {"fixture": "small"})
    meta = (await client.get("/api/v2/files/1")).json()
    response = await client.get("/api/v2/files/1/download")
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response.headers
    assert hashlib.md5(response.content).hexdigest() == meta["md5"]  # noqa: S324
    assert len(response.content) == meta["size"]
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"  # the API's label, kept by nginx


async def test_nginx_face_404s_when_storage_lacks_the_file(client: httpx.AsyncClient) -> None:
    await seed(client, {"generate": {"files": 3}})  # generated rows have metadata but no bytes on disk
    response = await client.get("/api/v2/files/1/download")
    assert response.status_code == 404
    assert "nginx" in response.text


async def test_internal_media_location_is_not_reachable_directly(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    response = await client.get("/api/_media/imported/1/The%20Velvet%20Foxes/0001%20-%20Harbour%20Lights.wav")
    assert response.status_code == 404
