"""LibreLog under hostile input: the fuzzer's findings, each kept as a regression test.

Ids SQLite cannot hold, multipart bodies aiohttp cannot split, values the OpenAPI document rules
out: always a 4xx naming the field, never a 500; and the document says what the service does.
"""

from __future__ import annotations

import json

import httpx
import pytest

from stubs.librelog import run_librelog
from tests.conftest import librelog_settings_for, seed

HUGE = 2**64 + 7  # beyond SQLite's signed 64-bit integers
DAY = "2099-01-01"


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/logs/{id}"),
        ("DELETE", "/logs/{id}"),
        ("POST", "/logs/{id}/publish"),
        ("POST", "/logs/{id}/validate"),
        ("POST", "/logs/{id}/lock"),
        ("GET", "/voice/{id}"),
        ("GET", "/voice/{id}/file"),
        ("POST", "/voice/{id}/upload-to-libretime"),
        ("GET", "/tracks/{id}"),
        ("GET", "/proxy/files/{id}"),
    ],
)
@pytest.mark.parametrize("raw", [str(HUGE), str(2**63), "١٢", "1_0", "-3", "0"])
async def test_path_ids_that_name_nothing_are_404(ll: httpx.AsyncClient, method: str, path: str, raw: str) -> None:
    response = await ll.request(method, path.replace("{id}", raw))
    assert (response.status_code, response.json()["error"]) == (404, "not_found")


@pytest.mark.parametrize("flavor", ["integration"])
async def test_an_hour_replacement_of_a_huge_log_id_is_404(ll: httpx.AsyncClient) -> None:
    response = await ll.put(f"/logs/{HUGE}/hours/12", json={"entries": []})
    assert response.status_code == 404


@pytest.mark.parametrize("flavor", ["integration"])
async def test_body_ids_beyond_64_bits_are_400_naming_the_field(ll: httpx.AsyncClient) -> None:
    track = await ll.post("/tracks", json={"title": "Big", "libretime_id": HUGE})
    assert track.status_code == 400
    assert track.json()["details"]["fields"] == ["libretime_id"]
    entries = [{"start": "10:00:00", "libretime_id": HUGE}, {"start": "11:00:00", "track_id": 2**63}]
    log = await ll.post("/logs", json={"date": DAY, "entries": entries})
    assert log.status_code == 400
    assert log.json()["details"]["fields"] == ["entries[0].libretime_id", "entries[1].track_id"]
    assert (await ll.get("/logs")).json()["total"] == 0  # nothing was stored


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/tracks?libretime_id={HUGE}", "libretime_id"),
        ("/tracks?libretime_id=", "libretime_id"),
        ("/tracks?limit=", "limit"),
        ("/tracks?limit=1_0", "limit"),
        ("/tracks?type=l%C4%B1n", "type"),  # "lın": upper-cases to LIN, but is not a type code
        ("/logs?date=", "date"),
        ("/logs?date=20990101", "date"),
        ("/playback-history?start=2099-W01-1", "start"),
    ],
)
async def test_query_values_the_document_rules_out_are_400(ll: httpx.AsyncClient, path: str, field: str) -> None:
    response = await ll.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["details"]["fields"] == [field]


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize("limit", [str(2**63), "", "+5"])
async def test_sync_limits_out_of_range_are_400(ll: httpx.AsyncClient, limit: str) -> None:
    response = await ll.post("/sync/tracks", params={"limit": limit})
    assert (response.status_code, response.json()["details"]["fields"]) == (400, ["limit"])


