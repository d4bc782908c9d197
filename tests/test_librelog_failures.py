"""LibreTime failing in every way the stub can: the documented LibreLog error, never success:true,
never a partial schedule; transient failures retried; nothing retried that must not be."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import httpx
import pytest

from stubs.librelog import Settings
from stubs.libretime import StubConfig, run_stub
from tests.conftest import API_KEY, librelog_client, librelog_settings_for, seed, stub_schedule, upstream_of

DAY = "2026-11-25"
ENTRIES = [{"start": f"{h:02d}:00:00", "track_id": 1 + h % 4} for h in range(6)]


def write_path(flavor: str) -> str:
    return "/api/v2/integration/schedule/replace-day" if flavor == "integration" else "/api/v2/schedule"


async def prepared(ll: httpx.AsyncClient, lt: httpx.AsyncClient) -> dict:
    """A synced library, a published day (the 'before' state), and an edited log ready to republish."""
    await seed(lt, {"fixture": "small"})
    await ll.post("/sync/tracks")
    log = (await ll.post("/logs", json={"date": DAY, "entries": ENTRIES})).json()
    assert (await ll.post(f"/logs/{log['id']}/publish")).status_code == 200
    await ll.put(f"/logs/{log['id']}/hours/3", json={"entries": [{"start": "03:30:00", "track_id": 9}]})
    return log


async def fault(lt: httpx.AsyncClient, **rule: object) -> None:
    response = await lt.post("/__stub__/faults", json=rule)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("rule", "status", "code"),
    [
        ({"fault": "status", "status": 500}, 502, "libretime_error"),
        (
            {"fault": "status", "status": 403, "body": {"detail": "Authentication credentials were not provided."}},
            502,
            "libretime_auth_failed",
        ),
        ({"fault": "status", "status": 400, "body": {"detail": "nope"}}, 502, "libretime_rejected"),
        ({"fault": "malformed_json"}, 502, "libretime_error"),
        ({"fault": "connection_reset"}, 502, "libretime_unreachable"),
        ({"fault": "empty_response"}, 502, "libretime_unreachable"),
        ({"fault": "status", "status": 503}, 502, "libretime_error"),
        # A short client timeout keeps three timed-out tries quick.
        pytest.param(
            {"fault": "timeout", "delay_ms": 5000},
            504,
            "libretime_timeout",
            marks=pytest.mark.librelog_settings(timeout_s=0.25),
        ),
    ],
)
async def test_publish_failures_are_loud_and_leave_the_schedule_as_it_was(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str, rule: dict, status: int, code: str
) -> None:
    log = await prepared(ll, client)
    before = await stub_schedule(client, DAY)
    # Break the write path only after the first write, so a non-atomic client would leave half a day.
    skip = 1 if flavor == "v2" else 0
    await fault(client, match={"method": "POST", "path": write_path(flavor)}, skip=skip, **rule)
    response = await ll.post(f"/logs/{log['id']}/publish")
    body = response.json()
    assert (response.status_code, body["error"]) == (status, code)
    assert "success" not in body
    assert body["details"]["upstream"]["path"] == write_path(flavor)
    held = await stub_schedule(client, DAY)
    edited = [
        (f"{DAY}T{e['start']}Z", e["libretime_id"]) for e in (await ll.get(f"/logs/{log['id']}")).json()["entries"]
    ]
    if rule["fault"] == "malformed_json" and flavor == "integration":
        # LibreTime applied the (atomic) replacement and only its answer was garbled: all new, never half.
        assert held == edited
    else:
        assert held == before
    assert (await ll.get(f"/logs/{log['id']}")).json()["last_publish"]["entries"] == 6  # the failed one is not recorded
    assert API_KEY not in response.text


async def test_transient_failures_are_retried_and_succeed(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    log = await prepared(ll, client)
    await fault(client, match={"method": "POST", "path": write_path(flavor)}, fault="status", status=503, times=2)
    response = await ll.post(f"/logs/{log['id']}/publish")
    assert response.status_code == 200
    entries = (await ll.get(f"/logs/{log['id']}")).json()["entries"]
    assert await stub_schedule(client, DAY) == [(f"{DAY}T{e['start']}Z", e["libretime_id"]) for e in entries]
    if flavor == "integration":
        posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": write_path(flavor)})).json()
        assert [e["status"] for e in posts["requests"][-3:]] == [503, 503, 200]


async def test_first_two_sync_calls_failing_are_retried(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})
    path = "/api/v2/integration/media-library" if flavor == "integration" else "/api/v2/files"
    await fault(client, match={"method": "GET", "path": path}, fault="connection_reset", times=2)
    body = (await ll.post("/sync/tracks")).json()
    assert (body["success"], body["created"]) == (True, 14)


@pytest.mark.parametrize("flavor", ["integration"])
async def test_client_errors_are_never_retried(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    await fault(client, match={"path": "/api/v2/integration/media-library"}, fault="status", status=404)
    response = await ll.post("/sync/tracks")
    assert (response.status_code, response.json()["error"]) == (502, "libretime_rejected")
    calls = (await client.get("/__stub__/journal", params={"path": "/api/v2/integration/media-library"})).json()
    assert calls["count"] == 1


async def test_every_sync_failure_is_an_error_not_success(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    await seed(client, {"fixture": "small"})
    await fault(client, match={"method": "GET"}, fault="status", status=500)
    tracks = await ll.post("/sync/tracks")
    history = await ll.post("/sync/playback-history", json={"start_date": DAY, "end_date": DAY})
    dashboard = await ll.get("/proxy/dashboard")
    for response in (tracks, history, dashboard):
        assert (response.status_code, response.json()["error"]) == (502, "libretime_error")
        assert response.json()["details"]["upstream"]["status"] == 500
        assert "success" not in response.json()


async def test_unreachable_libretime(tmp_path: Path, flavor: str) -> None:
    async with run_stub(StubConfig(api_key=API_KEY)) as gone:
        url = gone.base_url
    async with librelog_client(librelog_settings_for(url, tmp_path, flavor=flavor)) as (_r, http):
        await http.post("/tracks", json={"title": "t", "libretime_id": 1})
        log = (await http.post("/logs", json={"date": DAY, "entries": [{"start": "10:00:00", "track_id": 1}]})).json()
        responses = [
            await http.post("/sync/tracks"),
            await http.post("/sync/playback-history", json={"start_date": DAY, "end_date": DAY}),
            await http.post(f"/logs/{log['id']}/publish"),
            await http.get("/proxy/dashboard"),
        ]
    for response in responses:
        assert (response.status_code, response.json()["error"]) == (502, "libretime_unreachable")
        assert response.json()["details"]["upstream"]["attempts"] == 3  # 1 + LIBRETIME_RETRIES


async def test_a_wrong_key_is_libretime_auth_failed_not_librelogs_401(stub: object, tmp_path: Path) -> None:
    from stubs.libretime import RunningStub

    assert isinstance(stub, RunningStub)
    async with librelog_client(librelog_settings_for(stub.base_url, tmp_path, api_key="wrong-key")) as (_r, http):
        response = await http.post("/sync/tracks")
    assert (response.status_code, response.json()["error"]) == (502, "libretime_auth_failed")
    assert response.json()["details"]["upstream"]["status"] == 403


async def test_the_key_never_reaches_logs_or_errors(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, flavor: str
) -> None:
    caplog.set_level(logging.DEBUG)
    await seed(client, {"fixture": "small"})
    # LibreTime echoing the key back in an error body must not carry it into LibreLog's answer.
    await fault(client, match={"method": "GET"}, fault="status", status=400, body={"detail": f"bad key {API_KEY}"})
    response = await ll.post("/sync/tracks")
    assert response.status_code == 502
    assert API_KEY not in response.text
    assert "[REDACTED]" in response.text
    assert API_KEY not in caplog.text


async def test_bearer_token_guards_everything_but_health(stub: object, tmp_path: Path) -> None:
    from stubs.libretime import RunningStub

    assert isinstance(stub, RunningStub)
    settings = librelog_settings_for(stub.base_url, tmp_path, api_token="s3cret-token")
    async with librelog_client(settings) as (_r, http):
        health = await http.get("/health")
        bare = await http.get("/tracks")
        wrong = await http.get("/tracks", headers={"Authorization": "Bearer nope"})
        good = await http.get("/tracks", headers={"Authorization": "Bearer s3cret-token"})
        spec = await http.get("/openapi.json")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert (bare.status_code, bare.json()["error"]) == (401, "unauthorized")
    assert wrong.status_code == 401 and spec.status_code == 401
    assert (good.status_code, good.json()["total"]) == (200, 0)


def test_settings_type_is_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().flavor = "v2"  # type: ignore[misc]


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize(
    ("path", "call", "answer", "missing"),
    [
        ("/api/v2/integration/media-library", ("POST", "/sync/tracks", None), {"count": 0}, "a results list"),
        (
            "/api/v2/playout-history/playout-history-full",
            ("POST", "/sync/playback-history", {"start_date": DAY, "end_date": DAY}),
            {"count": 1},
            "a results list",
        ),
        (
            "/api/v2/playout-history/playout-history-full",
            ("POST", "/sync/playback-history", {"start_date": DAY, "end_date": DAY}),
            {"count": 1, "results": [{"id": 1, "file": 2}]},
            "history rows with id and starts",
        ),
        ("/api/v2/integration/schedule", ("GET", "/proxy/dashboard", None), {"date": DAY}, "an entries list"),
    ],
)
async def test_an_answer_without_what_was_asked_is_libretime_error_naming_it(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, path: str, call: tuple, answer: dict, missing: str
) -> None:
    """LibreTime answering 200 with the wrong shape is its error, named with its path: never success."""
    await fault(client, match={"method": "GET", "path": path}, fault="status", status=200, body=answer)
    method, route, body = call
    response = await ll.request(method, route, json=body)
    assert response.status_code == 502, response.text
    error = response.json()
    assert error["error"] == "libretime_error"
    assert error["message"] == f"LibreTime answered {path} without {missing}"
    assert error["details"]["upstream"]["method"] == "GET" and error["details"]["upstream"]["path"] == path
    assert "success" not in error


async def _status_error(ll: httpx.AsyncClient) -> tuple[int, str]:
    status = (await ll.get("/sync/status")).json()
    assert status["connection_status"] is False
    return 502, status["libretime"]["error"].removeprefix("libretime_error: ")


async def _dashboard(ll: httpx.AsyncClient) -> tuple[int, str]:
    response = await ll.get("/proxy/dashboard")
    return response.status_code, response.json()["message"]


async def _history(ll: httpx.AsyncClient) -> tuple[int, str]:
    response = await ll.post("/sync/playback-history", json={"start_date": DAY, "end_date": DAY})
    return response.status_code, response.json()["message"]


async def _track_sync(ll: httpx.AsyncClient) -> tuple[int, str]:
    response = await ll.post("/sync/tracks")
    return response.status_code, response.json()["message"]


async def _publish(ll: httpx.AsyncClient) -> tuple[int, str]:
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "06:00:00", "libretime_id": 1}]})).json()
    response = await ll.post(f"/logs/{log['id']}/publish")
    return response.status_code, response.json()["message"]


async def _voice(ll: httpx.AsyncClient) -> tuple[int, str]:
    voice = (await ll.post("/voice", files={"file": ("b.mp3", b"ID3", "audio/mpeg")}, data={"title": "B"})).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert (await ll.get(f"/voice/{voice['id']}")).json()["status"] == "recorded"
    return response.status_code, response.json()["message"]


@pytest.mark.parametrize(
    ("flavor", "action", "method", "path", "wrong"),
    [
        ("v2", _status_error, "GET", "/api/v2/version", []),
        ("v2", _status_error, "GET", "/api/v2/stream/state", []),
        ("integration", _status_error, "GET", "/api/v2/integration/sync-status", []),
        ("integration", _dashboard, "GET", "/api/v2/integration/schedule", []),
        ("v2", _history, "GET", "/api/v2/playout-history", {}),
        ("integration", _history, "GET", "/api/v2/playout-history/playout-history-full", []),
        ("v2", _track_sync, "GET", "/api/v2/libraries", {}),
        ("v2", _track_sync, "GET", "/api/v2/files", {}),
        ("v2", _publish, "GET", "/api/v2/schedule", {}),
        ("v2", _publish, "GET", "/api/v2/files/1", []),
        ("v2", _publish, "GET", "/api/v2/shows", {}),
        ("v2", _publish, "POST", "/api/v2/shows", []),
        ("v2", _publish, "GET", "/api/v2/show-instances", {}),
        ("v2", _publish, "POST", "/api/v2/show-instances", []),
        ("v2", _voice, "GET", "/api/v2/files", {}),
        ("integration", _track_sync, "GET", "/api/v2/integration/media-library", []),
        ("integration", _publish, "POST", "/api/v2/integration/schedule/replace-day", []),
        ("v2", _voice, "GET", "/api/v2/libraries", {}),
        ("v2", _voice, "POST", "/api/v2/libraries", []),
        ("v2", _voice, "POST", "/rest/media", []),
        ("integration", _voice, "POST", "/api/v2/integration/voice-tracks", []),
    ],
)
async def test_an_answer_of_the_wrong_shape_is_a_libretime_error_naming_the_request(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, action: object, method: str, path: str, wrong: object
) -> None:
    """Every LibreTime answer LibreLog reads is checked for its shape before use: a list where an
    object belongs (or the reverse) is LibreTime's error, reported as such, never LibreLog's 500."""
    await seed(client, {"fixture": "small"})
    rule = {"match": {"method": method, "path": path}, "fault": "status", "status": 200, "body": wrong}
    assert (await client.post("/__stub__/faults", json=rule)).status_code == 201
    got = await action(ll)  # type: ignore[operator]
    assert got == (502, f"LibreTime answered {method} {path} with an unexpected {type(wrong).__name__}")


@pytest.mark.parametrize(
    ("flavor", "action", "path", "wrong", "message"),
    [
        ("v2", _history, "/api/v2/playout-history", [5], "without history rows with id and starts"),
        ("v2", _history, "/api/v2/playout-history", [{"id": 1}], "without history rows with id and starts"),
        (
            "integration",
            _history,
            "/api/v2/playout-history/playout-history-full",
            {"results": [{"id": "1", "starts": "2026-11-25T08:00:00Z"}]},
            "without history rows with id and starts",
        ),
        ("integration", _dashboard, "/api/v2/integration/schedule", {"entries": {}}, "without an entries list"),
    ],
)
async def test_rows_of_the_wrong_shape_are_a_libretime_error_naming_the_route(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, action: object, path: str, wrong: object, message: str
) -> None:
    rule = {"match": {"method": "GET", "path": path}, "fault": "status", "status": 200, "body": wrong}
    assert (await client.post("/__stub__/faults", json=rule)).status_code == 201
    assert await action(ll) == (502, f"LibreTime answered {path} {message}")  # type: ignore[operator]


@pytest.mark.parametrize("flavor", ["v2"])
async def test_an_upload_answer_without_a_file_id_names_the_request(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    rule = {"match": {"method": "POST", "path": "/rest/media"}, "fault": "status", "status": 201, "body": {"ok": 1}}
    await client.post("/__stub__/faults", json=rule)
    voice = (await ll.post("/voice", files={"file": ("b.mp3", b"ID3", "audio/mpeg")}, data={"title": "B"})).json()
    body = (await ll.post(f"/voice/{voice['id']}/upload-to-libretime")).json()
    assert (body["error"], body["message"]) == ("libretime_error", "LibreTime's /rest/media answered without a file id")
    assert upstream_of(body)[:2] == ("POST", "/rest/media")


@pytest.mark.parametrize("flavor", ["v2"])
async def test_the_legacy_apps_500_for_a_wrong_key_is_libretime_auth_failed(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The legacy app renders a refused key as a server error (500, its text, then its error page):
    LibreLog reports it as the key it is, not as LibreTime failing."""
    refusal = "ERROR: Incorrect API key.<!DOCTYPE html><html><head><title>An error has occurred.</title></head></html>"
    rule = {"match": {"method": "POST", "path": "/rest/media"}, "fault": "status", "status": 500, "body": refusal}
    await client.post("/__stub__/faults", json=rule)
    voice = (await ll.post("/voice", files={"file": ("b.mp3", b"ID3", "audio/mpeg")}, data={"title": "B"})).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    body = response.json()
    assert (response.status_code, body["error"]) == (502, "libretime_auth_failed")
    assert "legacy app refused the API key on POST /rest/media" in body["message"]
    assert upstream_of(body)[:3] == ("POST", "/rest/media", 500)


