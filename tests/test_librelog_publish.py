"""Publishing, in both flavours: what LibreTime holds afterwards is exactly the log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import seed, stub_schedule, upstream_of

DAY = "2026-11-25"


async def synced(ll: httpx.AsyncClient, lt: httpx.AsyncClient) -> None:
    await seed(lt, {"fixture": "small"})
    assert (await ll.post("/sync/tracks")).json()["created"] == 14


def hourly(day: str = DAY, tz: str = "UTC", hours: range = range(24)) -> dict:
    entries = []
    for h in hours:
        entries += [
            {"start": f"{h:02d}:00:00", "track_id": 10, "hard_start": True},
            {"start": f"{h:02d}:00:06", "track_id": 1 + h % 3},
            {"start": f"{h:02d}:30:00", "track_id": 4},
        ]
    return {"date": day, "timezone": tz, "entries": entries}


async def test_publish_makes_libretime_hold_exactly_the_log(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=hourly())).json()
    response = await ll.post(f"/logs/{log['id']}/publish")
    body = response.json()
    assert response.status_code == 200
    assert body["published_entries"] == 72
    assert body["libretime"] == {"deleted": 0, "created": 72}
    expected = [(f"{DAY}T{e['start']}Z", e["libretime_id"]) for e in log["entries"]]
    assert await stub_schedule(client, DAY) == expected
    rows = (await client.get("/api/v2/schedule")).json()
    assert {(r["fade_in"], r["fade_out"]) for r in rows} == {("00:00:00", "00:00:00")}  # explicit fades
    positions = [r["position"] for r in sorted(rows, key=lambda r: r["starts_at"])]
    assert positions == list(range(72))
    if flavor == "integration":  # stock LibreTime has nowhere to keep hard_start
        read = (await client.get("/api/v2/integration/schedule", params={"date": DAY})).json()["entries"]
        assert [e["hard_start"] for e in read] == [e["hard_start"] for e in log["entries"]]
    assert set(body) == {"log_id", "date", "scope", "published_entries", "libretime", "published_at"}
    assert (body["log_id"], body["date"], body["scope"]) == (log["id"], DAY, "day")
    stored = (await ll.get(f"/logs/{log['id']}")).json()
    assert (stored["status"], stored["published_at"]) == ("published", body["published_at"])
    assert stored["last_publish"] == {
        "at": body["published_at"],
        "scope": "day",
        "hour": None,
        "entries": 72,
        "deleted": 0,
        "created": 72,
    }


async def test_republish_replaces_instead_of_appending(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=hourly())).json()
    await ll.post(f"/logs/{log['id']}/publish")
    again = (await ll.post(f"/logs/{log['id']}/publish")).json()
    assert again["libretime"] == {"deleted": 72, "created": 72}
    assert len(await stub_schedule(client, DAY)) == 72
    assert len((await client.get("/api/v2/schedule")).json()) == 72


async def test_publish_leaves_other_days_and_shows_alone(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)
    other = (await ll.post("/logs", json=hourly("2026-11-26", hours=range(2)))).json()
    await ll.post(f"/logs/{other['id']}/publish")
    log = (await ll.post("/logs", json=hourly(hours=range(3)))).json()
    await ll.post(f"/logs/{log['id']}/publish")
    await ll.post(f"/logs/{log['id']}/publish")
    assert len(await stub_schedule(client, "2026-11-26")) == 6
    assert len(await stub_schedule(client, DAY)) == 9


async def test_publish_hour_changes_only_that_hour(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=hourly())).json()
    await ll.post(f"/logs/{log['id']}/publish")
    before = {r["id"]: r for r in (await client.get("/api/v2/schedule")).json()}
    await ll.put(
        f"/logs/{log['id']}/hours/12",
        json={"entries": [{"start": "12:00:00", "track_id": 12}, {"start": "12:15:00", "track_id": 7}]},
    )
    response = await ll.post(f"/logs/{log['id']}/publish-hour", json={"hour": 12})
    assert response.status_code == 200
    assert (response.json()["hour"], response.json()["libretime"]) == (12, {"deleted": 3, "created": 2})
    after = {r["id"]: r for r in (await client.get("/api/v2/schedule")).json()}
    untouched = {i: r for i, r in before.items() if not r["starts_at"].startswith(f"{DAY}T12:")}
    assert {i: after[i] for i in untouched} == untouched  # byte-identical outside hour 12
    hour12 = sorted((r["starts_at"], r["file"]) for r in after.values() if r["starts_at"].startswith(f"{DAY}T12:"))
    assert hour12 == [(f"{DAY}T12:00:00Z", 12), (f"{DAY}T12:15:00Z", 7)]


@pytest.mark.parametrize("hour", [12, "12", "12:00"])
async def test_publish_hour_accepts_every_hour_form(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, hour: object
) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=hourly(hours=range(11, 14)))).json()
    response = await ll.post(f"/logs/{log['id']}/publish-hour", json={"hour": hour})
    assert (response.status_code, response.json()["hour"]) == (200, 12)
    assert [start[11:13] for start, _ in await stub_schedule(client, DAY)] == ["12", "12", "12"]


@pytest.mark.parametrize("hour", [24, -1, "25:00", "12:30", None, "noon"])
async def test_publish_hour_rejects_non_hours(ll: httpx.AsyncClient, client: httpx.AsyncClient, hour: object) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=hourly(hours=range(1)))).json()
    response = await ll.post(f"/logs/{log['id']}/publish-hour", json={"hour": hour})
    assert (response.status_code, response.json()["details"]["fields"]) == (400, ["hour"])
    assert (await client.get("/api/v2/schedule")).json() == []


async def test_station_timezone_with_dst_publishes_every_entry_once(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)
    tz = ZoneInfo("America/New_York")
    for day, hours in (("2026-03-08", 23), ("2026-11-01", 25)):
        entries = []
        start = datetime.fromisoformat(day).replace(tzinfo=tz).astimezone(UTC)
        for h in range(hours):
            local = (start + timedelta(hours=h)).astimezone(tz)
            entries.append({"start": local.strftime("%H:%M:%S"), "fold": local.fold, "track_id": 1 + h % 3})
        log = (await ll.post("/logs", json={"date": day, "timezone": "America/New_York", "entries": entries})).json()
        assert [e["position"] for e in log["entries"]] == list(range(hours))
        published = (await ll.post(f"/logs/{log['id']}/publish")).json()
        assert published["published_entries"] == hours
        held = await stub_schedule(client, day, "America/New_York")
        expected = [(start + timedelta(hours=h)).isoformat().replace("+00:00", "Z") for h in range(hours)]
        assert [s for s, _ in held] == expected


async def test_skipped_local_time_is_a_400(ll: httpx.AsyncClient) -> None:
    response = await ll.post(
        "/logs", json={"date": "2026-03-08", "timezone": "America/New_York", "entries": [{"start": "02:30:00"}]}
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["details"]["errors"][0]["message"]


async def test_concurrent_publishes_of_one_day_do_not_mix(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=hourly(hours=range(6)))).json()
    results = await asyncio.gather(*(ll.post(f"/logs/{log['id']}/publish") for _ in range(4)))
    assert [r.status_code for r in results] == [200] * 4
    expected = [(f"{DAY}T{e['start']}Z", e["libretime_id"]) for e in log["entries"]]
    assert await stub_schedule(client, DAY) == expected
    assert len((await client.get("/api/v2/schedule")).json()) == 18


async def test_unconfigured_libretime_is_503_and_nothing_is_invented(tmp_path: object) -> None:
    from tests.conftest import librelog_client, librelog_settings_for

    async with librelog_client(librelog_settings_for(None, tmp_path)) as (_, http):
        await http.post("/tracks", json={"title": "Local", "libretime_id": 3})
        log = (await http.post("/logs", json={"date": DAY, "entries": [{"start": "10:00:00", "track_id": 1}]})).json()
        publish = await http.post(f"/logs/{log['id']}/publish")
        sync = await http.post("/sync/tracks")
        config = (await http.get("/sync/libretime/config")).json()
    assert (publish.status_code, publish.json()["error"]) == (503, "libretime_not_configured")
    assert (sync.status_code, sync.json()["error"]) == (503, "libretime_not_configured")
    assert (config["api_url"], config["url_source"], config["api_key_set"]) == (None, None, True)


async def test_two_logs_of_one_day_published_at_once_never_mix(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)
    north = (await ll.post("/logs", json={**hourly(hours=range(4)), "station": "north"})).json()
    south_body = hourly(hours=range(4))
    for entry in south_body["entries"]:
        entry["track_id"] = 5
    south = (await ll.post("/logs", json={**south_body, "station": "south"})).json()
    results = await asyncio.gather(*(ll.post(f"/logs/{log['id']}/publish") for log in (north, south, north, south)))
    assert [r.status_code for r in results] == [200] * 4
    held = await stub_schedule(client, DAY)
    candidates = [[(f"{DAY}T{e['start']}Z", e["libretime_id"]) for e in log["entries"]] for log in (north, south)]
    assert held in candidates


async def test_media_libretime_does_not_hold_is_refused_before_anything_is_sent(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await synced(ll, client)  # files 1-14 are in LibreLog's library
    await client.delete("/__stub__/journal")
    entries = [
        {"start": "06:00:00", "libretime_id": 2},
        {"start": "07:00:00", "libretime_id": 999},  # never synced, and LibreTime has no such file
        {"start": "08:00:00", "libretime_id": 998},
    ]
    log = (await ll.post("/logs", json={"date": DAY, "entries": entries})).json()
    response = await ll.post(f"/logs/{log['id']}/publish")
    body = response.json()
    assert response.status_code == 400, body
    assert body["error"] == "validation_failed"
    assert body["details"]["fields"] == ["entries[1]", "entries[2]"]
    assert body["message"].startswith(
        "Entries whose media LibreTime does not hold cannot be published; nothing was sent."
    )
    assert body["details"]["errors"][0] == {
        "field": "entries[1]",
        "message": "07:00:00: LibreTime has no media 999 (not in LibreLog's track library,"
        " and LibreTime answered 404): sync tracks or fix the entry.",
    }
    journal = (await client.get("/__stub__/journal")).json()["requests"]
    # LibreTime was asked about the two unknown ids, once each, and received nothing else.
    assert sorted((r["method"], r["path"]) for r in journal) == [
        ("GET", "/api/v2/files/998"),
        ("GET", "/api/v2/files/999"),
    ]
    assert await stub_schedule(client, DAY) == []
    assert (await ll.get(f"/logs/{log['id']}")).json()["status"] == "draft"


async def test_a_library_track_libretime_no_longer_holds_is_named_once_libretime_refuses_it(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    """LibreLog's library is trusted without asking LibreTime: a track entered with an id LibreTime
    does not hold (or no longer holds) reaches LibreTime, which refuses the publish. LibreLog then
    asks, and answers what the client can fix (400 naming the entry), not a gateway error."""
    await seed(client, {"fixture": "small"})
    track = await ll.post("/tracks", json={"title": "Gone", "type": "MUS", "libretime_id": 2_147_000_000})
    assert track.status_code == 201, track.text
    entries = [{"start": "06:00:00", "libretime_id": 2}, {"start": "07:00:00", "libretime_id": 2_147_000_000}]
    log = (await ll.post("/logs", json={"date": DAY, "entries": entries})).json()
    response = await ll.post(f"/logs/{log['id']}/publish")
    body = response.json()
    assert (response.status_code, body["error"], body["details"]["fields"]) == (
        400,
        "validation_failed",
        ["entries[1]"],
    )
    named = (
        "07:00:00: LibreTime has no media 2147000000 (in LibreLog's track library, but LibreTime answered 404):"
        " sync tracks or fix the entry."
    )
    assert body["message"] == (
        "Entries whose media LibreTime does not hold cannot be published; LibreTime refused them and nothing"
        f" changed. entries[1]: {named}"
    )
    assert body["details"]["errors"][0]["message"] == named
    assert await stub_schedule(client, DAY) == []
    assert (await ll.get(f"/logs/{log['id']}")).json()["status"] == "draft"


async def test_media_never_synced_but_held_by_libretime_is_published(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})  # LibreLog never synced: its library is empty
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 3}]})).json()
    response = await ll.post(f"/logs/{log['id']}/publish")
    assert response.status_code == 200, response.text
    assert await stub_schedule(client, DAY) == [(f"{DAY}T06:00:00Z", 3)]
    lookups = (await client.get("/__stub__/journal", params={"method": "GET", "path": "/api/v2/files/3"})).json()
    assert lookups["count"] == (1 if flavor == "integration" else 2)  # v2 reads the file's cues once more


async def test_a_wrong_base_url_is_not_mistaken_for_missing_media(
    client: httpx.AsyncClient, stub: object, tmp_path: object
) -> None:
    from stubs.librelog import run_librelog
    from tests.conftest import librelog_settings_for

    await seed(client, {"fixture": "small"})
    settings = librelog_settings_for(stub.base_url + "/not-libretime", tmp_path)  # type: ignore[attr-defined]
    async with run_librelog(settings) as running, httpx.AsyncClient(base_url=running.base_url) as ll:
        log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 3}]})).json()
        response = await ll.post(f"/logs/{log['id']}/publish")
    body = response.json()
    assert (response.status_code, body["error"]) == (502, "libretime_rejected")
    assert body["message"].startswith("LibreTime rejected GET /api/v2/files/3 (404): <!doctype html>")
    assert upstream_of(body) == ("GET", "/api/v2/files/3", 404)


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_publish_reads_only_the_station_day_it_replaces(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """LibreTime's own filter narrows the read to the day (New York: 05:00Z to 05:00Z); rows
    are then checked exactly, since its bounds are inclusive."""
    await seed(client, {"fixture": "small"})
    body = {"date": "2030-01-01", "timezone": "America/New_York", "entries": [{"start": "00:00:00", "libretime_id": 1}]}
    log = (await ll.post("/logs", json=body)).json()
    await client.delete("/__stub__/journal")
    assert (await ll.post(f"/logs/{log['id']}/publish")).status_code == 200
    reads = (await client.get("/__stub__/journal", params={"method": "GET", "path": "/api/v2/schedule"})).json()
    assert {tuple(sorted(r["query"].items())) for r in reads["requests"]} == {
        (("starts_after", "2030-01-01T05:00:00Z"), ("starts_before", "2030-01-02T05:00:00Z"))
    }


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_publish_makes_its_show_once_and_reuses_an_instance_covering_the_day(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Stock LibreTime needs a show instance around every row: LibreLog keeps one show of its own
    ("LibreLog") and one instance per station day, created once with exactly these fields."""
    from tests.conftest import instance, show

    await seed(client, {"fixture": "small"})
    await seed(
        client,
        {
            "shows": [show(id=40, name="Morning Drive")],
            "show_instances": [instance(40, f"{DAY}T00:00:00Z", "2026-11-26T00:00:00Z", id=41)],
        },
    )
    await client.delete("/__stub__/journal")
    first = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 1}]})).json()
    assert (await ll.post(f"/logs/{first['id']}/publish")).status_code == 200
    posts = (await client.get("/__stub__/journal", params={"method": "POST"})).json()["requests"]
    made = {r["path"]: r["json"] for r in posts if r["path"] in ("/api/v2/shows", "/api/v2/show-instances")}
    assert made["/api/v2/shows"] == {
        "name": "LibreLog",
        "description": "Daily logs published by LibreLog",
        # LibreTime's web UI cannot draw a show without its colours.
        "background_color": "76aca5",
        "foreground_color": "ffffff",
        "linked": False,
        "linkable": False,
        "auto_playlist_enabled": False,
        "auto_playlist_repeat": False,
        "override_intro_playlist": False,
        "override_outro_playlist": False,
    }
    shows = [s for s in (await client.get("/api/v2/shows")).json() if s["name"] == "LibreLog"]
    assert len(shows) == 1
    created = made["/api/v2/show-instances"]
    assert {k: v for k, v in created.items() if k != "created_at"} == {
        "show": shows[0]["id"],
        "starts_at": f"{DAY}T00:00:00Z",
        "ends_at": "2026-11-26T00:00:00Z",
        "modified": False,
        "auto_playlist_built": False,
    }
    [row] = (await client.get("/api/v2/schedule")).json()
    assert row["instance"] != 41  # never another show's instance, even one covering the day
    own = row["instance"]
    # The next day, and this day again: the same show, and for this day the same instance.
    await client.delete("/__stub__/journal")
    second = (
        await ll.post("/logs", json={"date": "2026-11-26", "entries": [{"start": "06:00:00", "libretime_id": 2}]})
    ).json()
    assert (await ll.post(f"/logs/{second['id']}/publish")).status_code == 200
    assert (await ll.post(f"/logs/{first['id']}/publish")).status_code == 200
    posts = (await client.get("/__stub__/journal", params={"method": "POST"})).json()["requests"]
    assert [r["path"] for r in posts if r["path"].startswith("/api/v2/show")] == ["/api/v2/show-instances"]
    assert [s["name"] for s in (await client.get("/api/v2/shows")).json()].count("LibreLog") == 1
    today = [r for r in (await client.get("/api/v2/schedule")).json() if r["starts_at"].startswith(DAY)]
    assert [r["instance"] for r in today] == [own]


