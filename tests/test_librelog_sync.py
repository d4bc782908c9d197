"""Track sync, playback-history sync, status, config, dashboard and file proxy (both flavours)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from stubs.librelog.services import sync
from stubs.libretime import RunningStub, StubConfig, run_stub
from tests.conftest import API_KEY, AUTH, librelog_client, librelog_settings_for, seed, stub_schedule

TYPE_CODES = ["MUS", "ADV", "PSA", "LIN", "INT", "PRO", "SHO", "IDS", "COM", "NEW"]


async def all_tracks(ll: httpx.AsyncClient) -> list[dict]:
    return (await ll.get("/tracks", params={"limit": 1000})).json()["items"]


async def test_empty_library_syncs_nothing_successfully(ll: httpx.AsyncClient, flavor: str) -> None:
    body = (await ll.post("/sync/tracks")).json()
    assert (body["success"], body["created"], body["total_processed"], body["pages"]) == (True, 0, 0, 0)
    assert await all_tracks(ll) == []


async def test_sync_pages_through_and_preserves_metadata(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})
    body = (await ll.post("/sync/tracks", params={"batch_size": 5})).json()
    assert (body["created"], body["pages"], body["total_processed"]) == (14, 3, 14)
    library = {item["id"]: item for item in (await client.get("/api/v2/integration/media-library")).json()["results"]}
    tracks = await all_tracks(ll)
    assert len(tracks) == 14
    for track in tracks:
        item = library[track["libretime_id"]]
        assert (track["title"], track["artist"], track["album"], track["genre"]) == (
            item["title"],
            item["artist"],
            item["album"],
            item["genre"],
        )
        assert (track["duration_s"], track["filepath"], track["mime"], track["md5"]) == (
            item["duration"],
            item["filepath"],
            item["mime"],
            item["md5"],
        )
        assert track["last_synced_at"] is not None


async def test_every_type_code_maps_and_unknown_becomes_mus(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})
    body = (await ll.post("/sync/tracks")).json()
    by_title = {t["title"]: t["type"] for t in await all_tracks(ll)}
    library = (await client.get("/api/v2/integration/media-library")).json()["results"]
    for item in library:
        if item["track_type"] in TYPE_CODES:
            assert by_title[item["title"]] == item["track_type"]
    assert by_title["News Bed"] == "MUS"  # code BED is not a LibreLog type
    assert by_title["Untyped Upload"] == "MUS"
    assert any("'BED'" in w for w in body["warnings"])
    assert any("no track type" in w for w in body["warnings"])


async def test_resync_updates_instead_of_duplicating(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})
    await ll.post("/sync/tracks")
    again = (await ll.post("/sync/tracks")).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 14)
    await client.patch("/api/v2/files/3", json={"track_title": "Sunday Highway (Radio Edit)"})
    changed = (await ll.post("/sync/tracks")).json()
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 13)
    tracks = await all_tracks(ll)
    assert len(tracks) == 14
    assert [t["title"] for t in tracks if t["libretime_id"] == 3] == ["Sunday Highway (Radio Edit)"]


async def test_limit_is_honoured(ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str) -> None:
    await seed(client, {"fixture": "small"})
    body = (await ll.post("/sync/tracks", params={"limit": 5, "batch_size": 2})).json()
    assert (body["total_processed"], body["pages"]) == (5, 3)
    assert [t["libretime_id"] for t in await all_tracks(ll)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "x"}, {"batch_size": "5000"}, {"batch_size": "0"}])
async def test_bad_sync_parameters_are_400(ll: httpx.AsyncClient, params: dict) -> None:
    response = await ll.post("/sync/tracks", params=params)
    assert response.status_code == 400
    assert response.json()["details"]["fields"] == list(params)


@pytest.mark.parametrize("flavor", ["integration"])  # stock v2 has no pages to be interrupted between
async def test_interrupted_sync_keeps_what_it_committed_and_converges(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await seed(client, {"generate": {"files": 50}})
    await client.post(
        "/__stub__/faults",
        json={"match": {"path": "/api/v2/integration/media-library"}, "fault": "status", "status": 500, "skip": 2},
    )
    failed = await ll.post("/sync/tracks", params={"batch_size": 10})
    assert (failed.status_code, failed.json()["error"]) == (502, "libretime_error")
    assert failed.json()["details"]["committed"]["created"] == 20
    assert len(await all_tracks(ll)) == 20
    await client.delete("/__stub__/faults")
    resumed = (await ll.post("/sync/tracks", params={"batch_size": 10})).json()
    assert (resumed["created"], resumed["unchanged"]) == (30, 20)
    assert len(await all_tracks(ll)) == 50
    # Interrupted again after retitling a file in each of the first two pages: both updates stay.
    for file_id in (3, 13):
        assert (await client.patch(f"/api/v2/files/{file_id}", json={"track_title": f"Retitled {file_id}"})).is_success
    await client.post(
        "/__stub__/faults",
        json={"match": {"path": "/api/v2/integration/media-library"}, "fault": "status", "status": 500, "skip": 2},
    )
    again = (await ll.post("/sync/tracks", params={"batch_size": 10})).json()
    assert again["details"]["committed"] == {"created": 0, "updated": 2, "unchanged": 18, "pages": 2}


async def test_track_filters(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await ll.post("/sync/tracks")
    ads = (await ll.get("/tracks", params={"type": "ADV"})).json()
    found = (await ll.get("/tracks", params={"search": "harbour"})).json()
    by_id = (await ll.get("/tracks", params={"libretime_id": 7})).json()
    page = (await ll.get("/tracks", params={"limit": 3, "offset": 3})).json()
    assert [t["title"] for t in ads["items"]] == ["Smith Hardware 30s"]
    assert [t["title"] for t in found["items"]] == ["Harbour Lights"]
    assert [t["title"] for t in by_id["items"]] == ["Mayor Interview"]
    assert (page["total"], page["limit"], page["offset"], [t["libretime_id"] for t in page["items"]]) == (
        14,
        3,
        3,
        [4, 5, 6],
    )
    assert (await ll.get("/tracks/999")).status_code == 404
    bad = await ll.get("/tracks", params={"type": "XYZ", "limit": "5000"})
    assert (bad.status_code, bad.json()["details"]["fields"]) == (400, ["type"])
    assert (await ll.get("/tracks", params={"limit": "5000"})).json()["details"]["fields"] == ["limit"]
    assert (await ll.get("/logs", params={"date": "tomorrow"})).json()["details"]["fields"] == ["date"]


async def test_create_track_validates_and_stores(ll: httpx.AsyncClient) -> None:
    bad = await ll.post("/tracks", json={"type": "XYZ", "duration_s": -1, "libretime_id": "7"})
    assert set(bad.json()["details"]["fields"]) == {"title", "type", "duration_s", "libretime_id"}
    created = await ll.post("/tracks", json={"title": "Local Promo", "type": "pro", "duration_s": 30})
    stored = (await ll.get(f"/tracks/{created.json()['id']}")).json()
    assert (created.status_code, stored["type"], stored["duration_s"]) == (201, "PRO", 30)
    first = (await ll.post("/tracks", json={"title": "A", "libretime_id": 9})).json()
    duplicate = await ll.post("/tracks", json={"title": "B", "libretime_id": 9})
    assert (duplicate.status_code, duplicate.json()["error"]) == (409, "conflict")
    assert duplicate.json()["details"] == {"field": "libretime_id", "track_id": first["id"]}
    assert duplicate.json()["message"] == f"Track {first['id']} already has LibreTime id 9."


async def test_a_created_track_keeps_every_field(ll: httpx.AsyncClient) -> None:
    given = {
        "title": "  Local Promo  ",
        "type": "adv",
        "artist": "Station Voice",
        "album": "Promos 2026",
        "genre": "Promo",
        "filepath": "local/promo.wav",
        "mime": "audio/x-wav",
        "md5": "0" * 32,
        "duration_s": 29.75,
        "libretime_id": 4242,
    }
    created = (await ll.post("/tracks", json=given)).json()
    stored = (await ll.get(f"/tracks/{created['id']}")).json()
    assert stored == created
    assert {k: stored[k] for k in given} == {**given, "title": "Local Promo", "type": "ADV"}
    assert (await ll.post("/tracks", json={"title": "Bare"})).json()["type"] == "MUS"
    wrong = await ll.post("/tracks", json={"title": "x", "artist": 5, "album": ["a"], "md5": {"x": 1}})
    assert wrong.json()["details"]["errors"] == [
        {"field": "artist", "message": "Must be a string."},
        {"field": "album", "message": "Must be a string."},
        {"field": "md5", "message": "Must be a string."},
    ]
    missing = (await ll.get("/tracks/999")).json()
    assert (missing["error"], missing["message"], missing["details"]) == (
        "not_found",
        "No track 999.",
        {"track_id": 999},
    )


async def published_and_played(ll: httpx.AsyncClient, lt: httpx.AsyncClient) -> list:
    await seed(lt, {"fixture": "small"})
    await ll.post("/sync/tracks")
    for day in ("2026-11-24", "2026-11-25"):
        log = (
            await ll.post(
                "/logs",
                json={
                    "date": day,
                    "entries": [{"start": "06:00:00", "track_id": 1}, {"start": "18:00:00", "track_id": 2}],
                },
            )
        ).json()
        await ll.post(f"/logs/{log['id']}/publish")
    played = await lt.post("/__stub__/playout", json={"start": "2026-11-24T00:00:00Z", "end": "2026-11-26T00:00:00Z"})
    assert played.json()["created"] == 4
    return await stub_schedule(lt, "2026-11-25")


async def test_history_sync_matches_what_played_and_is_idempotent(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await published_and_played(ll, client)
    body = (await ll.post("/sync/playback-history", json={"start_date": "2026-11-25", "end_date": "2026-11-25"})).json()
    assert (body["success"], body["fetched"], body["created"], body["duplicates"], body["unmatched"]) == (
        True,
        2,
        2,
        0,
        0,
    )
    stored = (await ll.get("/playback-history", params={"start": "2026-11-25", "end": "2026-11-25"})).json()["items"]
    tracks = {t["libretime_id"]: t for t in await all_tracks(ll)}
    assert [(h["played_at"], h["libretime_file_id"], h["track_id"]) for h in stored] == [
        ("2026-11-25T06:00:00Z", 1, tracks[1]["id"]),
        ("2026-11-25T18:00:00Z", 2, tracks[2]["id"]),
    ]
    again = (
        await ll.post("/sync/playback-history", json={"start_date": "2026-11-25", "end_date": "2026-11-25"})
    ).json()
    assert (again["created"], again["duplicates"]) == (0, 2)
    assert len((await ll.get("/playback-history")).json()["items"]) == 2  # the 24th was never asked for


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"end_date": "2026-11-25"}, "start_date"),
        ({"start_date": "2026-11-26", "end_date": "2026-11-25"}, "end_date"),
        ({"start_date": "yesterday", "end_date": "2026-11-25"}, "start_date"),
    ],
)
async def test_bad_history_ranges_are_400(ll: httpx.AsyncClient, body: dict, field: str) -> None:
    response = await ll.post("/sync/playback-history", json=body)
    assert (response.status_code, response.json()["details"]["fields"]) == (400, [field])


async def test_status_reports_a_live_connection(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str, stub: RunningStub
) -> None:
    await seed(client, {"fixture": "small"})
    before = (await ll.get("/sync/status")).json()
    assert (before["last_track_sync"], before["last_playback_sync"], before["total_tracks"]) == (None, None, 0)
    synced = (await ll.post("/sync/tracks")).json()
    await ll.post("/sync/playback-history", json={"start_date": "2026-11-25", "end_date": "2026-11-25"})
    status = (await ll.get("/sync/status")).json()
    assert status["connection_status"] is True
    libretime = status["libretime"]
    assert {k: libretime[k] for k in ("url", "flavor", "api_version", "error")} == {
        "url": stub.base_url,
        "flavor": flavor,
        "api_version": "2.0.0",
        "error": None,
    }
    assert 0 <= libretime["latency_ms"] < 5000
    assert status["total_tracks"] == synced["created"] == 14
    assert status["last_track_sync"].endswith("Z") and status["last_playback_sync"].endswith("Z")
    assert status["last_playback_sync"] >= status["last_track_sync"]


async def test_status_is_false_with_an_error_when_libretime_is_down(tmp_path: Path) -> None:
    async with run_stub(StubConfig(api_key=API_KEY)) as gone:
        url = gone.base_url  # a port that answered once and is now closed
    async with librelog_client(librelog_settings_for(url, tmp_path, retries=0)) as (_running, http):
        status = (await http.get("/sync/status")).json()
    assert status["connection_status"] is False
    assert status["libretime"]["error"].startswith("libretime_unreachable")


async def test_status_is_false_when_the_key_is_wrong(stub: RunningStub, tmp_path: Path) -> None:
    async with librelog_client(librelog_settings_for(stub.base_url, tmp_path, api_key="wrong")) as (_r, http):
        status = (await http.get("/sync/status")).json()
    assert status["connection_status"] is False
    assert status["libretime"]["api_version"] == "2.0.0"  # reachable, but the key is refused
    assert status["libretime"]["error"].startswith("libretime_auth_failed")


async def test_config_shows_the_effective_url_and_never_the_key(stub: RunningStub, tmp_path: Path) -> None:
    from stubs.librelog.config import Settings

    long_key = "k3y-" + "x" * 28
    env = {
        "LIBRETIME_INTERNAL_URL": stub.base_url + "/api/v2/",
        "LIBRETIME_API_URL": "http://public.example/api/v2",
        "LIBRETIME_API_KEY": long_key,
        "LIBRELOG_DB": str(tmp_path / "db.sqlite3"),
    }
    async with librelog_client(Settings.from_env(env)) as (_r, http):
        response = await http.get("/sync/libretime/config")
    body = response.json()
    assert (body["api_url"], body["url_source"], body["api_key_set"]) == (stub.base_url, "LIBRETIME_INTERNAL_URL", True)
    assert long_key not in response.text
    assert body["api_key_hint"].startswith("…xxxx")


async def test_dashboard_is_live_libretime_data(ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str) -> None:
    await seed(client, {"fixture": "small"})
    before = (await ll.get("/proxy/dashboard")).json()
    today = datetime.now(UTC).date().isoformat()
    await client.post(
        "/api/v2/integration/schedule/replace-day",
        json={"date": today, "entries": [{"start": f"{today}T10:00:00Z", "media_id": 2}]},
    )
    for hour, media in ((7, 3), (9, 1)):
        await client.post(
            "/api/v2/integration/schedule/replace-hour",
            json={"date": today, "hour": hour, "entries": [{"start": f"{today}T{hour:02d}:30:00Z", "media_id": media}]},
        )
    after = (await ll.get("/proxy/dashboard")).json()
    assert (before["station_name"], before["api_version"]) == ("LibreTime Stub", "2.0.0")
    assert before["today"] == {"date": today, "scheduled_items": 0, "first_start": None, "last_end": None}
    assert before["libretime_public_url"] is None
    held = sorted((await client.get("/api/v2/schedule")).json(), key=lambda r: r["starts_at"])
    assert after["today"] == {
        "date": today,
        "scheduled_items": 3,
        "first_start": f"{today}T07:30:00Z",
        "last_end": held[-1]["ends_at"],  # the latest item ends last, whichever flavour reads it
    }
    assert after["stream_state"] == (await client.get("/api/v2/stream/state")).json()


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize("path", ["/api/v2/info", "/api/v2/version", "/api/v2/stream/state"])
async def test_a_dashboard_source_answering_a_list_is_libretime_error(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, path: str
) -> None:
    rule = {"match": {"method": "GET", "path": path}, "fault": "status", "status": 200, "body": []}
    assert (await client.post("/__stub__/faults", json=rule)).status_code == 201
    response = await ll.get("/proxy/dashboard")
    body = response.json()
    assert (response.status_code, body["error"]) == (502, "libretime_error")
    assert body["message"] == f"LibreTime answered GET {path} with an unexpected list"


async def test_the_dashboard_names_the_public_url_it_is_configured_with(stub: RunningStub, tmp_path: Path) -> None:
    settings = librelog_settings_for(stub.base_url, tmp_path, public_url="https://radio.example/libretime")
    async with librelog_client(settings) as (_r, http):
        assert (await http.get("/proxy/dashboard")).json()["libretime_public_url"] == "https://radio.example/libretime"


async def test_file_proxy_streams_bytes_through_nginx(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    direct = await client.get("/api/v2/files/2/download")
    proxied = await ll.get("/proxy/files/2")
    assert (proxied.status_code, proxied.content) == (200, direct.content)
    assert len(proxied.content) > 44
    assert (await ll.get("/proxy/files/999")).status_code == 404


async def test_file_proxy_labels_a_download_libretime_calls_html_with_the_files_own_mime(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """LibreTime's download answer says text/html (its API's default), and nginx keeps that when it
    serves the bytes: the proxy names them by the file's own mime, so a browser can play them."""
    await seed(client, {"fixture": "small"})
    rule = {"match": {"path": "/api/v2/files/2/download"}, "fault": "wrong_content_type"}
    await client.post("/__stub__/faults", json=rule)
    proxied = await ll.get("/proxy/files/2")
    direct = await client.get("/api/v2/files/2/download")
    assert direct.headers["content-type"].startswith("text/html")
    assert (proxied.status_code, proxied.headers["content-type"]) == (200, "audio/x-wav")
    assert proxied.content == direct.content


