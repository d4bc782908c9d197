"""LibreTime's auth quirks: 403 (never 401), Api-Key parsing, public routes, auth before lookup."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.conftest import API_KEY, seed

NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(
    "header",
    [None, "Api-Key wrong-key", f"Bearer {API_KEY}", f"api-key {API_KEY}", f"Token {API_KEY}"],
)
async def test_rejected_credentials_get_403_not_provided(anon: httpx.AsyncClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = await anon.get("/api/v2/files", headers=headers)
    assert response.status_code == 403
    assert response.json() == NOT_PROVIDED
    assert "WWW-Authenticate" not in response.headers


async def test_two_spaces_after_api_key_still_authenticate(anon: httpx.AsyncClient) -> None:
    await seed(anon, {"fixture": "small"})
    response = await anon.get("/api/v2/files/1", headers={"Authorization": f"Api-Key  {API_KEY}"})
    assert (response.status_code, response.json()["id"]) == (200, 1)


async def test_api_key_without_token_is_upstreams_500(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/v2/files", headers={"Authorization": "Api-Key"})
    assert response.status_code == 500
    assert "Server Error (500)" in response.text


@pytest.mark.parametrize("path", ["/api/v2/version", "/api/v2/info", "/api/v2/schema"])
async def test_public_routes_answer_with_or_without_a_key(anon: httpx.AsyncClient, path: str) -> None:
    bare = await anon.get(path)
    keyed = await anon.get(path, headers={"Authorization": f"Api-Key {API_KEY}"})
    wrong = await anon.get(path, headers={"Authorization": "Api-Key nope"})
    assert bare.status_code == keyed.status_code == wrong.status_code == 200
    assert bare.content == keyed.content


async def test_auth_is_checked_before_lookup(anon: httpx.AsyncClient) -> None:
    unknown_without_key = await anon.get("/api/v2/files/999")
    unknown_with_key = await anon.get("/api/v2/files/999", headers={"Authorization": f"Api-Key {API_KEY}"})
    assert (unknown_without_key.status_code, unknown_without_key.json()) == (403, NOT_PROVIDED)
    assert (unknown_with_key.status_code, unknown_with_key.json()) == (
        404,
        {"detail": "No File matches the given query."},
    )


async def test_basic_auth_with_a_libretime_user(anon: httpx.AsyncClient) -> None:
    await seed(anon, {"fixture": "small"})
    good = await anon.get("/api/v2/files/2", auth=("admin", "admin"))
    bad = await anon.get("/api/v2/files/2", auth=("admin", "wrong"))
    assert (good.status_code, good.json()["track_title"]) == (200, "Paper Comets")
    assert (bad.status_code, bad.json()) == (403, {"detail": "Invalid username/password."})


async def test_bad_basic_credentials_fail_even_on_public_routes(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/v2/version", auth=("admin", "wrong"))
    assert (response.status_code, response.json()) == (403, {"detail": "Invalid username/password."})


async def test_legacy_upload_needs_basic_key_with_empty_password(anon: httpx.AsyncClient) -> None:
    files = {"file": ("a.wav", b"RIFF0000WAVE", "audio/x-wav")}
    as_key = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    with_password = "Basic " + base64.b64encode(f"{API_KEY}:x".encode()).decode()
    refused = await anon.post("/rest/media", files=files, headers={"Authorization": with_password})
    api_key_style = await anon.post("/rest/media", files=files, headers={"Authorization": f"Api-Key {API_KEY}"})
    accepted = await anon.post("/rest/media", files=files, headers={"Authorization": as_key})
    # The legacy app throws on a wrong key and its error controller answers 500.
    assert refused.status_code == api_key_style.status_code == 500
    assert refused.headers["Content-Type"] == "text/html; charset=UTF-8"
    state = (await anon.get("/__stub__/state")).json()
    # only the accepted upload was stored
    assert (accepted.status_code, len(state["tables"]["files"]["rows"])) == (201, 1)