@pytest.mark.parametrize("flavor", ["v2"])
@pytest.mark.parametrize("path", ["/api/v2/shows", "/api/v2/show-instances"])
async def test_a_v2_show_or_instance_that_failed_to_be_made_is_looked_up_before_it_is_made_again(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, path: str
) -> None:
    await seed(client, {"fixture": "small"})
    await client.post(
        "/__stub__/faults",
        json={"match": {"method": "POST", "path": path}, "fault": "status", "status": 503, "times": 1},
    )
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 1}]})).json()
    await client.delete("/__stub__/journal")
    assert (await ll.post(f"/logs/{log['id']}/publish")).status_code == 200
    calls = [
        (r["method"], r["status"])
        for r in (await client.get("/__stub__/journal", params={"path": path})).json()["requests"]
    ]
    # Not created blind twice: the failed POST, a fresh GET, then the POST that worked.
    assert calls[-3:] == [("POST", 503), ("GET", 200), ("POST", 201)]
    assert await stub_schedule(client, DAY) == [(f"{DAY}T06:00:00Z", 1)]


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_row_plays_the_file_between_its_cue_points_to_the_microsecond(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """LibreTime plays a row from cue in to cue out: LibreLog writes them from the file, the row's
    length and end follow, and a file without cue out uses its length."""
    await seed(client, {"fixture": "small"})
    assert (
        await client.patch("/api/v2/files/1", json={"cue_in": "00:00:01.5", "cue_out": "00:00:10.250001"})
    ).is_success
    two = {**(await client.get("/api/v2/files/2")).json(), "cue_in": None, "cue_out": None, "length": "00:02:00.5"}
    rule = {"match": {"method": "GET", "path": "/api/v2/files/2"}, "fault": "status", "status": 200, "body": two}
    await client.post("/__stub__/faults", json=rule)  # a file LibreTime has not cued: its length counts
    entries = [{"start": "06:00:00", "libretime_id": 1}, {"start": "06:10:00", "libretime_id": 2}]
    log = (await ll.post("/logs", json={"date": DAY, "entries": entries})).json()
    await client.delete("/__stub__/journal")
    assert (await ll.post(f"/logs/{log['id']}/publish")).status_code == 200
    posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": "/api/v2/schedule"})).json()
    first, second = (r["json"] for r in posts["requests"])
    assert {k: v for k, v in first.items() if k != "instance"} == {
        "starts_at": f"{DAY}T06:00:00Z",
        "ends_at": f"{DAY}T06:00:08.750001Z",
        "file": 1,
        "cue_in": "00:00:01.500000",
        "cue_out": "00:00:10.250001",
        "length": "00:00:08.750001",
        "fade_in": "00:00:00",
        "fade_out": "00:00:00",
        "position": 0,
        "position_status": 1,
        "broadcasted": 0,
    }
    assert (second["cue_in"], second["cue_out"], second["length"]) == ("00:00:00", "00:02:00.500000", "00:02:00.500000")
    assert (second["ends_at"], second["position"]) == (f"{DAY}T06:12:00.500000Z", 1)


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_file_whose_analysis_found_no_cue_points_plays_to_its_end(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """LibreTime's analyzer leaves cue_out at 00:00:00 when it cannot look for cue points (it needs
    ffmpeg for that): such a file plays from its cue in to its end, never for no time at all."""
    await seed(client, {"fixture": "small"})
    for file_id, cue_in, cue_out in (
        (1, "00:00:00", "00:00:00"),
        (2, "00:00:02.5", "00:00:00"),
        (3, "00:00:05", "00:00:05"),
    ):
        patched = await client.patch(f"/api/v2/files/{file_id}", json={"cue_in": cue_in, "cue_out": cue_out})
        assert patched.is_success
    entries = [{"start": "06:00:00", "libretime_id": 1}, {"start": "06:10:00", "libretime_id": 2}]
    entries.append({"start": "06:20:00", "libretime_id": 3})  # its cue out no later than its cue in: none
    log = (await ll.post("/logs", json={"date": DAY, "entries": entries})).json()
    await client.delete("/__stub__/journal")
    assert (await ll.post(f"/logs/{log['id']}/publish")).status_code == 200
    posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": "/api/v2/schedule"})).json()
    first, second, third = (r["json"] for r in posts["requests"])
    whole = (await client.get("/api/v2/files/3")).json()["length"]
    assert (third["cue_in"], third["cue_out"]) == ("00:00:05", whole)
    assert (first["cue_in"], first["cue_out"], first["length"]) == ("00:00:00", "00:03:34.500000", "00:03:34.500000")
    assert first["ends_at"] == f"{DAY}T06:03:34.500000Z"
    assert (second["cue_in"], second["cue_out"], second["length"]) == (
        "00:00:02.500000",
        "00:03:07.250000",
        "00:03:04.750000",
    )
    assert second["ends_at"] == f"{DAY}T06:13:04.750000Z"


@pytest.mark.parametrize("flavor", ["v2"])
@pytest.mark.parametrize(
    "cues",
    [
        {"cue_in": "00:00:00", "cue_out": None, "length": None},
        {"cue_in": "00:00:00", "cue_out": None, "length": "00:00:00"},
        # No cue out, and nothing left of the file after its cue in.
        {"cue_in": "00:00:05", "cue_out": "00:00:00", "length": "00:00:05"},
    ],
)
async def test_a_v2_file_without_a_length_is_refused_once_and_named(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, cues: dict[str, str | None]
) -> None:
    await seed(client, {"fixture": "small"})
    rule = {"match": {"method": "GET", "path": "/api/v2/files/1"}, "fault": "status", "status": 200}
    await client.post("/__stub__/faults", json={**rule, "body": {"id": 1, **cues}})
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 1}]})).json()
    await client.delete("/__stub__/journal")
    body = (await ll.post(f"/logs/{log['id']}/publish")).json()
    assert (body["error"], body["message"]) == (
        "libretime_error",
        "LibreTime file 1 has no length yet (import pending?)",
    )
    reads = (await client.get("/__stub__/journal", params={"method": "GET", "path": "/api/v2/files/1"})).json()
    assert reads["count"] == 2  # the existence check, then one read of the cues: not retried, it cannot change
    assert await stub_schedule(client, DAY) == []


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_schedule_row_libretime_does_not_confirm_is_an_error_naming_it(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await seed(client, {"fixture": "small"})
    rule = {
        "match": {"method": "POST", "path": "/api/v2/schedule"},
        "fault": "status",
        "status": 201,
        "body": {"ok": 1},
    }
    await client.post("/__stub__/faults", json=rule)
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 1}]})).json()
    body = (await ll.post(f"/logs/{log['id']}/publish")).json()
    assert body["message"] == "LibreTime did not confirm a schedule row; the previous schedule was restored"
    assert upstream_of(body) == ("POST", "/api/v2/schedule", 201)


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_publish_passes_over_schedule_rows_it_cannot_read(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await seed(client, {"fixture": "small"})
    rule = {"match": {"method": "GET", "path": "/api/v2/schedule"}, "fault": "status", "status": 200}
    await client.post("/__stub__/faults", json={**rule, "body": ["junk", {"id": 5}, {"id": 6, "starts_at": "soon"}]})
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 1}]})).json()
    response = await ll.post(f"/logs/{log['id']}/publish")
    assert response.status_code == 200, response.text
    posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": "/api/v2/schedule"})).json()
    assert [r["json"]["starts_at"] for r in posts["requests"]] == [f"{DAY}T06:00:00Z"]
    deletes = (await client.get("/__stub__/journal", params={"method": "DELETE"})).json()
    assert deletes["count"] == 0


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"success": True, "created": 2, "deleted": 3}, None),
        ({"success": False, "created": 2}, "LibreTime did not confirm {path}: {answer}"),
        ({"success": True, "created": "2"}, "LibreTime did not confirm {path}: {answer}"),
        ({"success": True}, "LibreTime did not confirm {path}: {answer}"),
        ({"success": False, "created": 2, "note": "n" * 300}, "LibreTime did not confirm {path}: {answer}"),
        (
            {"success": True, "created": 1, "deleted": 4, "note": "n" * 300},
            "LibreTime created 1 rows on {path}, 2 were sent",
        ),
        ({"success": True, "created": 2, "note": "n" * 300}, None),
    ],
)
async def test_an_integration_write_counts_only_when_libretime_confirms_every_row(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, answer: dict, message: str | None
) -> None:
    await seed(client, {"fixture": "small"})
    path = "/api/v2/integration/schedule/replace-day"
    entries = [{"start": "06:00:00", "libretime_id": 1}, {"start": "07:00:00", "libretime_id": 2, "hard_start": True}]
    log = (await ll.post("/logs", json={"date": DAY, "timezone": "America/New_York", "entries": entries})).json()
    await client.post(
        "/__stub__/faults",
        json={"match": {"method": "POST", "path": path}, "fault": "status", "status": 200, "body": answer},
    )
    await client.delete("/__stub__/journal")
    response = await ll.post(f"/logs/{log['id']}/publish")
    [sent] = (await client.get("/__stub__/journal", params={"method": "POST", "path": path})).json()["requests"][:1]
    assert sent["json"] == {
        "date": DAY,
        "timezone": "America/New_York",
        "entries": [
            {"start": f"{DAY}T11:00:00Z", "media_id": 1, "type": "track", "hard_start": False},
            {"start": f"{DAY}T12:00:00Z", "media_id": 2, "type": "track", "hard_start": True},
        ],
    }
    body = response.json()
    if message is None:
        assert response.status_code == 200, body
        assert body["libretime"] == {"deleted": answer.get("deleted", 0), "created": 2}
    else:
        assert (response.status_code, body["message"]) == (502, message.format(path=path, answer=str(answer)[:200]))
        assert upstream_of(body) == ("POST", path, 200)