async def test_file_proxy_against_the_api_port_is_a_clear_502(api_stub: RunningStub, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=api_stub.base_url, headers=AUTH) as lt:
        await seed(lt, {"fixture": "small"})
    async with librelog_client(librelog_settings_for(api_stub.base_url, tmp_path)) as (_r, http):
        response = await http.get("/proxy/files/1")
    body = response.json()
    assert (response.status_code, body["error"]) == (502, "libretime_error")
    assert "nginx" in body["message"]
    assert "X-Accel-Redirect" in body["details"]["upstream"]["body"]


async def test_history_of_station_local_days_keeps_each_row_on_its_side_of_midnight(
    stub: RunningStub, client: httpx.AsyncClient, flavor: str, tmp_path: Path
) -> None:
    """New York midnight is 05:00 UTC in winter: rows one second either side of each edge."""
    await seed(client, {"fixture": "small"})
    await seed(
        client,
        {
            "playout_history": [
                {"id": 901, "starts": "2030-01-01T04:59:59Z", "file": 1},  # Dec 31, 23:59:59 local
                {"id": 902, "starts": "2030-01-01T05:00:00Z", "file": 1, "schedule_id": 4242},  # Jan 1, 00:00 local
                {"id": 903, "starts": "2030-01-02T04:59:59.999999Z", "ends": "2030-01-02T05:02:00Z", "file": 2},
                {"id": 904, "starts": "2030-01-02T05:00:00Z", "file": 2},  # Jan 2, 00:00:00 local
                {"id": 905, "starts": "2030-01-01T12:00:00Z"},  # nothing LibreLog knows
                {"id": 906, "starts": "2030-01-01T13:00:00Z", "file": 14},  # not synced to LibreLog
            ]
        },
    )
    settings = librelog_settings_for(stub.base_url, tmp_path, flavor=flavor, station_timezone="America/New_York")
    async with librelog_client(settings) as (_running, ll):
        await ll.post("/sync/tracks", params={"limit": "13"})
        tracks = {t["libretime_id"]: t for t in await all_tracks(ll)}
        assert 14 not in tracks
        day = {"start_date": "2030-01-01", "end_date": "2030-01-01"}
        body = (await ll.post("/sync/playback-history", json=day)).json()
        assert {k: body[k] for k in ("fetched", "created", "duplicates", "unmatched")} == {
            "fetched": 4,
            "created": 4,
            "duplicates": 0,
            "unmatched": 2,
        }
        stored = (await ll.get("/playback-history")).json()["items"]
        # The integration flavour carries LibreTime's titles; v2's history has none, so the track's are used.
        named = flavor == "integration"
        assert [
            (h["libretime_history_id"], h["played_at"], h["ended_at"], h["track_id"], h["title"], h["artist"])
            for h in stored
        ] == [
            (902, "2030-01-01T05:00:00Z", None, tracks[1]["id"], tracks[1]["title"], tracks[1]["artist"]),
            (905, "2030-01-01T12:00:00Z", None, None, None, None),
            (906, "2030-01-01T13:00:00Z", None, None, *(("Untyped Upload", "Unknown") if named else (None, None))),
            (
                903,
                "2030-01-02T04:59:59.999999Z",
                "2030-01-02T05:02:00Z",
                tracks[2]["id"],
                tracks[2]["title"],
                tracks[2]["artist"],
            ),
        ]
        # Only the integration flavour's history names the schedule row a play came from.
        assert stored[0]["schedule_id"] == (4242 if named else None)
        # Reading back by station-local dates uses the same edges, inclusive of the last microsecond.
        listed = await ll.get("/playback-history", params={"start": "2030-01-01", "end": "2030-01-01"})
        assert [h["libretime_history_id"] for h in listed.json()["items"]] == [902, 905, 906, 903]
        late = await ll.get("/playback-history", params={"start": "2030-01-01T12:30:00Z"})
        assert [h["libretime_history_id"] for h in late.json()["items"]] == [906, 903]
        early = await ll.get("/playback-history", params={"end": "2030-01-01T12:00:00Z"})
        assert [h["libretime_history_id"] for h in early.json()["items"]] == [902, 905]
        bad = (await ll.get("/playback-history", params={"start": "soon", "end": "2030-13-01"})).json()
        assert [(e["field"], e["message"]) for e in bad["details"]["errors"]] == [
            ("start", "A date YYYY-MM-DD (station-local) or an ISO 8601 datetime."),
            ("end", "A date YYYY-MM-DD (station-local) or an ISO 8601 datetime."),
        ]


