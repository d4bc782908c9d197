"""One guard per defect of the original LibreLog (LIBRELOG.md §3): each fails if its defect returns."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from stubs.librelog import normalise_base_url
from stubs.libretime import RunningStub, StubConfig, run_stub
from tests.conftest import API_KEY, librelog_client, librelog_settings_for, seed, stub_schedule

DAY = "2026-11-25"


async def down_url() -> str:
    async with run_stub(StubConfig(api_key=API_KEY)) as gone:
        return gone.base_url


async def test_defect_01_track_sync_with_libretime_down_bad_key_or_wrong_path_is_not_success(
    stub: RunningStub, tmp_path: Path
) -> None:
    cases = [
        (await down_url(), API_KEY, "libretime_unreachable"),
        (stub.base_url, "bad-key", "libretime_auth_failed"),
        (stub.base_url + "/wrong/prefix", API_KEY, "libretime_rejected"),
    ]
    for url, key, code in cases:
        async with librelog_client(librelog_settings_for(url, tmp_path / code, api_key=key, retries=0)) as (_r, http):
            response = await http.post("/sync/tracks")
        assert (response.status_code, response.json()["error"]) == (502, code)
        assert "success" not in response.json()


async def test_defect_02_history_sync_uses_the_real_path_and_failures_are_errors(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    ok = await ll.post("/sync/playback-history", json={"start_date": DAY, "end_date": DAY})
    assert ok.status_code == 200
    paths = {e["path"] for e in (await client.get("/__stub__/journal")).json()["requests"]}
    expected = "/api/v2/playout-history/playout-history-full" if flavor == "integration" else "/api/v2/playout-history"
    assert expected in paths
    assert all(p.startswith("/api/v2/") for p in paths)
    await client.post("/__stub__/faults", json={"match": {"method": "GET"}, "fault": "status", "status": 404})
    failed = await ll.post("/sync/playback-history", json={"start_date": DAY, "end_date": DAY})
    assert (failed.status_code, failed.json()["error"]) == (502, "libretime_rejected")


async def test_defect_03_entries_without_a_media_id_are_a_400_not_dropped(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})
    await ll.post("/sync/tracks")
    voice = (
        await ll.post("/voice", files={"file": ("v.wav", b"RIFF", "audio/x-wav")}, data={"title": "x"})
    ).status_code  # unreadable WAV: refused, so build the log with a placeholder instead
    assert voice == 400
    log = (
        await ll.post(
            "/logs",
            json={
                "date": DAY,
                "entries": [
                    {"start": "10:00:00", "track_id": 1},
                    {"start": "10:03:00", "title": "Liner TBD", "type": "LIN"},
                    {"start": "10:04:00", "track_id": 4},
                ],
            },
        )
    ).json()
    response = await ll.post(f"/logs/{log['id']}/publish")
    assert response.status_code == 400
    assert response.json()["details"]["fields"] == ["entries[1]"]
    assert "Liner TBD" in response.json()["message"]
    assert (await client.get("/api/v2/schedule")).json() == []  # nothing half-published


async def test_defect_04_local_times_are_converted_not_suffixed_with_z(
    client: httpx.AsyncClient, tmp_path: Path, stub: RunningStub, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})
    settings = librelog_settings_for(stub.base_url, tmp_path, flavor=flavor, station_timezone="America/Phoenix")
    async with librelog_client(settings) as (_r, http):
        log = (
            await http.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 1}]})
        ).json()
        assert log["timezone"] == "America/Phoenix"
        assert (await http.post(f"/logs/{log['id']}/publish")).status_code == 200
    assert await stub_schedule(client, DAY, "America/Phoenix") == [(f"{DAY}T13:00:00Z", 1)]


async def test_defect_05_starts_past_an_hour_cannot_spill_into_the_next(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await seed(client, {"fixture": "small"})
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "12:59:59", "libretime_id": 1}]})).json()
    seconds_form = await ll.put(f"/logs/{log['id']}/hours/12", json={"entries": [{"start": "3700", "libretime_id": 2}]})
    next_hour = await ll.put(
        f"/logs/{log['id']}/hours/12", json={"entries": [{"start": "13:01:40", "libretime_id": 2}]}
    )
    assert seconds_form.status_code == next_hour.status_code == 400
    assert (await ll.get(f"/logs/{log['id']}")).json()["entries"][0]["start"] == "12:59:59"


def test_defect_06_base_url_cleanup_strips_suffixes_not_characters() -> None:
    assert normalise_base_url("http://api") == "http://api"
    assert normalise_base_url("http://api/api/v2/") == "http://api"
    assert normalise_base_url("http://nginx:8080/api/v2") == "http://nginx:8080"


async def test_defect_07_config_is_complete_even_when_nothing_is_configured(tmp_path: Path) -> None:
    async with librelog_client(librelog_settings_for(None, tmp_path, api_key="")) as (_r, http):
        body = (await http.get("/sync/libretime/config")).json()
    assert body == {
        "api_url": None,
        "url_source": None,
        "public_url": None,
        "flavor": "integration",
        "api_key_set": False,
        "api_key_hint": None,
        "timeout_s": 1.0,
        "retries": 2,
        "station_timezone": "UTC",
        "station": "main",
    }


async def test_defect_08_dashboard_asks_libretime_not_local_rows(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await ll.get("/proxy/dashboard")
    asked = {e["path"] for e in (await client.get("/__stub__/journal")).json()["requests"]}
    assert {"/api/v2/info", "/api/v2/version", "/api/v2/stream/state"} <= asked
    await client.post("/__stub__/faults", json={"fault": "status", "status": 500})
    assert (await ll.get("/proxy/dashboard")).status_code == 502  # no LibreTime, no dashboard


async def test_defect_09_connection_status_needs_a_real_libretime_answer(
    stub: RunningStub, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    # Any 2xx is not enough: a 200 with a body that is not LibreTime's is a failed check.
    await client.post(
        "/__stub__/faults",
        json={"match": {"path": "/api/v2/version"}, "fault": "status", "status": 200, "body": {"hello": "nginx"}},
    )
    async with librelog_client(librelog_settings_for(stub.base_url, tmp_path)) as (_r, http):
        status = (await http.get("/sync/status")).json()
    assert status["connection_status"] is False
    assert "api_version" in status["libretime"]["error"]


async def test_defect_10_missing_log_is_404_and_integer_hour_works(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    missing = await ll.post("/logs/4242/publish")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    await seed(client, {"fixture": "small"})
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "12:00:00", "libretime_id": 3}]})).json()
    hour = await ll.post(f"/logs/{log['id']}/publish-hour", json={"hour": 12})
    assert (hour.status_code, hour.json()["hour"]) == (200, 12)


async def test_defect_11_a_voice_upload_that_landed_is_never_uploaded_twice(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    from tests.conftest import wav

    path = "/api/v2/integration/voice-tracks" if flavor == "integration" else "/rest/media"
    await client.post("/__stub__/faults", json={"match": {"path": path}, "fault": "malformed_json", "times": 1})
    voice = (await ll.post("/voice", files={"file": ("b.wav", wav(0.4), "audio/x-wav")}, data={"title": "B"})).json()
    first = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    second = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert (first.status_code, second.status_code) == (200, 409)
    same = (await client.get("/api/v2/files", params={"md5": voice["md5"]})).json()
    assert len(same) == 1


@pytest.mark.parametrize("flavor", ["integration"])  # stock v2 has no pages
async def test_defect_12_every_page_is_read_and_batch_errors_are_not_counted_as_synced(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await seed(client, {"generate": {"files": 250}})
    body = (await ll.post("/sync/tracks", params={"batch_size": 100})).json()
    assert (body["created"], body["pages"], body["total_processed"]) == (250, 3, 250)
    await client.post(
        "/__stub__/faults",
        json={"match": {"path": "/api/v2/integration/media-library"}, "fault": "malformed_json", "skip": 1},
    )
    failed = await ll.post("/sync/tracks", params={"batch_size": 100})
    assert failed.status_code == 502
    assert failed.json()["details"]["committed"] == {"created": 0, "updated": 0, "unchanged": 100, "pages": 1}


async def test_defect_13_log_edits_are_saved(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "09:00:00", "libretime_id": 1}]})).json()
    await ll.put(f"/logs/{log['id']}/hours/9", json={"entries": [{"start": "09:15:00", "libretime_id": 6}]})
    stored = (await ll.get(f"/logs/{log['id']}")).json()["entries"]
    assert [(e["start"], e["libretime_id"]) for e in stored] == [("09:15:00", 6)]


@pytest.mark.parametrize("flavor", ["v2"])
async def test_defect_14_clearing_a_day_never_deletes_other_shows(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The Java rewrite deleted by ?instance=X, which LibreTime ignores: the whole schedule went."""
    from tests.conftest import instance, schedule_row, show

    await seed(
        client,
        {
            "fixture": "small",
            "shows": [{"id": 50, **show(name="Jazz Tonight")}],
            "show_instances": [{"id": 50, **instance(50, "2026-11-26T20:00:00Z", "2026-11-26T22:00:00Z")}],
            "schedule": [{"id": 500, **schedule_row(50, 2, "2026-11-26T20:00:00Z", "2026-11-26T20:03:00Z")}],
        },
    )
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "08:00:00", "libretime_id": 1}]})).json()
    await ll.post(f"/logs/{log['id']}/publish")
    await ll.post(f"/logs/{log['id']}/publish")
    jazz = (await client.get("/api/v2/schedule/500")).json()
    assert (jazz["instance"], jazz["file"]) == (50, 2)
    calls = (await client.get("/__stub__/journal", params={"path": "/api/v2/schedule"})).json()["requests"]
    assert all("instance" not in e["query"] for e in calls)
