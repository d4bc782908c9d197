"""The integration extension: atomic, timezone-aware day/hour replacement and its read side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import seed, wav

DAY = "2026-11-25"


def entry(start: str, media_id: int, hard_start: bool = False) -> dict:
    return {"start": start, "media_id": media_id, "type": "track", "hard_start": hard_start}


async def replace_day(
    client: httpx.AsyncClient, entries: list[dict], *, date: str = DAY, tz: str = "UTC"
) -> httpx.Response:
    return await client.post(
        "/api/v2/integration/schedule/replace-day", json={"date": date, "timezone": tz, "entries": entries}
    )


async def schedule_state(client: httpx.AsyncClient) -> list[dict]:
    rows = (await client.get("/api/v2/schedule")).json()
    return sorted(rows, key=lambda r: r["starts_at"])


async def test_replace_day_creates_rows_in_a_librelog_instance(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    response = await replace_day(
        client,
        [entry("2026-11-25T06:00:00Z", 1, True), entry("2026-11-25T06:03:34.5Z", 4), entry("2026-11-25T00:00:00Z", 10)],
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["success"], body["deleted"], body["created"], body["date"], body["timezone"]) == (
        True,
        0,
        3,
        DAY,
        "UTC",
    )
    rows = await schedule_state(client)
    assert [(r["starts_at"], r["file"], r["position"]) for r in rows] == [
        ("2026-11-25T00:00:00Z", 10, 0),
        ("2026-11-25T06:00:00Z", 1, 1),
        ("2026-11-25T06:03:34.500000Z", 4, 2),
    ]
    # ends = start + cue length; fades sent explicitly as 00:00:00
    assert rows[1]["ends_at"] == "2026-11-25T06:03:34.500000Z"
    assert {(r["fade_in"], r["fade_out"]) for r in rows} == {("00:00:00", "00:00:00")}
    instance = (await client.get(f"/api/v2/show-instances/{body['instance_id']}")).json()
    show = (await client.get(f"/api/v2/shows/{instance['show']}")).json()
    assert show["name"] == "LibreLog"
    assert (instance["starts_at"], instance["ends_at"]) == ("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z")
    assert sorted(body["schedule_ids"]) == sorted(r["id"] for r in rows)


async def test_replace_day_replaces_instead_of_appending(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await replace_day(client, [entry("2026-11-25T06:00:00Z", 1), entry("2026-11-25T07:00:00Z", 2)])
    other_day = await replace_day(client, [entry("2026-11-26T06:00:00Z", 3)], date="2026-11-26")
    again = await replace_day(client, [entry("2026-11-25T08:00:00Z", 5)])
    assert again.json()["deleted"] == 2
    rows = await schedule_state(client)
    assert [(r["starts_at"], r["file"]) for r in rows] == [("2026-11-25T08:00:00Z", 5), ("2026-11-26T06:00:00Z", 3)]
    assert other_day.json()["instance_id"] != again.json()["instance_id"]


async def test_one_invalid_entry_changes_nothing(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await replace_day(client, [entry("2026-11-25T06:00:00Z", 1)])
    before = await schedule_state(client)
    response = await replace_day(
        client,
        [
            entry("2026-11-25T07:00:00Z", 2),
            entry("2026-11-25T07:05:00Z", 999),
            entry("2026-11-26T07:05:00Z", 3),
            {"start": "2026-11-25 07:10", "media_id": 3},
            {"start": "2026-11-25T07:15:00Z", "media_id": "4", "hard_start": "yes"},
        ],
    )
    body = response.json()
    assert response.status_code == 400
    assert body["success"] is False
    assert body["errors"] == {
        "entries[1].media_id": ["Unknown media id 999."],
        "entries[2].start": ["2026-11-26T07:05:00Z is outside the window 2026-11-25T00:00:00Z – 2026-11-26T00:00:00Z."],
        "entries[3].start": ["Expected an ISO 8601 datetime with Z or a UTC offset."],
        "entries[4].media_id": ["A valid integer is required."],
        "entries[4].hard_start": ["Must be a valid boolean."],
    }
    assert "entries[1].media_id" in body["error"]
    assert await schedule_state(client) == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "UTC", "entries": []}, "date"),
        ({"date": "25/11/2026", "entries": []}, "date"),
        ({"date": DAY, "timezone": "Mars/Olympus", "entries": []}, "timezone"),
        ({"date": DAY}, "entries"),
        ({"date": DAY, "entries": {"a": 1}}, "entries"),
    ],
)
async def test_bad_bodies_name_the_field(client: httpx.AsyncClient, payload: dict, field: str) -> None:
    response = await client.post("/api/v2/integration/schedule/replace-day", json=payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert (await client.get("/api/v2/shows")).json() == []  # not even the LibreLog show was created


async def test_malformed_json_is_an_integration_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v2/integration/schedule/replace-day", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert response.json()["error"].startswith("JSON parse error")


async def test_phoenix_six_am_lands_at_thirteen_utc(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    response = await replace_day(client, [entry("2026-11-25T06:00:00-07:00", 1)], tz="America/Phoenix")
    assert response.status_code == 200
    rows = await schedule_state(client)
    assert rows[0]["starts_at"] == "2026-11-25T13:00:00Z"
    # 06:00 UTC would be 23:00 the evening before in Phoenix: outside the local day.
    shifted = await replace_day(client, [entry("2026-11-25T06:00:00Z", 1)], tz="America/Phoenix")
    assert shifted.status_code == 400
    assert await schedule_state(client) == rows  # the refused day left the published one as it was


@pytest.mark.parametrize(("day", "hours"), [("2026-03-08", 23), ("2026-11-01", 25)])
async def test_dst_days_accept_every_local_hour_once(client: httpx.AsyncClient, day: str, hours: int) -> None:
    await seed(client, {"fixture": "small"})
    zone = ZoneInfo("America/New_York")
    start = datetime.fromisoformat(day).replace(tzinfo=zone).astimezone(UTC)
    entries = [entry((start + timedelta(hours=h)).isoformat(), 1 + h % 3) for h in range(hours)]
    response = await replace_day(client, entries, date=day, tz="America/New_York")
    assert response.status_code == 200, response.text
    assert response.json()["created"] == hours
    read = (
        await client.get("/api/v2/integration/schedule", params={"date": day, "timezone": "America/New_York"})
    ).json()
    assert len(read["entries"]) == hours
    past_end = await replace_day(
        client, [entry((start + timedelta(hours=hours)).isoformat(), 1)], date=day, tz="America/New_York"
    )
    assert past_end.status_code == 400


async def test_replace_hour_touches_only_that_hour(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    day = [entry(f"2026-11-25T{h:02d}:00:00Z", 1 + h % 5) for h in range(24)]
    day += [entry(f"2026-11-25T{h:02d}:30:00Z", 6) for h in range(24)]
    await replace_day(client, day)
    before = {r["id"]: r for r in await schedule_state(client)}
    response = await client.post(
        "/api/v2/integration/schedule/replace-hour",
        json={"date": DAY, "timezone": "UTC", "hour": 12, "entries": [entry("2026-11-25T12:15:00Z", 9, True)]},
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["deleted"], body["created"], body["hour"]) == (2, 1, 12)
    after = {r["id"]: r for r in await schedule_state(client)}
    untouched = {i: r for i, r in before.items() if not r["starts_at"].startswith("2026-11-25T12:")}
    assert {i: after[i] for i in untouched} == untouched  # every other hour byte-identical
    hour12 = [r for r in after.values() if r["starts_at"].startswith("2026-11-25T12:")]
    assert [(r["starts_at"], r["file"], r["position"]) for r in hour12] == [("2026-11-25T12:15:00Z", 9, 24)]


async def test_replace_hour_rejects_entries_outside_the_hour_and_bad_hours(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    outside = await client.post(
        "/api/v2/integration/schedule/replace-hour",
        json={"date": DAY, "hour": 12, "entries": [entry("2026-11-25T13:00:00Z", 1)]},
    )
    assert outside.status_code == 400
    assert "entries[0].start" in outside.json()["errors"]
    for hour in (24, -1, "12", None, True):
        response = await client.post(
            "/api/v2/integration/schedule/replace-hour", json={"date": DAY, "hour": hour, "entries": []}
        )
        assert response.status_code == 400
        assert "hour" in response.json()["errors"]
    skipped = await client.post(
        "/api/v2/integration/schedule/replace-hour",
        json={"date": "2026-03-08", "timezone": "America/New_York", "hour": 2, "entries": []},
    )
    assert skipped.status_code == 400
    assert "does not exist" in skipped.json()["errors"]["hour"][0]
    assert (await client.get("/api/v2/schedule")).json() == []


async def test_read_side_shows_hard_start_in_start_order(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await replace_day(client, [entry("2026-11-25T10:00:00Z", 2), entry("2026-11-25T09:00:00Z", 1, True)])
    read = (await client.get("/api/v2/integration/schedule", params={"date": DAY})).json()
    assert read["timezone"] == "UTC"
    assert [(e["start"], e["media_id"], e["hard_start"], e["type"]) for e in read["entries"]] == [
        ("2026-11-25T09:00:00Z", 1, True, "track"),
        ("2026-11-25T10:00:00Z", 2, False, "track"),
    ]
    assert read["entries"][0]["end"] == "2026-11-25T09:03:34.500000Z"
    # hard_start is only visible here, never in the upstream schedule rows
    assert all("hard_start" not in r for r in (await client.get("/api/v2/schedule")).json())


async def test_media_library_pages_in_stable_id_order(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small", "generate": {"files": 2500, "seed": 9}})
    seen: list[int] = []
    url: str | None = "/api/v2/integration/media-library?limit=1000"
    pages = 0
    while url:
        page = (await client.get(url)).json()
        assert page["count"] == 2514
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
        pages += 1
    assert pages == 3
    assert seen == sorted(seen) == list(range(1, 2515))
    first = (await client.get("/api/v2/integration/media-library", params={"limit": 1})).json()["results"][0]
    assert first == {
        "id": 1,
        "media_id": 1,
        "title": "Harbour Lights",
        "artist": "The Velvet Foxes",
        "album": "Night Parade",
        "genre": "Rock",
        "duration": 214.5,
        "length": "00:03:34.500000",
        "filepath": "imported/1/The Velvet Foxes/0001 - Harbour Lights.wav",
        "mime": "audio/x-wav",
        "md5": first["md5"],
        "track_type": "MUS",
        "library": {"id": 1, "code": "MUS", "name": "Music"},
        "last_modified": "2024-01-01T00:00:00Z",
        "import_status": 0,
    }


async def test_media_library_limits(client: httpx.AsyncClient) -> None:
    await seed(client, {"generate": {"files": 1200}})
    default = (await client.get("/api/v2/integration/media-library")).json()
    capped = (await client.get("/api/v2/integration/media-library", params={"limit": 5000})).json()
    last = (await client.get("/api/v2/integration/media-library", params={"limit": 100, "offset": 1150})).json()
    assert len(default["results"]) == 100
    assert len(capped["results"]) == 1000
    assert (len(last["results"]), last["next"]) == (50, None)
    assert "offset=1050" in last["previous"]


async def test_voice_track_upload_creates_vot_and_serves_bytes(client: httpx.AsyncClient) -> None:
    data = wav(2.0)
    response = await client.post(
        "/api/v2/integration/voice-tracks",
        files={"file": ("14-00_BreakA.wav", data, "audio/x-wav")},
        data={"title": "Break A", "description": "Top of 2pm", "artist_name": "Jo DJ", "genre": "Voice"},
    )
    body = response.json()
    assert response.status_code == 201
    file_id = body["library_id"]
    assert body["file"]["id"] == file_id
    stored = (await client.get(f"/api/v2/files/{file_id}")).json()
    assert (stored["track_title"], stored["description"], stored["artist_name"], stored["genre"]) == (
        "Break A",
        "Top of 2pm",
        "Jo DJ",
        "Voice",
    )
    assert (stored["import_status"], stored["length"], stored["size"]) == (0, "00:00:02", len(data))
    vot = [t for t in (await client.get("/api/v2/libraries")).json() if t["code"] == "VOT"]
    assert len(vot) == 1
    assert stored["library"] == vot[0]["id"]
    downloaded = await client.get(f"/api/v2/files/{file_id}/download")
    assert downloaded.content == data
    # a second voice track reuses the VOT type
    await client.post(
        "/api/v2/integration/voice-tracks", files={"file": ("b.wav", wav(0.5), "audio/x-wav")}, data={"title": "B"}
    )
    assert len([t for t in (await client.get("/api/v2/libraries")).json() if t["code"] == "VOT"]) == 1


async def test_voice_track_bad_uploads_are_400_and_store_nothing(client: httpx.AsyncClient) -> None:
    no_title = await client.post("/api/v2/integration/voice-tracks", files={"file": ("a.wav", wav(0.2), "audio/x-wav")})
    wrong_type = await client.post(
        "/api/v2/integration/voice-tracks",
        files={"file": ("a.exe", b"MZ", "application/octet-stream")},
        data={"title": "x"},
    )
    empty = await client.post(
        "/api/v2/integration/voice-tracks", files={"file": ("a.wav", b"", "audio/x-wav")}, data={"title": "x"}
    )
    no_file = await client.post(
        "/api/v2/integration/voice-tracks", files={"note": ("n.txt", b"x", "text/plain")}, data={"title": "x"}
    )
    not_multipart = await client.post("/api/v2/integration/voice-tracks", data={"title": "x"})
    assert no_title.json()["errors"] == {"title": ["This field is required."]}
    assert "file" in wrong_type.json()["errors"]
    assert "file" in empty.json()["errors"]
    assert no_file.json()["errors"] == {"file": ["This field is required."]}
    assert not_multipart.status_code == 415
    assert {no_title.status_code, wrong_type.status_code, empty.status_code, no_file.status_code} == {400}
    assert (await client.get("/api/v2/files")).json() == []
    assert (await client.get("/api/v2/libraries")).json() == []


async def test_sync_status_counts_what_libretime_holds(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await replace_day(client, [entry("2026-11-25T06:00:00Z", 1)])
    body = (await client.get("/api/v2/integration/sync-status")).json()
    assert (body["status"], body["api_version"], body["files"], body["schedule_items"]) == ("ok", "2.0.0", 14, 1)
    assert body["server_time"].endswith("Z")


async def test_integration_routes_need_the_key(anon: httpx.AsyncClient) -> None:
    for path in ("/api/v2/integration/sync-status", "/api/v2/integration/media-library"):
        response = await anon.get(path)
        assert (response.status_code, response.json()) == (
            403,
            {"detail": "Authentication credentials were not provided."},
        )


async def test_history_full_is_inclusive_and_ordered(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await replace_day(client, [entry("2026-11-25T06:00:00Z", 1), entry("2026-11-25T06:03:34.5Z", 2)])
    await replace_day(client, [entry("2026-11-26T06:00:00Z", 3)], date="2026-11-26")
    played = await client.post(
        "/__stub__/playout", json={"start": "2026-11-25T00:00:00Z", "end": "2026-11-27T00:00:00Z"}
    )
    assert played.json()["created"] == 3
    exact = (
        await client.get(
            "/api/v2/playout-history/playout-history-full",
            params={"start": "2026-11-25T06:00:00Z", "end": "2026-11-25T06:03:34.5Z"},
        )
    ).json()
    assert [(r["starts"], r["file"], r["track_title"]) for r in exact["results"]] == [
        ("2026-11-25T06:00:00Z", 1, "Harbour Lights"),
        ("2026-11-25T06:03:34.500000Z", 2, "Paper Comets"),
    ]
    assert exact["count"] == 2
    by_date = (
        await client.get(
            "/api/v2/playout-history/playout-history-full", params={"start": "2026-11-26", "end": "2026-11-26"}
        )
    ).json()
    assert [r["file"] for r in by_date["results"]] == [3]
    bad = await client.get("/api/v2/playout-history/playout-history-full", params={"start": "soon"})
    assert (bad.status_code, bad.json()["errors"]) == (400, {"start": ["Enter a valid date/time."]})


async def test_the_media_library_leaves_hidden_files_out(client: httpx.AsyncClient) -> None:
    """As LibreTime's own library does: a hidden file (upstream never deletes one) is not in it."""
    await seed(client, {"fixture": "small"})
    ids = [r["id"] for r in (await client.get("/api/v2/integration/media-library")).json()["results"]]
    assert (await client.patch("/api/v2/files/2", json={"hidden": True})).json()["hidden"] is True
    page = (await client.get("/api/v2/integration/media-library")).json()
    assert (page["count"], [r["id"] for r in page["results"]]) == (len(ids) - 1, [i for i in ids if i != 2])
    await client.patch("/api/v2/files/2", json={"hidden": False})
    again = (await client.get("/api/v2/integration/media-library", params={"limit": 2, "offset": 1})).json()
    assert [r["id"] for r in again["results"]] == ids[1:3]