ROW = r"/api/v2/schedule/\d+"


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_republish_failing_midway_puts_the_deleted_rows_back_and_says_so(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """v2 writes the new rows, then deletes the old: the third delete is refused, so two old rows
    are gone and six new ones stand. The restore removes the new ones (a 404 meaning one is gone
    already) and creates the two old ones again, whole."""
    log = await prepared(ll, client)
    before = await stub_schedule(client, DAY)
    old_rows = {r["starts_at"]: r for r in (await client.get("/api/v2/schedule")).json()}
    await fault(client, match={"method": "DELETE", "path_pattern": ROW}, fault="status", status=400, skip=2, times=1)
    await fault(client, match={"method": "DELETE", "path_pattern": ROW}, fault="status", status=404, skip=3, times=1)
    await client.delete("/__stub__/journal")
    response = await ll.post(f"/logs/{log['id']}/publish")
    body = response.json()
    assert (response.status_code, body["error"]) == (502, "libretime_rejected")
    # The two old rows go back as they were, each created without the id LibreTime gave it before.
    posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": "/api/v2/schedule"})).json()
    deleted = [r for r in old_rows.values() if r["id"] in _deleted_ids(await client.get("/__stub__/journal"))]
    assert [p["json"] for p in posts["requests"][-2:]] == [{k: v for k, v in r.items() if k != "id"} for r in deleted]
    assert body["message"].startswith("LibreTime rejected DELETE /api/v2/schedule/"), body["message"]
    assert body["message"].endswith(
        ' (400): {"detail": "Injected fault: HTTP 400"}; the previous schedule was restored'
    )
    held = (await client.get("/api/v2/schedule")).json()
    # The one new row whose delete answered 404 is the fault's doing; every other row is as before.
    left = Counter((r["starts_at"], r["file"]) for r in held) - Counter(before)
    assert sum(left.values()) == 1 and len(held) == len(before) + 1
    assert set(left) <= {
        (f"{DAY}T{e['start']}Z", e["libretime_id"]) for e in (await ll.get(f"/logs/{log['id']}")).json()["entries"]
    }
    for row in held:
        if (row["starts_at"], row["file"]) in before:
            was = old_rows[row["starts_at"]]
            assert {k: row[k] for k in was if k != "id"} == {k: was[k] for k in was if k != "id"}


def _deleted_ids(journal: httpx.Response) -> list[int]:
    """The ids of the rows LibreTime deleted (answered 204), in the order of the deletes."""
    return [
        int(e["path"].rsplit("/", 1)[1])
        for e in journal.json()["requests"]
        if e["method"] == "DELETE" and e["status"] == 204
    ]


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_restore_that_fails_too_says_to_republish(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    log = await prepared(ll, client)
    await fault(client, match={"method": "DELETE", "path_pattern": ROW}, fault="status", status=400, skip=2)
    body = (await ll.post(f"/logs/{log['id']}/publish")).json()
    first, _, rest = body["message"].partition("; restoring the previous schedule also failed (")
    assert first.startswith("LibreTime rejected DELETE /api/v2/schedule/"), body["message"]
    assert rest.startswith("LibreTime rejected DELETE /api/v2/schedule/") and rest.endswith("): re-publish to converge")


async def test_a_publish_that_keeps_failing_tries_exactly_one_plus_retries_times(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    log = await prepared(ll, client)
    before = await stub_schedule(client, DAY)
    await fault(client, match={"method": "POST", "path": write_path(flavor)}, fault="status", status=503)
    await client.delete("/__stub__/journal")
    response = await ll.post(f"/logs/{log['id']}/publish")
    assert (response.status_code, response.json()["error"]) == (502, "libretime_error")
    posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": write_path(flavor)})).json()
    assert [r["status"] for r in posts["requests"]] == [503, 503, 503]  # LIBRETIME_RETRIES=2 here
    assert await stub_schedule(client, DAY) == before


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_old_row_already_gone_is_not_a_failure(ll: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    """Between reading the day and deleting its old rows someone may delete one: LibreTime's 404
    says it is gone, which is what LibreLog wanted."""
    log = await prepared(ll, client)
    await fault(client, match={"method": "DELETE", "path_pattern": ROW}, fault="status", status=404, times=1)
    response = await ll.post(f"/logs/{log['id']}/publish")
    assert response.status_code == 200, response.text
    assert response.json()["libretime"] == {"deleted": 6, "created": 6}
