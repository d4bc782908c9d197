"""Fixtures: an in-process LibreTime stub per test and httpx clients pointed at it."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from stubs.libretime import RunningStub, StubConfig, run_stub

API_KEY = "test-key-5f0c1d"
AUTH = {"Authorization": f"Api-Key {API_KEY}"}
LEGACY_AUTH = {"Authorization": "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()}


@pytest.fixture
def stub_config() -> StubConfig:
    return StubConfig(api_key=API_KEY, face="nginx", timeout_fault_s=5.0, fault_seed=7)


@pytest.fixture
async def stub(stub_config: StubConfig) -> AsyncIterator[RunningStub]:
    async with run_stub(stub_config) as running:
        yield running


@pytest.fixture
async def api_stub() -> AsyncIterator[RunningStub]:
    async with run_stub(StubConfig(api_key=API_KEY, face="api")) as running:
        yield running


@pytest.fixture
async def client(stub: RunningStub) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stub.base_url, headers=AUTH, timeout=10) as http:
        yield http


@pytest.fixture
async def anon(stub: RunningStub) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stub.base_url, timeout=10) as http:
        yield http


@asynccontextmanager
async def stub_client(config: StubConfig) -> AsyncIterator[tuple[RunningStub, httpx.AsyncClient]]:
    """A stub started with ``config`` and a keyed client for it (for tests that need a special config)."""
    async with run_stub(config) as running, httpx.AsyncClient(base_url=running.base_url, headers=AUTH) as http:
        yield running, http


async def seed(http: httpx.AsyncClient, payload: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/__stub__/seed", json=payload)
    assert response.status_code == 201, response.text
    return response.json()


def show(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Morning Drive",
        "linked": False,
        "linkable": True,
        "auto_playlist_enabled": False,
        "auto_playlist_repeat": False,
        "override_intro_playlist": False,
        "override_outro_playlist": False,
        **extra,
    }


def instance(show_id: int, starts: str, ends: str, **extra: Any) -> dict[str, Any]:
    return {
        "created_at": "2026-11-01T00:00:00Z",
        "show": show_id,
        "starts_at": starts,
        "ends_at": ends,
        "modified": False,
        "auto_playlist_built": False,
        **extra,
    }


def schedule_row(instance_id: int, file_id: int | None, starts: str, ends: str, **extra: Any) -> dict[str, Any]:
    return {
        "starts_at": starts,
        "ends_at": ends,
        "cue_in": "00:00:00",
        "cue_out": extra.pop("cue_out", "00:03:00"),
        "position": extra.pop("position", 0),
        "broadcasted": 0,
        "instance": instance_id,
        "file": file_id,
        "fade_in": "00:00:00",
        "fade_out": "00:00:00",
        **extra,
    }


def upstream_of(body: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(method, path, status) of the LibreTime request a LibreLog error names."""
    upstream = body["details"]["upstream"]
    return upstream["method"], upstream["path"], upstream["status"]


def wav(seconds: float = 1.0) -> bytes:
    from stubs.libretime.media import make_wav

    return make_wav(seconds)


# --- LibreLog against the stub -------------------------------------------------------------

from stubs.librelog import RunningLibreLog, Settings, run_librelog  # noqa: E402


@pytest.fixture(params=["integration", "v2"])
def flavor(request: pytest.FixtureRequest) -> str:
    return request.param


def librelog_settings_for(base_url: str | None, tmp_path: Any, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "libretime_url": base_url,
        "url_source": "LIBRETIME_INTERNAL_URL" if base_url else None,
        "api_key": API_KEY,
        "db_path": str(tmp_path / "librelog.sqlite3"),
        "timeout_s": 1.0,
        "retries": 2,
        "backoff_base_s": 0.01,
        "backoff_cap_s": 0.05,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def librelog_settings(stub: RunningStub, flavor: str, tmp_path: Any, request: pytest.FixtureRequest) -> Settings:
    # A test (or one of its parameter sets) may tune LibreLog: @pytest.mark.librelog_settings(timeout_s=0.2).
    marker = request.node.get_closest_marker("librelog_settings")
    return librelog_settings_for(stub.base_url, tmp_path, flavor=flavor, **(marker.kwargs if marker else {}))


@pytest.fixture
async def librelog(librelog_settings: Settings) -> AsyncIterator[RunningLibreLog]:
    async with run_librelog(librelog_settings) as running:
        yield running


@pytest.fixture
async def ll(librelog: RunningLibreLog) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=librelog.base_url, timeout=20) as http:
        yield http


@asynccontextmanager
async def librelog_client(settings: Settings) -> AsyncIterator[tuple[RunningLibreLog, httpx.AsyncClient]]:
    async with run_librelog(settings) as running, httpx.AsyncClient(base_url=running.base_url, timeout=20) as http:
        yield running, http


async def stub_schedule(lt: httpx.AsyncClient, date: str, tz: str = "UTC") -> list[tuple[str, int]]:
    """(UTC start, media id) of every row LibreTime holds for a local day, in start order."""
    rows = (await lt.get("/api/v2/schedule")).json()
    read = (await lt.get("/api/v2/integration/schedule", params={"date": date, "timezone": tz})).json()
    in_day = {e["schedule_id"] for e in read["entries"]}
    return sorted((r["starts_at"], r["file"]) for r in rows if r["id"] in in_day)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(db: Path, api_key: str, *, token: str | None = None) -> Iterator[dict[str, str]]:
    """Both services as separate processes (``librelog-verify serve``), as a deployment runs them.

    Yields the live target's environment: LIBRELOG_URL, LIBRETIME_URL, LIBRETIME_API_KEY and,
    with a token, LIBRELOG_API_TOKEN (LibreLog then requires it).
    """
    import os
    import subprocess
    import sys
    import time

    lt, ll = free_port(), free_port()
    env = {**os.environ, "LIBRELOG_API_TOKEN": token or ""}
    command = [sys.executable, "-m", "harness.cli", "serve", "--libretime-port", str(lt), "--librelog-port", str(ll)]
    log = (db.parent / f"{db.stem}-serve.log").open("wb")  # a file: an unread pipe would block the server
    proc = subprocess.Popen(
        [*command, "--api-key", api_key, "--db", str(db)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    urls = {
        "LIBRELOG_URL": f"http://127.0.0.1:{ll}",
        "LIBRETIME_URL": f"http://127.0.0.1:{lt}",
        "LIBRETIME_API_KEY": api_key,
        **({"LIBRELOG_API_TOKEN": token} if token else {}),
    }
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                httpx.get(urls["LIBRELOG_URL"] + "/health", timeout=0.5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("librelog-verify serve did not start") from None
                time.sleep(0.1)
        yield urls
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "librelog_settings(**overrides): settings for the test's LibreLog")