@pytest.mark.parametrize(
    ("flavor", "probe"), [("v2", "/api/v2/stream/state"), ("integration", "/api/v2/integration/sync-status")]
)
async def test_status_asks_only_what_its_flavour_has_and_times_the_round_trip(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, probe: str
) -> None:
    """A stock LibreTime has no integration routes: v2 must never ask them. The latency is the
    measured round trip, in milliseconds with one decimal."""
    delay = {"match": {"method": "GET", "path": "/api/v2/version"}, "fault": "delay", "delay_ms": 60}
    await client.post("/__stub__/faults", json=delay)
    await client.delete("/__stub__/journal")
    status = (await ll.get("/sync/status")).json()
    journal = (await client.get("/__stub__/journal")).json()["requests"]
    assert [(e["method"], e["path"]) for e in journal] == [("GET", "/api/v2/version"), ("GET", probe)]
    assert set(status["libretime"]) == {"url", "flavor", "api_version", "latency_ms", "error"}
    latency = status["libretime"]["latency_ms"]
    assert isinstance(latency, float) and 60 <= latency < 5000 and round(latency, 1) == latency
    assert status["connection_status"] is True


@pytest.mark.parametrize(
    ("flavor", "path", "answer", "error"),
    [
        (
            "v2",
            "/api/v2/version",
            {"version": "4", "notes": "n" * 200},
            "/api/v2/version answered without an api_version: " + str({"version": "4", "notes": "n" * 200})[:100],
        ),
        (
            "integration",
            "/api/v2/integration/sync-status",
            {"status": "degraded", "detail": "x" * 200},
            "sync-status is not ok: " + str({"status": "degraded", "detail": "x" * 200})[:100],
        ),
    ],
)
async def test_status_names_what_libretime_answered_instead(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, path: str, answer: dict, error: str
) -> None:
    """The error quotes LibreTime's answer, cut at 100 characters."""
    rule = {"match": {"method": "GET", "path": path}, "fault": "status", "status": 200, "body": answer}
    await client.post("/__stub__/faults", json=rule)
    status = (await ll.get("/sync/status")).json()
    assert (status["connection_status"], status["libretime"]["error"]) == (False, f"libretime_error: {error}")


