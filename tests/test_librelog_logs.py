"""Logs: create, read, replace an hour, lock, validate, delete — effects checked in LibreLog's storage."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.conftest import seed

DAY = "2026-11-25"


@pytest.fixture
def flavor() -> str:  # log editing never talks to LibreTime: one flavour is enough
    return "integration"


async def synced(ll: httpx.AsyncClient, lt: httpx.AsyncClient) -> None:
    await seed(lt, {"fixture": "small"})
    assert (await ll.post("/sync/tracks")).json()["created"] == 14


def day_log(**extra: object) -> dict:
    return {
        "date": DAY,
        "entries": [
            {"start": "12:00:00", "track_id": 10, "hard_start": True},
            {"start": "06:00:00", "track_id": 1},
            {"start": "06:03:35", "libretime_id": 4, "title": "Smith Hardware"},
            {"start": "13:00:00", "track_id": 2},
        ],
        **extra,
    }


async def test_create_orders_entries_and_fills_from_tracks(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    created = await ll.post("/logs", json=day_log())
    assert created.status_code == 201
    log = created.json()
    stored = (await ll.get(f"/logs/{log['id']}")).json()
    assert stored == log
    assert [(e["position"], e["start"], e["hour"]) for e in stored["entries"]] == [
        (0, "06:00:00", 6),
        (1, "06:03:35", 6),
        (2, "12:00:00", 12),
        (3, "13:00:00", 13),
    ]
    first = stored["entries"][0]
    assert (first["type"], first["title"], first["libretime_id"], first["duration_s"]) == (
        "MUS",
        "Harbour Lights",
        1,
        214.5,
    )
    assert stored["entries"][2]["type"] == "IDS"
    assert stored["entries"][2]["hard_start"] is True
    assert (stored["status"], stored["locked"], stored["timezone"]) == ("draft", False, "UTC")
    listed = (await ll.get("/logs", params={"date": DAY})).json()
    assert listed == {"items": [stored], "total": 1}  # each listed log carries its own entries
    other = (await ll.post("/logs", json={**day_log(), "date": "2026-11-24", "entries": []})).json()
    everything = (await ll.get("/logs")).json()
    assert [(item["id"], len(item["entries"])) for item in everything["items"]] == [(other["id"], 0), (log["id"], 4)]
    assert (await ll.get("/logs", params={"date": "2026-11-26"})).json()["items"] == []


async def test_bad_logs_report_every_field_and_store_nothing(ll: httpx.AsyncClient) -> None:
    response = await ll.post(
        "/logs",
        json={
            "date": DAY,
            "timezone": "UTC",
            "entries": [
                {"start": "25:00:00", "track_id": 1},
                {"start": "10:00:00", "track_id": 999},
                {"start": "11:00:00", "voice_track_id": 5, "hard_start": "yes"},
                {"start": "12:00:00", "track_id": 1, "voice_track_id": 2, "type": "JINGLE"},
            ],
        },
    )
    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "validation_failed"
    assert set(body["details"]["fields"]) >= {
        "entries[0].start",
        "entries[2].hard_start",
        "entries[3]",
        "entries[3].type",
    }
    assert (await ll.get("/logs")).json()["total"] == 0


async def test_missing_fields_are_listed(ll: httpx.AsyncClient) -> None:
    response = await ll.post("/logs", json={"timezone": "Mars/Base"})
    assert response.status_code == 400
    assert set(response.json()["details"]["fields"]) == {"date", "timezone", "entries"}
    assert all({"field", "message"} == set(e) for e in response.json()["details"]["errors"])


async def test_unknown_references_are_400_naming_the_entry(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    response = await ll.post("/logs", json={"date": DAY, "entries": [{"start": "10:00:00", "track_id": 999}]})
    assert response.status_code == 400
    assert response.json()["details"]["fields"] == ["entries[0].track_id"]
    assert (await ll.get("/logs")).json()["total"] == 0


async def test_one_log_per_station_and_date(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    first = await ll.post("/logs", json=day_log())
    again = await ll.post("/logs", json=day_log())
    other_station = await ll.post("/logs", json=day_log(station="north"))
    assert (first.status_code, again.status_code, other_station.status_code) == (201, 409, 201)
    assert again.json()["error"] == "conflict"


async def test_replace_hour_is_saved_and_touches_only_that_hour(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=day_log())).json()
    response = await ll.put(
        f"/logs/{log['id']}/hours/12",
        json={"entries": [{"start": "12:00:00", "track_id": 3}, {"start": "12:30:00", "track_id": 5}]},
    )
    assert response.status_code == 200
    stored = (await ll.get(f"/logs/{log['id']}")).json()  # defect 13: the edit must really be saved
    assert [(e["start"], e["track_id"]) for e in stored["entries"] if e["hour"] == 12] == [
        ("12:00:00", 3),
        ("12:30:00", 5),
    ]
    others = [(e["start"], e["track_id"], e["libretime_id"]) for e in stored["entries"] if e["hour"] != 12]
    assert others == [(e["start"], e["track_id"], e["libretime_id"]) for e in log["entries"] if e["hour"] != 12]
    assert [e["position"] for e in stored["entries"]] == list(range(5))


async def test_replace_hour_refuses_entries_outside_it(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=day_log())).json()
    spill = await ll.put(f"/logs/{log['id']}/hours/12", json={"entries": [{"start": "13:00:01", "track_id": 3}]})
    bad_hour = await ll.put(f"/logs/{log['id']}/hours/24", json={"entries": []})
    assert spill.status_code == bad_hour.status_code == 400
    assert spill.json()["details"]["fields"] == ["entries[0].start"]
    assert bad_hour.json()["details"]["fields"] == ["hour"]
    assert (await ll.get(f"/logs/{log['id']}")).json()["entries"] == log["entries"]


async def test_locked_logs_refuse_edits_deletes_and_publishes(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json=day_log())).json()
    assert (await ll.post(f"/logs/{log['id']}/lock")).json()["locked"] is True
    edit = await ll.put(f"/logs/{log['id']}/hours/6", json={"entries": []})
    delete = await ll.delete(f"/logs/{log['id']}")
    publish = await ll.post(f"/logs/{log['id']}/publish")
    assert [r.status_code for r in (edit, delete, publish)] == [409, 409, 409]
    assert {r.json()["error"] for r in (edit, delete, publish)} == {"log_locked"}
    assert [r.json()["message"] for r in (edit, delete, publish)] == [
        f"Log {log['id']} is locked: unlock it to edit.",
        f"Log {log['id']} is locked: unlock it to delete.",
        f"Log {log['id']} is locked: unlock it to publish.",
    ]
    assert {r.json()["details"]["log_id"] for r in (edit, delete, publish)} == {log["id"]}
    assert (await client.get("/api/v2/schedule")).json() == []  # nothing reached LibreTime
    assert (await ll.get(f"/logs/{log['id']}")).json()["entries"] == log["entries"]
    assert (await ll.post(f"/logs/{log['id']}/unlock")).json()["locked"] is False
    assert (await ll.delete(f"/logs/{log['id']}")).status_code == 204
    assert (await ll.get(f"/logs/{log['id']}")).status_code == 404


async def test_validate_reports_unresolved_entries_and_overlaps(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await synced(ll, client)
    await ll.post("/tracks", json={"title": "Unsynced promo", "type": "PRO", "duration_s": 30})
    log = (
        await ll.post(
            "/logs",
            json={
                "date": DAY,
                "entries": [
                    {"start": "06:00:00", "track_id": 1},  # 214.5 s, overlaps the next by 94.5 s
                    {"start": "06:02:00", "track_id": 15},  # a local track without a LibreTime id
                    {"start": "06:03:00", "title": "Voice break TBD", "type": "VOT"},
                ],
            },
        )
    ).json()
    report = (await ll.post(f"/logs/{log['id']}/validate")).json()
    assert report["valid"] is False
    assert [e["field"] for e in report["errors"]] == ["entries[1]", "entries[2]"]
    assert "no LibreTime id" in report["errors"][0]["message"]
    assert "Voice break TBD" in report["errors"][1]["message"]
    assert report["warnings"][0]["field"] == "entries[0]"
    assert "94.5 s" in report["warnings"][0]["message"]


async def test_unknown_log_is_404_everywhere(ll: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/logs/42"),
        ("DELETE", "/logs/42"),
        ("POST", "/logs/42/lock"),
        ("POST", "/logs/42/validate"),
        ("POST", "/logs/42/publish"),
        ("GET", "/logs/abc"),
    ]:
        response = await ll.request(method, path)
        assert (response.status_code, response.json()["error"]) == (404, "not_found"), (method, path)
        if path.endswith("/42"):
            assert response.json() == {"error": "not_found", "message": "No log 42.", "details": {"log_id": 42}}


async def test_concurrent_hour_edits_are_all_kept(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    log = (await ll.post("/logs", json={"date": DAY, "entries": []})).json()
    await asyncio.gather(
        *(
            ll.put(
                f"/logs/{log['id']}/hours/{h}", json={"entries": [{"start": f"{h:02d}:00:00", "track_id": 1 + h % 5}]}
            )
            for h in range(24)
        )
    )
    stored = (await ll.get(f"/logs/{log['id']}")).json()
    assert [e["hour"] for e in stored["entries"]] == list(range(24))
    assert [e["position"] for e in stored["entries"]] == list(range(24))


async def test_validate_measures_overlaps_in_real_time_across_both_dst_changes(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """An entry's length is real seconds: across a clock change the wall clock lies. Entries of
    unknown length are passed over, not the end of the check."""
    await synced(ll, client)
    ids = {t["libretime_id"]: t["id"] for t in (await ll.get("/tracks", params={"limit": 100})).json()["items"]}

    async def report(day: str, entries: list[dict]) -> dict:
        body = {"date": day, "timezone": "America/New_York", "entries": entries}
        log = (await ll.post("/logs", json=body)).json()
        assert "id" in log, log
        if day == "2030-03-10":
            assert log["entries"][0]["duration_s"] is None
        return (await ll.post(f"/logs/{log['id']}/validate")).json()

    spring = await report(
        "2030-03-10",
        [
            {"start": "01:00:00", "libretime_id": 1, "title": "Unknown length"},  # no duration: passed over
            {"start": "01:10:00", "track_id": ids[1], "duration_s": 90},
            {"start": "01:59:30", "track_id": ids[2], "duration_s": 60},  # 02:00-02:59 do not exist
            {"start": "03:00:00", "track_id": ids[3]},
        ],
    )
    assert spring == {
        "valid": True,
        "errors": [],
        "warnings": [{"field": "entries[2]", "message": "01:59:30 runs 30.0 s into the next entry at 03:00:00."}],
    }
    autumn = await report(
        "2030-11-03",
        [
            {"start": "01:59:30", "fold": 0, "track_id": ids[1], "duration_s": 45},  # runs 15 s into the repeat
            {"start": "01:00:00", "fold": 1, "track_id": ids[2], "duration_s": 10},
            {"start": "01:59:50", "fold": 1, "track_id": ids[3], "duration_s": 20},
            {"start": "02:00:00", "track_id": ids[4]},
        ],
    )
    assert autumn["warnings"] == [
        {"field": "entries[0]", "message": "01:59:30 runs 15.0 s into the next entry at 01:00:00."},
        {"field": "entries[2]", "message": "01:59:50 runs 10.0 s into the next entry at 02:00:00."},
    ]
    empty = await report("2030-01-01", [])
    assert empty == {
        "valid": True,
        "errors": [],
        "warnings": [{"field": "entries", "message": "The log is empty: publishing it clears the day."}],
    }


async def test_an_hour_edit_reads_the_clock_in_the_log_zone(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    """Hour 1 of New York's fall-back day happens twice: its entries are ordered by the instant
    they play, and hour 2 of the spring-forward day does not exist."""
    await synced(ll, client)
    autumn = (await ll.post("/logs", json={"date": "2030-11-03", "timezone": "America/New_York", "entries": []})).json()
    edit = {"entries": [{"start": "01:10:00", "fold": 1, "libretime_id": 2}, {"start": "01:40:00", "libretime_id": 1}]}
    assert (await ll.put(f"/logs/{autumn['id']}/hours/1", json=edit)).status_code == 200
    stored = (await ll.get(f"/logs/{autumn['id']}")).json()["entries"]
    # 01:40 (EDT, 05:40Z) plays before the second 01:10 (EST, 06:10Z).
    assert [(e["position"], e["start"], e["fold"]) for e in stored] == [(0, "01:40:00", 0), (1, "01:10:00", 1)]
    spring = (await ll.post("/logs", json={"date": "2030-03-10", "timezone": "America/New_York", "entries": []})).json()
    skipped = await ll.put(
        f"/logs/{spring['id']}/hours/2", json={"entries": [{"start": "02:30:00", "libretime_id": 1}]}
    )
    assert skipped.status_code == 400
    assert skipped.json()["details"]["errors"] == [
        {
            "field": "entries[0].start",
            "message": "02:30:00 does not exist on 2030-03-10 in America/New_York (clocks skip it)",
        }
    ]
    bad = (await ll.put(f"/logs/{spring['id']}/hours/25", json={"entries": []})).json()
    assert (bad["error"], bad["details"]) == (
        "validation_failed",
        {"fields": ["hour"], "errors": [{"field": "hour", "message": "'25' is not an hour from 0 to 23."}]},
    )


async def test_validate_warns_of_an_overlap_of_half_a_second(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    entries = [{"start": "10:00:00", "libretime_id": 1, "duration_s": 60.5}, {"start": "10:01:00", "libretime_id": 2}]
    log = (await ll.post("/logs", json={"date": DAY, "entries": entries})).json()
    report = (await ll.post(f"/logs/{log['id']}/validate")).json()
    assert report["warnings"] == [
        {"field": "entries[0]", "message": "10:00:00 runs 0.5 s into the next entry at 10:01:00."}
    ]


async def test_entries_referring_to_what_does_not_exist_are_named_each(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await synced(ll, client)
    track = (await ll.get("/tracks", params={"libretime_id": 3})).json()["items"][0]
    entries = [
        {"start": "06:00:00", "track_id": 999},
        {"start": "07:00:00", "voice_track_id": 77},
        {"start": "08:00:00", "track_id": track["id"], "libretime_id": 5},
        {"start": "09:00:00", "track_id": 998},
    ]
    body = (await ll.post("/logs", json={"date": DAY, "entries": entries})).json()
    assert body["details"]["errors"] == [
        {"field": "entries[0].track_id", "message": "No track 999."},
        {"field": "entries[1].voice_track_id", "message": "No voice track 77."},
        {"field": "entries[2].libretime_id", "message": "5 disagrees with the referenced item's LibreTime id 3."},
        {"field": "entries[3].track_id", "message": "No track 998."},
    ]
    assert (await ll.get("/logs")).json()["total"] == 0


async def test_a_log_reads_back_with_every_field(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    log = (
        await ll.post(
            "/logs", json={"date": DAY, "station": "KXYZ", "entries": [{"start": "06:00:00", "libretime_id": 999}]}
        )
    ).json()
    stored = (await ll.get(f"/logs/{log['id']}")).json()
    assert stored == log
    assert stored["station"] == "KXYZ" and stored["created_at"] == stored["updated_at"]
    assert stored["created_at"].endswith("Z")
    [entry] = stored["entries"]
    assert (entry["type"], entry["libretime_id"]) == ("MUS", 999)  # no type given, none from a track: music


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"timezone": "Mars/Base"},
            [
                ("date", "Required: a date YYYY-MM-DD."),
                ("timezone", "Unknown IANA time zone 'Mars/Base'."),
                ("entries", "Required: a list of entries."),
            ],
        ),
        ({"date": DAY, "timezone": 5, "entries": []}, [("timezone", "Unknown IANA time zone 5.")]),
        ({"date": DAY, "station": "  ", "entries": []}, [("station", "Must be a non-empty string.")]),
        ({"date": DAY, "station": 5, "entries": []}, [("station", "Must be a non-empty string.")]),
    ],
)
async def test_a_bad_log_header_names_each_problem_in_words(
    ll: httpx.AsyncClient, body: dict, expected: list[tuple[str, str]]
) -> None:
    response = await ll.post("/logs", json=body)
    assert response.status_code == 400
    assert [(e["field"], e["message"]) for e in response.json()["details"]["errors"]] == expected


async def test_a_second_log_for_the_day_names_the_first(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await synced(ll, client)
    first = (await ll.post("/logs", json=day_log())).json()
    again = await ll.post("/logs", json=day_log())
    assert again.status_code == 409
    assert again.json() == {
        "error": "conflict",
        "message": f"Station 'main' already has log {first['id']} for {DAY}.",
        "details": {"log_id": first["id"]},
    }


async def test_an_overlap_of_exactly_one_millisecond_is_within_the_tolerance(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Near the epoch, float seconds hold 1 ms exactly: an overlap of 1 ms is not warned of, 2 ms is."""
    await synced(ll, client)
    warned = []
    for duration in (0.001, 0.002):
        entries = [
            {"start": "00:00:00", "libretime_id": 1, "duration_s": duration},
            {"start": "00:00:00", "libretime_id": 2},
        ]
        log = (await ll.post("/logs", json={"date": f"1970-01-0{len(warned) + 1}", "entries": entries})).json()
        warned.append((await ll.post(f"/logs/{log['id']}/validate")).json()["warnings"])
    assert warned[0] == []
    assert [w["field"] for w in warned[1]] == ["entries[0]"]
