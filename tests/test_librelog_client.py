"""LibreLog's LibreTime client alone, over httpx's mock transport: every answer becomes the typed
error it should, with the upstream facts (method, path, status, excerpt, attempts), retried only
when asking again can succeed, honouring Retry-After."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from stubs.librelog.libretime.client import LibreTimeClient
from stubs.librelog.libretime.errors import (
    LibreTimeAuthFailed,
    LibreTimeBadResponse,
    LibreTimeError,
    LibreTimeNotConfigured,
    LibreTimeRejected,
)
from tests.conftest import librelog_settings_for

KEY = "client-test-key-0123456789"


def client_for(tmp_path: Path, answers: list[httpx.Response], **settings: Any) -> tuple[LibreTimeClient, list]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[min(len(seen), len(answers)) - 1]

    values = {"api_key": KEY, "retries": 2, "backoff_base_s": 0.001, "backoff_cap_s": 0.002, **settings}
    config = librelog_settings_for("http://libretime.test", tmp_path, **values)
    return LibreTimeClient(config, transport=httpx.MockTransport(handler)), seen


@pytest.mark.parametrize(
    ("status", "kind", "attempts"),
    [
        (401, LibreTimeAuthFailed, 1),
        (403, LibreTimeAuthFailed, 1),
        (402, LibreTimeRejected, 1),
        (404, LibreTimeRejected, 1),
        (429, LibreTimeBadResponse, 3),
        (500, LibreTimeBadResponse, 1),
        (502, LibreTimeBadResponse, 3),
        (503, LibreTimeBadResponse, 3),
        (504, LibreTimeBadResponse, 3),
    ],
)
async def test_each_status_is_its_error_retried_only_when_it_can_succeed(
    tmp_path: Path, status: int, kind: type[LibreTimeError], attempts: int
) -> None:
    body = json.dumps({"detail": f"refused, key {KEY}", "padding": "x" * 600})
    client, seen = client_for(tmp_path, [httpx.Response(status, text=body)])
    with pytest.raises(LibreTimeError) as caught:
        await client.request("POST", "/api/v2/schedule", json_body={"a": 1})
    await client.aclose()
    error = caught.value
    assert type(error) is kind
    assert len(seen) == attempts
    assert error.upstream is not None
    facts = error.upstream.as_dict()
    assert (facts["method"], facts["path"], facts["status"], facts["attempts"]) == (
        "POST",
        "/api/v2/schedule",
        status,
        attempts,
    )
    assert KEY not in facts["body"] and KEY not in error.message  # redacted, never echoed
    assert facts["body"] == body[:500].replace(KEY, "[REDACTED]")  # the first 500 characters, redacted
    expected = {
        LibreTimeAuthFailed: f"LibreTime refused the API key ({status}) on POST /api/v2/schedule: check"
        " LIBRETIME_API_KEY",
        LibreTimeRejected: f"LibreTime rejected POST /api/v2/schedule ({status}): {facts['body'][:200]}",
        LibreTimeBadResponse: f"LibreTime failed on POST /api/v2/schedule ({status})",
    }
    assert error.message == expected[kind]


async def test_retry_after_is_honoured_up_to_the_cap(tmp_path: Path) -> None:
    answers = [httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json={"ok": True})]
    client, seen = client_for(tmp_path, answers)
    response = await client.request("GET", "/api/v2/version")
    assert response.json() == {"ok": True} and len(seen) == 2
    error = client.status_error("GET", "/api/v2/version", httpx.Response(503, headers={"Retry-After": "7"}))
    assert getattr(error, "retry_after", None) == 7.0
    assert client.backoff(1, error) == 0.002  # never longer than the cap
    no_header = client.status_error("GET", "/x", httpx.Response(503))
    assert getattr(no_header, "retry_after", None) is None
    await client.aclose()


async def test_status_error_keeps_the_request_facts(tmp_path: Path) -> None:
    client, _seen = client_for(tmp_path, [])
    error = client.status_error("GET", "/api/v2/files/3/download", httpx.Response(404, text="gone"))
    assert error.upstream is not None
    assert error.upstream.as_dict() == {
        "method": "GET",
        "path": "/api/v2/files/3/download",
        "status": 404,
        "body": "gone",
        "attempts": 1,
    }
    await client.aclose()


async def test_no_url_is_not_configured_for_requests_and_streams(tmp_path: Path) -> None:
    config = librelog_settings_for(None, tmp_path)
    client = LibreTimeClient(config)
    for call, path in (
        (lambda: client.request("GET", "/api/v2/version"), "/api/v2/version"),
        (lambda: asyncio.sleep(0, client.stream("GET", "/p")), "/p"),
    ):
        with pytest.raises(LibreTimeNotConfigured) as caught:
            await call()
        assert caught.value.message == "No LibreTime URL configured: set LIBRETIME_INTERNAL_URL or LIBRETIME_API_URL."
        assert caught.value.upstream is not None
        assert (caught.value.upstream.method, caught.value.upstream.path) == ("GET", path)
    await client.aclose()


async def test_every_request_asks_for_json_with_the_key(tmp_path: Path) -> None:
    client, seen = client_for(tmp_path, [httpx.Response(200, json={})])
    await client.request("GET", "/api/v2/version")
    assert (seen[0].headers["Accept"], seen[0].headers["Authorization"]) == ("application/json", f"Api-Key {KEY}")
    await client.aclose()


@pytest.mark.parametrize(
    ("body", "what", "kept"),
    [
        (f"{{not json {KEY}", "with malformed JSON", "{not json [REDACTED]"),
        (f'["{KEY}"]', "with an unexpected list", '["[REDACTED]"]'),
    ],
)
async def test_a_body_of_the_wrong_kind_keeps_the_request_facts(
    tmp_path: Path, body: str, what: str, kept: str
) -> None:
    client, _seen = client_for(tmp_path, [httpx.Response(200, text=body)])
    response = await client.request("GET", "/api/v2/files/4")
    with pytest.raises(LibreTimeBadResponse) as caught:
        client.json_of(response, shape=dict)
    assert caught.value.message.startswith(f"LibreTime answered GET /api/v2/files/4 {what}")
    assert caught.value.upstream is not None
    assert caught.value.upstream.as_dict() == {
        "method": "GET",
        "path": "/api/v2/files/4",
        "status": 200,
        "body": kept,  # the key never travels in an error
        "attempts": 1,
    }
    await client.aclose()


def _raising(exc: Exception) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (httpx.ReadTimeout("slow"), "LibreTime did not answer POST /api/v2/shows within 1 s (ReadTimeout)"),
        (httpx.ConnectError("refused here"), "Cannot reach LibreTime at http://libretime.test: refused here"),
        (httpx.ReadError(""), "Cannot reach LibreTime at http://libretime.test: ReadError"),
    ],
)
async def test_transport_failures_say_what_and_keep_the_attempts(
    tmp_path: Path, exc: Exception, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    config = librelog_settings_for("http://libretime.test", tmp_path, api_key=KEY, retries=2, timeout_s=1.0)
    client = LibreTimeClient(config, transport=_raising(exc))
    with pytest.raises(LibreTimeError) as caught:
        await client.request("POST", "/api/v2/shows")
    assert caught.value.message == message
    assert caught.value.upstream is not None
    assert caught.value.upstream.as_dict() == {
        "method": "POST",
        "path": "/api/v2/shows",
        "status": None,
        "body": None,
        "attempts": 3,
    }
    assert len(slept) == 2  # a pause between tries, none after the last
    await client.aclose()


async def test_a_retry_waits_as_long_as_retry_after_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    answers = [httpx.Response(503, headers={"Retry-After": "3"}), httpx.Response(200, json={})]
    client, seen = client_for(tmp_path, answers, backoff_cap_s=10.0)
    await client.request("GET", "/api/v2/version")
    assert (len(seen), slept) == (2, [3.0])
    await client.aclose()


async def test_the_pool_bounds_connections_to_libretime(tmp_path: Path) -> None:
    # At most 20 requests at once, and no more than 10 idle connections kept afterwards.
    open_now = peak = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal open_now, peak
        open_now += 1
        peak = max(peak, open_now)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                await asyncio.sleep(0.05)
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            open_now -= 1
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    client = LibreTimeClient(librelog_settings_for(url, tmp_path, api_key=KEY))
    async with server:
        await asyncio.gather(*(client.request("GET", "/api/v2/version") for _ in range(25)))
        await asyncio.sleep(0.1)
        kept = open_now
        await client.aclose()
    assert (peak, kept) == (20, 10)
