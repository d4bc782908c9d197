"""The two faces (nginx front vs API port), X-Accel-Redirect, and the legacy upload path."""

from __future__ import annotations

import asyncio
import hashlib

import httpx

from stubs.libretime import RunningStub
from tests.conftest import AUTH, LEGACY_AUTH, seed, wav


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
    assert response.headers["Content-Type"] == "audio/x-wav"


async def test_nginx_face_404s_when_storage_lacks_the_file(client: httpx.AsyncClient) -> None:
    await seed(client, {"generate": {"files": 3}})  # generated rows have metadata but no bytes on disk
    response = await client.get("/api/v2/files/1/download")
    assert response.status_code == 404
    assert "nginx" in response.text


async def test_internal_media_location_is_not_reachable_directly(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    response = await client.get("/api/_media/imported/1/The%20Velvet%20Foxes/0001%20-%20Harbour%20Lights.wav")
    assert response.status_code == 404


async def test_legacy_upload_is_pending_then_imported(stub: RunningStub) -> None:
    data = wav(1.5)
    async with httpx.AsyncClient(base_url=stub.base_url) as http:
        created = await http.post(
            "/rest/media", files={"file": ("Break A.wav", data, "audio/x-wav")}, headers=LEGACY_AUTH
        )
        body = created.json()
        assert created.status_code == 201
        assert {"id", "name", "mime", "ftype", "filepath", "import_status", "track_title", "md5", "filesize"} <= set(
            body
        )
        assert (body["import_status"], body["md5"], body["filesize"]) == (1, None, len(data))
        await asyncio.sleep(0.05)  # the analyzer runs right after the response
        imported = (await http.get(f"/api/v2/files/{body['id']}", headers=AUTH)).json()
        found = (await http.get("/api/v2/files", params={"md5": hashlib.md5(data).hexdigest()}, headers=AUTH)).json()  # noqa: S324
    assert imported["import_status"] == 0
    assert imported["length"] == "00:00:01.500000"
    assert [f["id"] for f in found] == [body["id"]]


async def test_legacy_upload_rejects_unsupported_and_missing_files(stub: RunningStub) -> None:
    async with httpx.AsyncClient(base_url=stub.base_url, headers=LEGACY_AUTH) as http:
        text = await http.post("/rest/media", files={"file": ("notes.txt", b"hello", "text/plain")})
        missing = await http.post("/rest/media", data={"x": "1"})
        empty = await http.post("/rest/media", files={"file": ("a.wav", b"", "audio/x-wav")})
        files = (await http.get("/api/v2/files", headers=AUTH)).json()
    assert text.status_code == missing.status_code == empty.status_code == 400
    assert "error occurred while processing your upload" in text.text
    assert files == []


async def test_legacy_routes_exist_only_behind_nginx(api_stub: RunningStub) -> None:
    async with httpx.AsyncClient(base_url=api_stub.base_url, headers=LEGACY_AUTH) as http:
        response = await http.post("/rest/media", files={"file": ("a.wav", wav(0.1), "audio/x-wav")})
    assert response.status_code == 404