@pytest.mark.parametrize("flavor", ["integration"])
async def test_dates_and_clock_times_are_exactly_the_documented_shapes(ll: httpx.AsyncClient) -> None:
    for date, start in (("20990101", "10:00:00"), (DAY, " 10:00:00"), (DAY, "١٠:00:00"), (DAY, "10:00:00 ")):
        response = await ll.post("/logs", json={"date": date, "entries": [{"start": start, "libretime_id": 1}]})
        assert response.status_code == 400, (date, start, response.text)
    ok = await ll.post("/logs", json={"date": DAY, "entries": [{"start": "10:00", "libretime_id": 1, "fold": 0}]})
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b'{"title": "no boundary"}'),
        (
            "multipart/form-data; boundary=xx",
            b'--xx\r\nContent-Disposition: form-data; name="\xc3\x9f\x11\xf0\x9f"\r\n\r\nv\r\n--xx--\r\n',
        ),
        ("multipart/form-data; boundary=xx", b"--xx\r\nContent-Disposition: form-data\r\n\r\n--xx"),
        ("multipart/form-data; boundary=xx", b"not a multipart body at all"),
    ],
)
async def test_multipart_bodies_that_cannot_be_read_are_400(
    ll: httpx.AsyncClient, content_type: str, body: bytes
) -> None:
    response = await ll.post("/voice", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "validation_failed"
    assert (await ll.get("/voice")).json()["total"] == 0


@pytest.mark.parametrize("flavor", ["integration"])
async def test_a_wrong_method_is_405_with_allow(ll: httpx.AsyncClient) -> None:
    response = await ll.request("TRACE", "/logs/1/publish")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json()["details"]["allowed"] == ["POST"]


async def test_the_document_declares_auth_exactly_when_a_token_is_set(stub: object, tmp_path: object) -> None:
    url = stub.base_url  # type: ignore[attr-defined]
    open_settings = librelog_settings_for(url, tmp_path, db_path=":memory:")
    async with run_librelog(open_settings) as running, httpx.AsyncClient(base_url=running.base_url) as http:
        doc = (await http.get("/openapi.json")).json()
        assert "security" not in doc and "securitySchemes" not in doc["components"]
        assert all("401" not in op["responses"] for ops in doc["paths"].values() for op in ops.values())
        assert (await http.get("/logs")).status_code == 200  # and indeed nothing asks for one
    secured = librelog_settings_for(url, tmp_path, db_path=":memory:", api_token="tok-3f1e9a")
    async with run_librelog(secured) as running, httpx.AsyncClient(base_url=running.base_url) as http:
        assert (await http.get("/openapi.json")).status_code == 401
        doc = (await http.get("/openapi.json", headers={"Authorization": "Bearer tok-3f1e9a"})).json()
        assert doc["security"] == [{"bearer": []}]
        assert doc["paths"]["/logs"]["get"]["responses"]["401"]
        assert doc["paths"]["/health"]["get"]["security"] == []
        assert "401" not in doc["paths"]["/health"]["get"]["responses"]
        assert (await http.get("/logs")).status_code == 401


async def test_every_status_an_operation_answers_is_in_the_document(
    client: httpx.AsyncClient, ll: httpx.AsyncClient
) -> None:
    """Spot checks of statuses the document once left out: publish's 400 and 502, sync's 400."""
    doc = (await ll.get("/openapi.json")).json()
    publish = doc["paths"]["/logs/{id}/publish"]["post"]["responses"]
    assert {"200", "400", "404", "409", "502", "503", "504"} <= set(publish)
    assert {"200", "400", "502", "503", "504"} <= set(doc["paths"]["/sync/tracks"]["post"]["responses"])
    await seed(client, {"fixture": "small"})
    log = (await ll.post("/logs", json={"date": DAY, "entries": [{"start": "10:00:00", "libretime_id": 99}]})).json()
    refused = await ll.post(f"/logs/{log['id']}/publish")
    assert str(refused.status_code) in publish


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize("body", [[], "text", 42, None, True])
@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("POST", "/logs", "Expected a JSON object."),
        ("POST", "/tracks", "Expected a JSON object."),
        ("POST", "/sync/playback-history", "Expected a JSON object with start_date and end_date."),
        ("PUT", "/logs/{log}/hours/10", "Expected a JSON object with entries."),
    ],
)
async def test_a_body_that_is_not_an_object_is_400_naming_the_body(
    ll: httpx.AsyncClient, method: str, path: str, message: str, body: object
) -> None:
    log = (await ll.post("/logs", json={"date": DAY, "entries": []})).json()
    raw = json.dumps(body)  # null too: httpx would send no body at all for json=None
    headers = {"Content-Type": "application/json"}
    response = await ll.request(method, path.format(log=log["id"]), content=raw, headers=headers)
    assert response.status_code == 400, response.text
    details = response.json()["details"]
    assert details["errors"] == [{"field": "body", "message": message}]
    assert (await ll.get("/logs")).json()["total"] == 1 and (await ll.get("/tracks")).json()["total"] == 0
