"""The interposer between LibreLog and a LibreTime: it forwards faithfully, journals what LibreTime
was sent (never a secret), injects the stub's fault vocabulary, answers for itself (naming
itself) when LibreTime cannot be reached, and never forwards anywhere but its LibreTime."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from harness.interposer import InterposerConfig, RunningInterposer, run_interposer
from stubs.libretime import RunningStub
from tests.conftest import API_KEY, AUTH, LEGACY_AUTH, seed, show

ADMIN = "/__interposer__"


@pytest.fixture
async def interposer(stub: RunningStub) -> AsyncIterator[RunningInterposer]:
    config = InterposerConfig(upstream=stub.base_url, secrets=(API_KEY,), timeout_fault_s=5.0)
    async with run_interposer(config) as running:
        yield running


@pytest.fixture
async def via(interposer: RunningInterposer) -> AsyncIterator[httpx.AsyncClient]:
    """A client talking to LibreTime through the interposer, as LibreLog does."""
    async with httpx.AsyncClient(base_url=interposer.base_url, headers=AUTH, timeout=10) as http:
        yield http


async def fault(via: httpx.AsyncClient, rule: dict[str, Any]) -> dict[str, Any]:
    response = await via.post(f"{ADMIN}/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


async def journal(via: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    return (await via.get(f"{ADMIN}/journal", params=params)).json()["requests"]


async def test_requests_and_answers_pass_through_unchanged(via: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    direct = await client.get("/api/v2/files/1")
    relayed = await via.get("/api/v2/files/1")
    assert (relayed.status_code, relayed.json()) == (direct.status_code, direct.json())
    assert relayed.headers["content-type"] == direct.headers["content-type"]
    # Query strings, bodies and error answers alike.
    filtered = await via.get("/api/v2/files", params={"md5": direct.json()["md5"]})
    assert [f["id"] for f in filtered.json()] == [1]
    refused = await via.post("/api/v2/shows", json={})
    assert refused.status_code == 400 and "name" in refused.json()
    assert (await via.get("/api/v2/files/")).status_code == 404  # the trailing slash's Django 404 page
    # Bytes of a download arrive as LibreTime sends them.
    download = await via.get("/api/v2/files/1/download")
    assert download.content == (await client.get("/api/v2/files/1/download")).content and download.content


async def test_the_journal_records_what_libretime_was_sent_and_no_secret(via: httpx.AsyncClient) -> None:
    body = {"name": "Journaled", "linked": False, "linkable": True, "auto_playlist_enabled": False}
    await via.post("/api/v2/shows", json=body, params={"x": "1"})
    await via.post("/rest/media", files={"file": ("a.wav", b"RIFF-not-really", "audio/x-wav")}, headers=LEGACY_AUTH)
    await via.get(f"{ADMIN}/faults")  # the control plane is never journaled
    first, upload = await journal(via)
    assert (first["method"], first["path"], first["query"], first["status"]) == (
        "POST",
        "/api/v2/shows",
        {"x": "1"},
        400,
    )
    assert first["json"] == body and first["body_sha256"] == hashlib.sha256(first_body(body)).hexdigest()
    assert first["headers"]["Authorization"] == "[REDACTED]" and first["duration_ms"] >= 0
    assert upload["json"]["files"]["file"] == {
        "filename": "a.wav",
        "content_type": "audio/x-wav",
        "size": 15,
        "md5": hashlib.md5(b"RIFF-not-really").hexdigest(),  # noqa: S324 - LibreTime's checksum
    }
    text = str(await via.get(f"{ADMIN}/journal"))
    everything = (await via.get(f"{ADMIN}/journal")).text
    assert API_KEY not in everything and API_KEY not in text


def first_body(body: dict[str, Any]) -> bytes:
    """The bytes httpx sends for a JSON body."""
    return httpx.Request("POST", "http://x", json=body).content


async def test_a_status_fault_answers_for_libretime_and_only_as_often_as_told(via: httpx.AsyncClient) -> None:
    rule = await fault(
        via, {"match": {"method": "GET", "path": "/api/v2/version"}, "fault": "status", "status": 503, "times": 2}
    )
    statuses = [(await via.get("/api/v2/version")).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    hits = {r["id"]: r["hits"] for r in (await via.get(f"{ADMIN}/faults")).json()["faults"]}
    assert hits[rule["id"]] == 2
    entries = await journal(via, path="/api/v2/version")
    assert [(e["status"], e["fault"]) for e in entries] == [(503, "status"), (503, "status"), (200, None)]


async def test_a_status_fault_with_a_body_and_a_content_type(via: httpx.AsyncClient) -> None:
    await fault(via, {"match": {"path": "/api/v2/info"}, "fault": "status", "status": 200, "body": {"hello": "world"}})
    assert (await via.get("/api/v2/info")).json() == {"hello": "world"}
    await fault(via, {"match": {"path": "/api/v2/info"}, "fault": "status", "status": 502, "body": "<h1>Bad</h1>"})
    answer = await via.get("/api/v2/info")
    assert (answer.status_code, answer.text) == (502, "<h1>Bad</h1>")
    assert answer.headers["content-type"].startswith("text/html")


async def test_a_lost_answer_reaches_libretime_but_comes_back_cut(
    via: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """malformed_json without a body forwards the request and truncates the real answer."""
    await fault(via, {"match": {"method": "POST", "path": "/api/v2/shows"}, "fault": "malformed_json"})
    body = show(name="Stored anyway")
    answer = await via.post("/api/v2/shows", json=body)
    with pytest.raises(ValueError, match=r"Expecting|Unterminated|line 1"):
        answer.json()
    assert [s["name"] for s in (await client.get("/api/v2/shows")).json()] == ["Stored anyway"]


async def test_garbled_and_mislabelled_answers(via: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    real = await client.get("/api/v2/version")
    await fault(via, {"match": {"path": "/api/v2/version"}, "fault": "garbled", "times": 1})
    garbled = await via.get("/api/v2/version")
    assert len(garbled.content) == len(real.content) and garbled.content != real.content
    await fault(via, {"match": {"path": "/api/v2/version"}, "fault": "wrong_content_type", "times": 1})
    labelled = await via.get("/api/v2/version")
    assert labelled.content == real.content and labelled.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("kind", ["connection_reset", "empty_response"])
async def test_a_dropped_connection_sends_nothing_on(
    via: httpx.AsyncClient, client: httpx.AsyncClient, kind: str
) -> None:
    await fault(via, {"match": {"path": "/api/v2/shows"}, "fault": kind})
    with pytest.raises(httpx.TransportError):
        await via.post("/api/v2/shows", json={"name": "never"})
    assert (await client.get("/api/v2/shows")).json() == []
    [entry] = await journal(via)
    assert (entry["status"], entry["fault"]) == (None, kind)  # no answer was sent


async def test_delay_and_timeout(via: httpx.AsyncClient) -> None:
    await fault(via, {"match": {"path": "/api/v2/version"}, "fault": "delay", "delay_ms": 300, "times": 1})
    started = time.monotonic()
    assert (await via.get("/api/v2/version")).status_code == 200
    assert time.monotonic() - started >= 0.3
    await fault(via, {"match": {"path": "/api/v2/version"}, "fault": "timeout", "delay_ms": 5000})
    with pytest.raises(httpx.ReadTimeout):
        await via.get("/api/v2/version", timeout=0.3)


async def test_an_invalid_rule_is_refused_with_every_field(via: httpx.AsyncClient) -> None:
    refused = await via.post(f"{ADMIN}/faults", json={"fault": "melt", "times": 0, "match": {"path": "no-slash"}})
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"fault", "times", "match.path"}


async def test_an_unreachable_libretime_is_the_interposers_own_502_naming_itself() -> None:
    async with (
        run_interposer(InterposerConfig(upstream="http://127.0.0.1:9")) as dead,
        httpx.AsyncClient(base_url=dead.base_url) as http,
    ):
        answer = await http.get("/api/v2/version")
        assert answer.status_code == 502
        assert answer.json()["detail"].startswith("librelog-verify interposer: LibreTime at http://127.0.0.1:9")
        assert answer.headers["X-Librelog-Verify-Interposer"] == "upstream_unreachable"


async def raw(interposer: RunningInterposer, request: bytes) -> bytes:
    host, port = interposer.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


async def test_it_never_forwards_to_another_host(interposer: RunningInterposer) -> None:
    """A client using it as an open proxy (absolute-form request targets, CONNECT) is refused."""
    elsewhere = await raw(
        interposer,
        b"GET http://example.invalid/api/v2/version HTTP/1.1\r\nHost: example.invalid\r\nConnection: close\r\n\r\n",
    )
    assert elsewhere.startswith(b"HTTP/1.1 400") and b"forwards only to LibreTime at" in elsewhere
    tunnel = await raw(
        interposer, b"CONNECT example.invalid:443 HTTP/1.1\r\nHost: example.invalid:443\r\nConnection: close\r\n\r\n"
    )
    assert b" 200 " not in tunnel.split(b"\r\n")[0]
    # An absolute-form target naming its own LibreTime is forwarded like any request.
    upstream = interposer.config.upstream.removeprefix("http://").encode()
    own = await raw(
        interposer,
        b"GET http://" + upstream + b"/api/v2/version HTTP/1.1\r\nHost: " + upstream + b"\r\nConnection: close\r\n\r\n",
    )
    assert own.startswith(b"HTTP/1.1 200") and b"api_version" in own


async def test_reset_clears_faults_and_journal(via: httpx.AsyncClient) -> None:
    await fault(via, {"fault": "status", "status": 500})
    assert (await via.get("/api/v2/version")).status_code == 500
    assert (await via.post(f"{ADMIN}/reset")).json() == {"reset": True}
    assert (await via.get("/api/v2/version")).status_code == 200
    assert [e["status"] for e in await journal(via)] == [200]
    health = (await via.get(f"{ADMIN}/health")).json()
    assert health["interposer"] is True and health["upstream"].startswith("http://127.0.0.1:")
