"""Every v2 response the stub gives validates against LibreTime's own OpenAPI schema."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import instance, schedule_row, seed, show
from tests.openapi_check import PACKAGED, assert_conforms


async def populated(client: httpx.AsyncClient) -> None:
    await seed(
        client,
        {
            "fixture": "small",
            "generate": {"files": 50, "seed": 3},
            "shows": [{"id": 1, **show()}],
            "show_instances": [{"id": 1, **instance(1, "2026-11-25T08:00:00Z", "2026-11-25T09:00:00Z")}],
            "schedule": [
                {"id": 1, **schedule_row(1, 1, "2026-11-25T08:00:00Z", "2026-11-25T08:03:00Z")},
                {"id": 2, **schedule_row(1, 2, "2026-11-25T08:58:00Z", "2026-11-25T09:04:00Z", cue_out="00:06:00")},
            ],
            "playout_history": [{"starts": "2026-11-25T08:00:00Z", "ends": "2026-11-25T08:03:00Z", "file": 1}],
            "webstreams": [
                {
                    "name": "Relay",
                    "description": "Network relay",
                    "url": "http://relay.invalid/stream",
                    "length": "01:00:00",
                    "created_at": "2026-01-01T00:00:00Z",
                    "updated_at": "2026-01-01T00:00:00Z",
                }
            ],
        },
    )


LIST_ROUTES = ["files", "schedule", "shows", "show-instances", "libraries", "playout-history", "webstreams"]


@pytest.mark.parametrize("collection", LIST_ROUTES)
async def test_lists_and_members_conform(client: httpx.AsyncClient, collection: str) -> None:
    await populated(client)
    listing = await client.get(f"/api/v2/{collection}")
    rows = listing.json()
    assert (listing.status_code, bool(rows)) == (200, True), f"{collection} should hold rows in this fixture"
    assert_conforms(f"/api/v2/{collection}", "GET", 200, rows)
    member = await client.get(f"/api/v2/{collection}/{rows[0]['id']}")
    assert_conforms(f"/api/v2/{collection}/{{id}}", "GET", 200, member.json())


@pytest.mark.parametrize("path", ["version", "info", "stream/state", "stream/preferences"])
async def test_small_views_conform(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"/api/v2/{path}")
    assert_conforms(f"/api/v2/{path}", "GET", response.status_code, response.json())
    assert response.status_code == 200 and response.json()  # a real document, not an empty answer


async def test_creates_conform(client: httpx.AsyncClient) -> None:
    await populated(client)
    created_show = await client.post("/api/v2/shows", json=show(name="Late"))
    assert_conforms("/api/v2/shows", "POST", 201, created_show.json())
    created_instance = await client.post(
        "/api/v2/show-instances", json=instance(created_show.json()["id"], "2026-11-26T22:00Z", "2026-11-26T23:00Z")
    )
    assert_conforms("/api/v2/show-instances", "POST", 201, created_instance.json())
    created_row = await client.post(
        "/api/v2/schedule",
        json=schedule_row(created_instance.json()["id"], 3, "2026-11-26T22:00:00Z", "2026-11-26T22:03:00Z"),
    )
    assert_conforms("/api/v2/schedule", "POST", 201, created_row.json())
    created_file = await client.post(
        "/api/v2/files", json={"name": "n.mp3", "mime": "audio/mpeg", "size": 1, "accessed": 0}
    )
    assert_conforms("/api/v2/files", "POST", 201, created_file.json())
    created_type = await client.post("/api/v2/libraries", json={"code": "VOT", "name": "Voice", "description": "x"})
    assert_conforms("/api/v2/libraries", "POST", 201, created_type.json())


async def test_the_conformance_check_itself_catches_a_wrong_shape() -> None:
    """Guard against a validator that accepts anything."""
    with pytest.raises(AssertionError, match="does not match"):
        assert_conforms("/api/v2/files/{id}", "GET", 200, {"id": "seven", "name": "x"})


async def test_schema_route_serves_libretimes_schema(anon: httpx.AsyncClient) -> None:
    as_yaml = await anon.get("/api/v2/schema")
    as_json = await anon.get("/api/v2/schema", params={"format": "json"})
    assert as_yaml.headers["Content-Type"].startswith("application/vnd.oai.openapi")
    assert as_yaml.content == PACKAGED.read_bytes()
    assert as_json.json()["info"]["title"] == "LibreTime API"
    assert len(as_json.json()["paths"]) == 74


def test_packaged_schema_is_the_shared_contract(shared_reference: Path) -> None:
    assert PACKAGED.read_bytes() == (shared_reference / "libretime-openapi.yml").read_bytes()


def test_the_schema_the_stub_reads_is_the_yaml_it_serves() -> None:
    from stubs.libretime import openapi

    assert openapi.schema() == openapi.schema_from_yaml(), (
        "the JSON twin is stale: python -c 'from stubs.libretime import openapi; openapi.write_json_twin()'"
    )
