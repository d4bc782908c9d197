"""LibreLog as a service: storage survives restarts, migrations, the API description, the CLI."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from stubs.libretime import RunningStub
from tests.conftest import API_KEY, librelog_client, librelog_settings_for, seed, wav
from tests.test_cli import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_PATHS = {
    "/health",
    "/openapi.json",
    "/tracks",
    "/tracks/{id}",
    "/logs",
    "/logs/{id}",
    "/logs/{id}/hours/{hour}",
    "/logs/{id}/lock",
    "/logs/{id}/unlock",
    "/logs/{id}/validate",
    "/logs/{id}/publish",
    "/logs/{id}/publish-hour",
    "/voice",
    "/voice/{id}",
    "/voice/{id}/file",
    "/voice/{id}/upload-to-libretime",
    "/sync/tracks",
    "/sync/playback-history",
    "/playback-history",
    "/sync/status",
    "/sync/libretime/config",
    "/proxy/dashboard",
    "/proxy/files/{id}",
}


async def test_a_restart_loses_nothing(stub: RunningStub, client: httpx.AsyncClient, tmp_path: Path) -> None:
    await seed(client, {"fixture": "small"})
    settings = librelog_settings_for(stub.base_url, tmp_path)
    data = wav(0.5)
    async with librelog_client(settings) as (_r, http):
        await http.post("/sync/tracks")
        log = (
            await http.post("/logs", json={"date": "2026-11-25", "entries": [{"start": "10:00:00", "track_id": 2}]})
        ).json()
        await http.post(f"/logs/{log['id']}/publish")
        await http.post(f"/logs/{log['id']}/lock")
        voice = (await http.post("/voice", files={"file": ("v.wav", data, "audio/x-wav")}, data={"title": "V"})).json()
        before = [(await http.get(p)).json() for p in ("/tracks", f"/logs/{log['id']}", f"/voice/{voice['id']}")]
    async with librelog_client(settings) as (_r, http):
        after = [(await http.get(p)).json() for p in ("/tracks", f"/logs/{log['id']}", f"/voice/{voice['id']}")]
        served = (await http.get(f"/voice/{voice['id']}/file")).content
        status = (await http.get("/sync/status")).json()
    assert after == before
    assert after[1]["locked"] is True and after[1]["status"] == "published"
    assert served == data
    assert status["last_track_sync"] is not None


async def test_schema_is_migrated_with_wal_and_foreign_keys(stub: RunningStub, tmp_path: Path) -> None:
    settings = librelog_settings_for(stub.base_url, tmp_path)
    async with librelog_client(settings) as (_r, http):
        assert (await http.get("/health")).json() == {"status": "ok"}
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT version FROM schema_migrations").fetchall() == [(1,)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"tracks", "logs", "log_entries", "voice_tracks", "playback_history", "sync_state"} <= tables
    async with librelog_client(settings) as (_r, http):  # a second start applies nothing twice
        assert (await http.get("/health")).status_code == 200


async def test_a_track_used_by_a_log_cannot_vanish(ll: httpx.AsyncClient, librelog: object) -> None:
    from stubs.librelog import RunningLibreLog

    assert isinstance(librelog, RunningLibreLog)
    track = (await ll.post("/tracks", json={"title": "Local"})).json()
    await ll.post("/logs", json={"date": "2026-11-25", "entries": [{"start": "10:00:00", "track_id": track["id"]}]})
    async with librelog.db.write() as conn:
        with pytest.raises(sqlite3.IntegrityError):
            await conn.execute("DELETE FROM tracks WHERE id = ?", (track["id"],))


@pytest.mark.parametrize("flavor", ["integration"])
async def test_openapi_describes_the_whole_contract(ll: httpx.AsyncClient) -> None:
    spec = (await ll.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == CONTRACT_PATHS
    from stubs.librelog import Settings, create_app

    served = set()
    app = create_app(Settings(db_path=":memory:"))
    for resource in app.router.resources():
        served.add(re.sub(r"\{[^}]+\}", lambda m: "{" + m.group(0)[1:-1].split(":")[0] + "}", resource.canonical))
    assert served == CONTRACT_PATHS


def test_module_runs_from_the_environment(tmp_path: Path, stub_process: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "LIBRETIME_INTERNAL_URL": stub_process + "/api/v2",
        "LIBRETIME_API_KEY": API_KEY,
        "LIBRELOG_DB": str(tmp_path / "ll.sqlite3"),
        "LIBRELOG_STATION_TIMEZONE": "America/Phoenix",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "stubs.librelog", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", proc)
        status = httpx.get(f"http://127.0.0.1:{port}/sync/status").json()
        config = httpx.get(f"http://127.0.0.1:{port}/sync/libretime/config").json()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0].decode()
    assert status["connection_status"] is True
    assert (config["api_url"], config["url_source"]) == (stub_process, "LIBRETIME_INTERNAL_URL")
    assert API_KEY not in output
    assert (tmp_path / "ll.sqlite3").exists()


def test_bad_configuration_stops_the_service_with_its_name(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stubs.librelog", "--port", str(free_port())],
        cwd=ROOT,
        env={**os.environ, "LIBRETIME_API_FLAVOR": "java", "LIBRELOG_DB": str(tmp_path / "x.db")},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "LIBRETIME_API_FLAVOR" in result.stderr


@pytest.fixture
def stub_process() -> object:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stubs.libretime", "--port", str(port), "--api-key", API_KEY],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/api/v2/version", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_test_reset_exists_only_when_enabled(
    stub: RunningStub, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await seed(client, {"fixture": "small"})
    plain = librelog_settings_for(stub.base_url, tmp_path / "plain")
    async with librelog_client(plain) as (_r, http):
        assert (await http.post("/__test__/reset")).status_code == 404
    settings = librelog_settings_for(stub.base_url, tmp_path / "test", test_reset=True)
    async with librelog_client(settings) as (_r, http):
        await http.post("/sync/tracks")
        await http.post("/voice", files={"file": ("v.wav", wav(0.2), "audio/x-wav")}, data={"title": "V"})
        await http.post("/logs", json={"date": "2026-11-25", "entries": [{"start": "10:00:00", "track_id": 1}]})
        reset = (await http.post("/__test__/reset")).json()
        assert (reset["reset"], reset["flavor"], reset["libretime_url"]) == (True, "integration", stub.base_url)
        assert (await http.get("/tracks")).json()["total"] == 0
        assert (await http.get("/logs")).json()["total"] == 0
        assert (await http.get("/voice")).json()["total"] == 0
        assert list((tmp_path / "test" / "voice").iterdir()) == []


async def test_test_reset_switches_settings_between_scenarios(
    stub: RunningStub, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await seed(client, {"fixture": "small"})
    settings = librelog_settings_for(stub.base_url, tmp_path, test_reset=True)
    async with librelog_client(settings) as (_r, http):
        bad = await http.post("/__test__/reset", json={"settings": {"flavor": "java", "colour": "red", "retries": -1}})
        assert bad.status_code == 400
        assert set(bad.json()["details"]["fields"]) == {"settings.flavor", "settings.colour", "settings.retries"}
        switched = await http.post(
            "/__test__/reset",
            json={"settings": {"flavor": "v2", "station_timezone": "America/Phoenix", "api_key": "wrong-key"}},
        )
        assert switched.json()["flavor"] == "v2"
        config = (await http.get("/sync/libretime/config")).json()
        assert config["flavor"] == "v2"
        assert (await http.post("/sync/tracks")).json()["error"] == "libretime_auth_failed"
        log = (await http.post("/logs", json={"date": "2026-11-25", "entries": []})).json()
        assert log["timezone"] == "America/Phoenix"
        down = await http.post("/__test__/reset", json={"settings": {"libretime_url": None}})
        assert down.json()["libretime_url"] is None
        assert (await http.post("/sync/tracks")).status_code == 503
        back = (await http.post("/__test__/reset")).json()  # no settings: the start-up ones again
        assert (back["flavor"], back["libretime_url"]) == ("integration", stub.base_url)
        assert (await http.post("/sync/tracks")).json()["created"] == 14
