"""The control plane: reset, seed, faults as an httpx client observes them, journal, state, playout."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from stubs.libretime import RunningStub, StubConfig
from tests.conftest import API_KEY, AUTH, LEGACY_AUTH, seed, show, stub_client, wav

FILE = "/api/v2/files/1"


async def add_fault(http: httpx.AsyncClient, **rule: object) -> dict:
    response = await http.post("/__stub__/faults", json={"match": {"method": "GET", "path": FILE}, **rule})
    assert response.status_code == 201, response.text
    return response.json()


async def test_reset_empties_state_faults_and_journal(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await add_fault(client, fault="status", status=500)
    await client.get("/api/v2/files")
    assert (await client.post("/__stub__/reset")).json() == {"reset": True}
    state = (await client.get("/__stub__/state")).json()
    assert all(count == 0 for count in state["counts"].values())
    assert (await client.get("/__stub__/faults")).json() == {"faults": []}
    assert (await client.get("/__stub__/journal")).json()["count"] == 0
    assert (await client.get(FILE)).status_code == 404  # fault gone, file gone


async def test_seed_json_is_all_or_nothing(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/__stub__/seed",
        json={
            "libraries": [{"code": "MUS", "name": "Music", "description": ""}],
            "files": [
                {"name": "ok.mp3", "mime": "audio/mpeg", "size": 1, "accessed": 0, "library": 1},
                {"name": "bad.mp3", "mime": "audio/mpeg", "size": "huge", "accessed": 0},
            ],
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"files[1].size": ["A valid integer is required."]}
    assert (await client.get("/__stub__/state")).json()["counts"]["libraries"] == 0


async def test_seed_resolves_references_and_attaches_bytes(client: httpx.AsyncClient) -> None:
    data = wav(0.3)
    import base64

    result = await seed(
        client,
        {
            "libraries": [{"id": 5, "code": "ADV", "name": "Ads", "description": ""}],
            "files": [
                {
                    "id": 40,
                    "name": "ad.wav",
                    "mime": "audio/x-wav",
                    "size": 0,
                    "accessed": 0,
                    "library": 5,
                    "content_base64": base64.b64encode(data).decode(),
                    "filepath": "imported/1/ad.wav",
                },
                {"name": "second.mp3", "mime": "audio/mpeg", "size": 3, "accessed": 0},
            ],
        },
    )
    assert result["added"] == {"libraries": [5], "files": [40, 41]}
    assert (await client.get("/api/v2/files/40")).json()["library"] == 5
    assert (await client.get("/api/v2/files/40/download")).content == data


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"fixture": "nope"}, "fixture"),
        ({"generate": {"files": -1}}, "generate.files"),
        ({"generate": {"files": "many"}}, "generate.files"),
        ({"tracks": []}, "tracks"),
        ({"files": {"name": "x"}}, "files"),
    ],
)
async def test_bad_seeds_are_400_naming_the_field(client: httpx.AsyncClient, payload: dict, field: str) -> None:
    response = await client.post("/__stub__/seed", json=payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]


async def test_generator_makes_a_realistic_library(client: httpx.AsyncClient, stub: RunningStub) -> None:
    result = await seed(client, {"generate": {"files": 5000, "seed": 42}})
    assert result["generated"] == {"files": 5000, "first_id": 1, "last_id": 5000}
    rows = list(stub.store.files.rows.values())
    codes = {t["id"]: t["code"] for t in stub.store.libraries.rows.values()}
    by_type: dict[str, list[float]] = {}
    for row in rows:
        by_type.setdefault(codes[row["library"]], []).append(row["length"].total_seconds())
    assert set(by_type) == {"MUS", "ADV", "PSA", "LIN", "INT", "PRO", "SHO", "IDS", "COM", "NEW"}
    assert 0.6 < len(by_type["MUS"]) / 5000 < 0.8
    assert max(by_type["IDS"]) < 15 < min(by_type["MUS"])
    assert len({r["artist_name"] for r in rows}) > 200
    assert len({r["md5"] for r in rows}) == 5000
    again = await seed(client, {"reset": True, "generate": {"files": 5000, "seed": 42}})
    assert again["counts"]["files"] == 5000
    assert [r["track_title"] for r in stub.store.files.rows.values()] == [r["track_title"] for r in rows]


async def test_connection_reset_fault(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await add_fault(client, fault="connection_reset", times=1)
    with pytest.raises(httpx.ReadError):
        await client.get(FILE)
    assert (await client.get(FILE)).json()["id"] == 1  # times=1: the next call goes through


async def test_empty_response_fault(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await add_fault(client, fault="empty_response")
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        await client.get(FILE)


async def test_malformed_json_fault_truncates_the_real_body(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    whole = (await client.get(FILE)).content
    await add_fault(client, fault="malformed_json", times=1)
    broken = await client.get(FILE)
    assert broken.status_code == 200
    assert broken.headers["Content-Type"].startswith("application/json")
    assert whole.startswith(broken.content) and len(broken.content) < len(whole)
    with pytest.raises(json.JSONDecodeError):
        broken.json()


async def test_status_fault_with_custom_body(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await add_fault(client, fault="status", status=502, body="<h1>Bad Gateway</h1>", times=2)
    first, second, third = [await client.get(FILE) for _ in range(3)]
    assert (first.status_code, first.text) == (502, "<h1>Bad Gateway</h1>")
    assert second.status_code == 502
    assert third.status_code == 200
    rule = (await client.get("/__stub__/faults")).json()["faults"][0]
    assert (rule["hits"], rule["remaining"]) == (2, 0)


async def test_skip_lets_the_first_requests_through(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await add_fault(client, fault="status", status=500, skip=2, times=1)
    statuses = [(await client.get(FILE)).status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 200]


async def test_delay_fault_slows_then_answers(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await add_fault(client, fault="delay", delay_ms=400)
    started = time.perf_counter()
    response = await client.get(FILE)
    assert response.json()["id"] == 1
    assert time.perf_counter() - started >= 0.4


async def test_timeout_fault_outlasts_the_client(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await add_fault(client, fault="timeout", delay_ms=3000)
    with pytest.raises(httpx.ReadTimeout):
        await client.get(FILE, timeout=0.3)


async def test_faults_match_by_method_and_path_pattern(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await client.post(
        "/__stub__/faults",
        json={
            "match": {"method": "POST", "path_pattern": "/api/v2/integration/schedule/.*"},
            "fault": "status",
            "status": 503,
        },
    )
    assert (await client.get(FILE)).status_code == 200
    blocked = await client.post("/api/v2/integration/schedule/replace-day", json={"date": "2026-11-25", "entries": []})
    assert blocked.status_code == 503
    assert (await client.get("/api/v2/shows")).json() == []  # the handler never ran


async def test_probability_is_seeded_and_replayable() -> None:
    async def hits() -> list[int]:
        async with stub_client(StubConfig(api_key=API_KEY, fault_seed=123)) as (_running, http):
            await seed(http, {"fixture": "small"})
            await add_fault(http, fault="status", status=500, probability=0.5)
            return [(await http.get(FILE)).status_code for _ in range(40)]

    first, second = await hits(), await hits()
    assert first == second
    assert 5 < first.count(500) < 35


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"fault": "explode"}, "fault"),
        ({"fault": "status"}, "status"),
        ({"fault": "delay"}, "delay_ms"),
        ({"fault": "status", "status": 200, "probability": 2}, "probability"),
        ({"fault": "status", "status": 200, "times": 0}, "times"),
        ({"fault": "status", "status": 200, "match": {"path_pattern": "("}}, "match.path_pattern"),
    ],
)
async def test_bad_fault_rules_are_400(client: httpx.AsyncClient, rule: dict, field: str) -> None:
    response = await client.post("/__stub__/faults", json=rule)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert (await client.get("/__stub__/faults")).json()["faults"] == []


async def test_faults_can_be_removed_one_by_one(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    rule = await add_fault(client, fault="status", status=500)
    assert (await client.delete(f"/__stub__/faults/{rule['id']}")).status_code == 204
    assert (await client.delete(f"/__stub__/faults/{rule['id']}")).status_code == 404
    assert (await client.get(FILE)).status_code == 200


async def test_journal_records_requests_and_never_the_key(stub: RunningStub) -> None:
    async with httpx.AsyncClient(base_url=stub.base_url) as http:
        await seed(http, {"fixture": "small"})
        await http.get(FILE, headers=AUTH)
        await http.get("/api/v2/files", params={"api_key": API_KEY}, headers={"Authorization": f"Api-Key  {API_KEY}"})
        await http.post("/rest/media", files={"file": ("a.wav", wav(0.1), "audio/x-wav")}, headers=LEGACY_AUTH)
        await http.post(
            "/api/v2/integration/schedule/replace-day",
            json={"date": "2026-11-25", "entries": [{"start": "2026-11-25T01:00:00Z", "media_id": 1}], "note": API_KEY},
            headers=AUTH,
        )
        await http.get("/api/v2/version", auth=("admin", "admin"))
        journal = (await http.get("/__stub__/journal")).json()
        posts = (await http.get("/__stub__/journal", params={"method": "POST", "path": "/api/v2/integration/*"})).json()
    dumped = json.dumps(journal)
    assert API_KEY not in dumped
    assert "admin:admin" not in dumped and "YWRtaW46YWRtaW4" not in dumped
    assert journal["count"] == 5
    assert [e["status"] for e in journal["requests"]] == [200, 200, 201, 200, 200]
    assert {e["headers"].get("Authorization") for e in journal["requests"]} == {"[REDACTED]"}
    assert journal["requests"][1]["query"] == {"api_key": "[REDACTED]"}
    upload = journal["requests"][2]["json"]
    assert upload["files"]["file"]["filename"] == "a.wav"
    assert posts["count"] == 1
    sent = posts["requests"][0]["json"]
    assert sent["entries"] == [{"start": "2026-11-25T01:00:00Z", "media_id": 1}]
    assert sent["note"] == "[REDACTED]"


async def test_journal_records_faulted_and_oversized_requests() -> None:
    async with stub_client(StubConfig(api_key=API_KEY, max_body_bytes=1024)) as (_running, http):
        await add_fault(http, fault="empty_response")
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get(FILE)
        big = await http.post("/api/v2/shows", json={"name": "x" * 5000})
        journal = (await http.get("/__stub__/journal")).json()["requests"]
        shows = (await http.get("/api/v2/shows")).json()
    assert big.status_code == 413
    assert "413 Request Entity Too Large" in big.text
    assert shows == []
    assert [(e["status"], e["fault"]) for e in journal[:2]] == [(None, "empty_response"), (413, None)]


async def test_state_dump_shows_everything(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    state = (await client.get("/__stub__/state")).json()
    assert state["counts"]["files"] == 14
    assert state["tables"]["files"]["rows"][0]["track_title"] == "Harbour Lights"
    assert all(isinstance(v, dict) for v in state["blobs"].values())  # sizes only unless ?blobs=1
    with_blobs = (await client.get("/__stub__/state", params={"blobs": "1"})).json()
    assert all(isinstance(v, str) for v in with_blobs["blobs"].values())


async def test_state_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    config = StubConfig(api_key=API_KEY, state_file=path)
    async with stub_client(config) as (running, http):
        await seed(http, {"fixture": "small"})
        await http.post(
            "/api/v2/integration/schedule/replace-day",
            json={
                "date": "2026-11-25",
                "entries": [{"start": "2026-11-25T01:00:00Z", "media_id": 2, "hard_start": True}],
            },
        )
        before = (await http.get("/api/v2/schedule")).json()
    assert path.exists()
    async with stub_client(config) as (running, http):
        assert (await http.get("/api/v2/schedule")).json() == before
        read = (await http.get("/api/v2/integration/schedule", params={"date": "2026-11-25"})).json()
        assert read["entries"][0]["hard_start"] is True
        assert (await http.get("/api/v2/files/2/download")).content == running.store.blobs[
            running.store.files.get(2)["filepath"]
        ]
        created = (await http.post("/api/v2/shows", json=show(name="After restart"))).json()
        assert created["id"] == 2  # ids continue after the reloaded ones


async def test_playout_turns_published_items_into_history_once(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await client.post(
        "/api/v2/integration/schedule/replace-day",
        json={
            "date": "2026-11-25",
            "entries": [
                {"start": "2026-11-25T06:00:00Z", "media_id": 1},
                {"start": "2026-11-25T23:59:00Z", "media_id": 3},  # runs past the instance end
            ],
        },
    )
    window = {"start": "2026-11-25T00:00:00Z", "end": "2026-11-26T00:00:00Z"}
    first = (await client.post("/__stub__/playout", json=window)).json()
    second = (await client.post("/__stub__/playout", json=window)).json()
    assert first["created"] == 2
    assert second["created"] == 0 and len(second["skipped"]) == 2
    history = (await client.get("/api/v2/playout-history")).json()
    assert sorted((h["starts"], h["file"], h["ends"]) for h in history) == [
        ("2026-11-25T06:00:00Z", 1, "2026-11-25T06:03:34.500000Z"),
        ("2026-11-25T23:59:00Z", 3, "2026-11-26T00:00:00Z"),  # cut at the show end
    ]
    rows = (await client.get("/api/v2/schedule")).json()
    assert {(r["broadcasted"], r["played"]) for r in rows} == {(1, True)}
    assert (await client.get("/api/v2/files/1")).json()["last_played_at"] == "2026-11-25T06:00:00Z"


async def test_playout_window_is_validated(client: httpx.AsyncClient) -> None:
    response = await client.post("/__stub__/playout", json={"start": "2026-11-26T00:00:00Z", "end": "2026-11-25"})
    assert (response.status_code, response.json()["errors"]) == (400, {"end": ["Must be after start."]})
    bad_json = await client.post("/__stub__/seed", content=b"{nope", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400


async def test_a_failing_seed_leaves_no_fixture_behind(client: httpx.AsyncClient) -> None:
    await seed(client, {"generate": {"files": 3}})
    before = (await client.get("/__stub__/state")).json()["counts"]
    for payload in (
        {"fixture": "small", "files": [{"name": "x"}]},
        {"reset": True, "fixture": "small", "shows": [{"name": 5}]},
    ):
        response = await client.post("/__stub__/seed", json=payload)
        assert response.status_code == 400
        assert (await client.get("/__stub__/state")).json()["counts"] == before
    after = await seed(client, {"fixture": "small"})
    assert after["fixture"]["first_id"] == 4  # ids continue as if the failed seeds never ran