@pytest.mark.parametrize("flavor", ["integration"])
async def test_an_integration_hour_publish_names_its_hour(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:30:00", "libretime_id": 1}]})).json()
    await client.delete("/__stub__/journal")
    assert (await ll.post(f"/logs/{log['id']}/publish-hour", json={"hour": 6})).status_code == 200
    [sent] = (await client.get("/__stub__/journal", params={"method": "POST"})).json()["requests"]
    assert (sent["path"], sent["json"]["hour"], sent["json"]["date"]) == (
        "/api/v2/integration/schedule/replace-hour",
        6,
        DAY,
    )


async def test_entries_without_media_block_a_publish_naming_each(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await seed(client, {"fixture": "small"})
    entries = [{"start": "06:00:00", "title": "Live read", "type": "COM"}, {"start": "07:00:00", "type": "COM"}]
    log = (await ll.post("/logs", json={"date": DAY, "entries": entries})).json()
    body = (await ll.post(f"/logs/{log['id']}/publish")).json()
    assert body["message"].startswith("Entries without a LibreTime media id cannot be published; nothing was sent. ")
    assert body["details"]["errors"] == [
        {"field": "entries[0]", "message": "06:00:00 'Live read': no track, voice track or LibreTime id."},
        {"field": "entries[1]", "message": "07:00:00: no track, voice track or LibreTime id."},
    ]
    bad = (await ll.post(f"/logs/{log['id']}/publish-hour", json={"hour": "25"})).json()
    assert bad["details"]["errors"] == [
        {"field": "hour", "message": '\'25\' is not an hour: give 0-23 as 12, "12" or "12:00".'}
    ]