async def test_the_dashboard_counts_the_station_local_day(
    stub: RunningStub, client: httpx.AsyncClient, flavor: str, tmp_path: Path
) -> None:
    """Today is the station's today: rows a minute either side of its two midnights, in a zone
    whose date differs from UTC's right now (so a UTC "today" cannot pass)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from tests.conftest import instance, schedule_row, show

    name = "Etc/GMT+12" if datetime.now(UTC).hour < 12 else "Pacific/Kiritimati"  # UTC-12 / UTC+14
    tz = ZoneInfo(name)
    today = datetime.now(UTC).astimezone(tz).date()
    assert today != datetime.now(UTC).date()
    start = datetime.combine(today, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=tz).astimezone(UTC)

    def z(at: datetime) -> str:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")

    edges = [start - timedelta(minutes=1), start, end - timedelta(minutes=1), end]
    await seed(client, {"fixture": "small"})
    await seed(
        client,
        {
            "shows": [show(id=70, name="Around midnight")],
            "show_instances": [instance(70, z(edges[0]), z(end + timedelta(minutes=2)), id=71)],
            "schedule": [
                schedule_row(71, 1, z(at), z(at + timedelta(seconds=50)), position=n, cue_out="00:00:50")
                for n, at in enumerate(edges)
            ],
        },
    )
    settings = librelog_settings_for(stub.base_url, tmp_path, flavor=flavor, station_timezone=name)
    async with librelog_client(settings) as (_running, ll):
        board = (await ll.get("/proxy/dashboard")).json()
    assert board["today"] == {
        "date": today.isoformat(),
        "scheduled_items": 2,
        "first_start": z(start),
        "last_end": z(end - timedelta(seconds=10)),
    }


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_sync_takes_only_visible_files_with_an_id(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    files = (await client.get("/api/v2/files")).json()
    answer = [files[0], "junk", {**files[1], "id": "2"}, {**files[2], "hidden": True}, {**files[3], "hidden": None}]
    rule = {"match": {"method": "GET", "path": "/api/v2/files"}, "fault": "status", "status": 200, "body": answer}
    await client.post("/__stub__/faults", json=rule)
    synced = (await ll.post("/sync/tracks")).json()
    assert (synced["success"], synced["created"]) == (True, 2)
    assert sorted(t["libretime_id"] for t in await all_tracks(ll)) == [files[0]["id"], files[3]["id"]]


@pytest.mark.parametrize("flavor", ["v2"])
async def test_track_search_takes_wildcards_literally_and_combines_with_every_filter(ll: httpx.AsyncClient) -> None:
    titles = {"100% Hits": "MUS", "100 Hits": "MUS", "A_B": "PRO", "AxB": "PRO", "C\\D": "MUS", "CD": "MUS"}
    made = {}
    for n, (title, type_) in enumerate(titles.items(), start=1):
        made[title] = (await ll.post("/tracks", json={"title": title, "type": type_, "libretime_id": 500 + n})).json()

    async def found(**params: object) -> list[str]:
        body = (await ll.get("/tracks", params=params)).json()
        assert body["total"] == len(body["items"])
        return [t["title"] for t in body["items"]]

    assert await found(search="%") == ["100% Hits"]
    assert await found(search="_") == ["A_B"]
    assert await found(search="\\") == ["C\\D"]
    assert await found(search="B", type="pro") == ["A_B", "AxB"]
    assert await found(search="_", type="PRO", libretime_id=made["A_B"]["libretime_id"]) == ["A_B"]
    assert await found(search="_", type="MUS") == []
    assert await found(type="PRO", libretime_id=made["AxB"]["libretime_id"]) == ["AxB"]


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("", None),
        ("k" * 15, "15 chars"),
        ("k" * 12 + "WXYZ", "…WXYZ (16 chars)"),
        ("s3cr3t-" + "k" * 20 + "1234", "…1234 (31 chars)"),
    ],
)
def test_the_key_hint_shows_the_last_four_characters_of_long_keys_only(key: str, hint: str | None) -> None:
    from stubs.librelog.config import Settings
    from stubs.librelog.services.sync import libretime_config

    shown = libretime_config(Settings(api_key=key))
    assert (shown["api_key_set"], shown["api_key_hint"]) == (bool(key), hint)


@pytest.mark.parametrize("flavor", ["integration"])
async def test_the_integration_library_gives_lengths_as_seconds_or_durations_and_ids_always(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    items = [
        {"id": 1, "title": "Seconds", "duration": 12.5, "length": "00:09:99"},
        {"id": 2, "title": "Text", "length": "00:03:00.25"},
        {"id": 3, "title": "Unknown"},
    ]
    rule = {"match": {"method": "GET", "path": "/api/v2/integration/media-library"}, "fault": "status", "status": 200}
    await client.post("/__stub__/faults", json={**rule, "body": {"results": items, "next": None}, "times": 1})
    assert (await ll.post("/sync/tracks")).json()["created"] == 3
    assert [(t["title"], t["duration_s"]) for t in await all_tracks(ll)] == [
        ("Seconds", 12.5),
        ("Text", 180.25),
        ("Unknown", None),
    ]
    for junk in ("x", {"id": "4"}, "y" * 300):
        await client.post("/__stub__/faults", json={**rule, "body": {"results": [junk], "next": None}, "times": 1})
        body = (await ll.post("/sync/tracks")).json()
        assert body["message"] == f"media-library item without an id: {str(junk)[:200]}"


@pytest.mark.parametrize("flavor", ["integration"])
async def test_a_track_without_a_title_is_named_by_its_file_and_keeps_six_decimals(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    items = [
        {"id": 1, "filepath": "imported/1/Jo DJ/0001 - Morning.wav", "duration": 12.12345678},
        {"id": 2, "filepath": "plain.mp3", "track_type": "LIN"},
        {"id": 3, "track_type": "XYZ"},
        {"id": 4, "title": "Named", "filepath": "a/b.wav", "track_type": "  "},
        {"id": 5, "track_type": "QQQ"},
    ]
    rule = {"match": {"method": "GET", "path": "/api/v2/integration/media-library"}, "fault": "status", "status": 200}
    await client.post("/__stub__/faults", json={**rule, "body": {"results": items, "next": None}, "times": 1})
    body = (await ll.post("/sync/tracks")).json()
    assert [(t["title"], t["type"], t["duration_s"]) for t in await all_tracks(ll)] == [
        ("0001 - Morning.wav", "MUS", 12.123457),
        ("plain.mp3", "LIN", None),
        ("LibreTime file 3", "MUS", None),
        ("Named", "MUS", None),
        ("LibreTime file 5", "MUS", None),
    ]
    assert body["warnings"] == [
        "no track type in LibreTime: 2 track(s) stored as MUS",
        "unknown track type 'QQQ': 1 track(s) stored as MUS",
        "unknown track type 'XYZ': 1 track(s) stored as MUS",
    ]


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_resync_counts_updates_in_every_batch(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    assert (await ll.post("/sync/tracks", params={"batch_size": "5"})).json()["created"] == 14
    for file_id in (1, 7, 13):  # one file in each batch of five
        assert (await client.patch(f"/api/v2/files/{file_id}", json={"track_title": f"Retitled {file_id}"})).is_success
    again = (await ll.post("/sync/tracks", params={"batch_size": "5"})).json()
    assert {k: again[k] for k in ("created", "updated", "unchanged")} == {"created": 0, "updated": 3, "unchanged": 11}
    titles = {t["libretime_id"]: t["title"] for t in await all_tracks(ll)}
    assert [titles[i] for i in (1, 7, 13)] == ["Retitled 1", "Retitled 7", "Retitled 13"]


async def test_the_latency_is_the_round_trip_in_milliseconds_to_a_tenth(
    ll: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a clock that reads 10 s before the checks and 10.25678 s after them, 256.8 ms."""
    readings = iter([10.0, 10.25678])
    monkeypatch.setattr(sync, "time", SimpleNamespace(perf_counter=lambda: next(readings)))
    status = (await ll.get("/sync/status")).json()
    assert (status["connection_status"], status["libretime"]["latency_ms"]) == (True, 256.8)
