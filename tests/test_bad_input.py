"""Hostile bodies on every writable route: a 4xx naming the problem, never a 5xx, nothing written."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from tests.conftest import instance, schedule_row, seed, show

EVERYTHING = {
    "fixture": "small",
    "shows": [{"id": 1, **show()}],
    "show_instances": [{"id": 1, **instance(1, "2026-11-25T08:00:00Z", "2026-11-25T09:00:00Z")}],
    "schedule": [{"id": 1, **schedule_row(1, 1, "2026-11-25T08:00:00Z", "2026-11-25T08:03:00Z")}],
    "playout_history": [{"starts": "2026-11-25T08:00:00Z", "file": 1}],
    "webstreams": [
        {
            "name": "Relay",
            "description": "d",
            "url": "http://relay.invalid/",
            "length": "01:00:00",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }
    ],
}

COLLECTIONS = ["files", "schedule", "shows", "show-instances", "libraries", "playout-history", "webstreams"]
GARBAGE = [
    {"content": b"[1, 2", "headers": {"Content-Type": "application/json"}},
    {"json": []},
    {"json": "just a string"},
    {"json": 42},
    {"json": {"id": {"nested": True}, "name": ["list"], "starts_at": 12, "size": 10**40, "instance": True}},
    {"content": b'{"size": 1e309, "length": NaN}', "headers": {"Content-Type": "application/json"}},
    {"json": {k: "x" * 20000 for k in ("name", "mime", "code", "starts", "url", "description")}},
    {"content": b"\xff\xfe\x00garbage", "headers": {"Content-Type": "application/json"}},
    {"content": b"a=1&a=2&size=%FF", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
]


def _body_keys(garbage: dict) -> set[str] | None:
    """The field names a garbage body carries, or None when it is not a mapping at all."""
    if isinstance(garbage.get("json"), dict):
        return set(garbage["json"])
    if garbage.get("headers", {}).get("Content-Type") == "application/x-www-form-urlencoded":
        return set(parse_qs(garbage["content"].decode(errors="replace")))
    return None


async def snapshot(client: httpx.AsyncClient) -> dict:
    state = (await client.get("/__stub__/state")).json()
    return state["tables"]


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_garbage_creates_are_4xx_and_write_nothing(client: httpx.AsyncClient, collection: str) -> None:
    await seed(client, EVERYTHING)
    before = await snapshot(client)
    for garbage in GARBAGE:
        response = await client.post(f"/api/v2/{collection}", **garbage)
        assert 400 <= response.status_code < 500, (collection, garbage, response.status_code, response.text[:200])
        assert response.headers["Content-Type"].startswith("application/json")
    assert await snapshot(client) == before


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_garbage_updates_are_4xx_and_change_nothing(client: httpx.AsyncClient, collection: str) -> None:
    await seed(client, EVERYTHING)
    rows = (await client.get(f"/api/v2/{collection}")).json()
    assert rows
    before = await snapshot(client)
    fields = set(rows[0])
    for garbage in GARBAGE:
        for method in ("PUT", "PATCH"):
            response = await client.request(method, f"/api/v2/{collection}/{rows[0]['id']}", **garbage)
            keys = _body_keys(garbage)
            # DRF ignores unknown keys: a PATCH naming no field of this resource is a no-op 200.
            no_op = method == "PATCH" and keys is not None and not fields & keys
            expected = range(200, 201) if no_op else range(400, 500)
            assert response.status_code in expected, (collection, method, garbage, response.text[:200])
    assert await snapshot(client) == before


@pytest.mark.parametrize(
    "path", ["/api/v2/integration/schedule/replace-day", "/api/v2/integration/schedule/replace-hour"]
)
async def test_garbage_integration_bodies_are_400(client: httpx.AsyncClient, path: str) -> None:
    await seed(client, {"fixture": "small"})
    before = await snapshot(client)
    bodies = [
        [],
        {"date": 20261125, "timezone": 5, "hour": "noon", "entries": "all"},
        {
            "date": "2026-11-25",
            "entries": [None, 5, "x", {"start": 5, "media_id": None}, {"start": [], "media_id": {}}],
        },
        {"date": "2026-02-30", "entries": []},
        {"date": "2026-11-25", "timezone": "../../etc/passwd", "entries": []},
    ]
    for body in bodies:
        response = await client.post(path, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["success"] is False and response.json()["errors"]
    assert await snapshot(client) == before


async def test_bad_query_values_are_not_5xx(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    for path, params in [
        ("/api/v2/schedule", {"position_status": "one", "broadcasted": "x", "overbooked": "maybe"}),
        ("/api/v2/integration/media-library", {"limit": "-5", "offset": "x"}),
        ("/api/v2/integration/schedule", {"date": "tomorrow", "timezone": "Nowhere"}),
        ("/api/v2/playout-history/playout-history-full", {"start": "x", "end": "2026-13-45"}),
        ("/__stub__/journal", {"since": "x"}),
    ]:
        response = await client.get(path, params=params)
        assert response.status_code < 500, (path, response.text)
        assert response.status_code in (200, 400)
