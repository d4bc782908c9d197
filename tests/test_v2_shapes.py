"""Upstream v2 shapes and quirks: each test fails on a stub that 'helpfully' differs."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import instance, schedule_row, seed, show


async def small_day(client: httpx.AsyncClient) -> dict:
    """Two shows' worth of schedule on 2026-11-25 (instances 1 and 2)."""
    return await seed(
        client,
        {
            "fixture": "small",
            "shows": [{"id": 1, **show()}, {"id": 2, **show(name="Evening")}],
            "show_instances": [
                {"id": 1, **instance(1, "2026-11-25T08:00:00Z", "2026-11-25T09:00:00Z")},
                {"id": 2, **instance(2, "2026-11-25T18:00:00Z", "2026-11-25T19:00:00Z")},
            ],
            "schedule": [
                {"id": 1, **schedule_row(1, 1, "2026-11-25T08:00:00Z", "2026-11-25T08:03:00Z")},
                {"id": 2, **schedule_row(1, 2, "2026-11-25T08:03:00Z", "2026-11-25T08:06:00Z", position=1)},
                {"id": 3, **schedule_row(2, 3, "2026-11-25T18:00:00Z", "2026-11-25T18:03:00Z")},
            ],
        },
    )


async def test_lists_are_bare_arrays_and_ignore_paging(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    response = await client.get("/api/v2/files", params={"limit": 2, "offset": 5, "page": 3, "ordering": "-id"})
    body = response.json()
    assert isinstance(body, list)
    assert len(body) == 14  # every file: limit/offset/page are not applied
    assert "results" not in response.text[:20]


async def test_schedule_instance_parameter_is_ignored(client: httpx.AsyncClient) -> None:
    """The Java rewrite's bug (defect 14): '?instance=1' returns the other show's rows too."""
    await small_day(client)
    rows = (await client.get("/api/v2/schedule", params={"instance": 1})).json()
    assert sorted(r["id"] for r in rows) == [1, 2, 3]
    assert {r["instance"] for r in rows} == {1, 2}


async def test_schedule_filters_are_inclusive(client: httpx.AsyncClient) -> None:
    await small_day(client)
    rows = (
        await client.get(
            "/api/v2/schedule",
            params={"starts_after": "2026-11-25T08:03:00Z", "starts_before": "2026-11-25T18:00:00Z"},
        )
    ).json()
    assert sorted(r["id"] for r in rows) == [2, 3]  # both bounds included
    ends = (await client.get("/api/v2/schedule", params={"ends_before": "2026-11-25T08:03:00Z"})).json()
    assert [r["id"] for r in ends] == [1]


async def test_bad_filter_datetime_names_the_filter_base(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v2/schedule", params={"starts_after": "yesterday", "ends_before": "x"})
    assert response.status_code == 400
    assert response.json() == {"starts": ["Enter a valid date/time."], "ends": ["Enter a valid date/time."]}


async def test_overbooked_filter(client: httpx.AsyncClient) -> None:
    await small_day(client)
    await seed(client, {"schedule": [{"id": 9, **schedule_row(1, 4, "2026-11-25T09:00:00Z", "2026-11-25T09:00:30Z")}]})
    over = (await client.get("/api/v2/schedule", params={"overbooked": "true"})).json()
    inside = (await client.get("/api/v2/schedule", params={"overbooked": "false"})).json()
    assert [r["id"] for r in over] == [9]
    assert sorted(r["id"] for r in inside) == [1, 2, 3]


async def test_reads_clamp_to_the_show_instance(client: httpx.AsyncClient) -> None:
    await small_day(client)
    await seed(
        client,
        {
            "schedule": [
                # starts inside, ends 4 min after the show → ends_at and cue_out are cut
                {"id": 7, **schedule_row(1, 3, "2026-11-25T08:58:00Z", "2026-11-25T09:04:00Z", cue_out="00:06:00")},
                # starts after the show ended → keeps cue_out, ends_at reads as the show end
                {"id": 8, **schedule_row(1, 4, "2026-11-25T09:10:00Z", "2026-11-25T09:10:30Z", cue_out="00:00:30")},
            ]
        },
    )
    cut = (await client.get("/api/v2/schedule/7")).json()
    late = (await client.get("/api/v2/schedule/8")).json()
    assert (cut["ends_at"], cut["cue_out"]) == ("2026-11-25T09:00:00Z", "00:02:00")
    assert (late["ends_at"], late["cue_out"]) == ("2026-11-25T09:00:00Z", "00:00:30")
    assert late["ends_at"] < late["starts_at"]


async def test_create_returns_the_stored_unclamped_row(client: httpx.AsyncClient) -> None:
    await small_day(client)
    created = await client.post(
        "/api/v2/schedule",
        json=schedule_row(1, 2, "2026-11-25T08:59:00Z", "2026-11-25T09:02:00Z", position=5),
    )
    assert created.status_code == 201
    assert (created.json()["ends_at"], created.json()["cue_out"]) == ("2026-11-25T09:02:00Z", "00:03:00")
    reread = (await client.get(f"/api/v2/schedule/{created.json()['id']}")).json()
    assert (reread["ends_at"], reread["cue_out"]) == ("2026-11-25T09:00:00Z", "00:01:00")


async def test_schedule_create_requires_the_upstream_fields(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v2/schedule", json={"file": None})
    assert response.status_code == 400
    assert set(response.json()) == {"starts_at", "ends_at", "cue_in", "cue_out", "position", "broadcasted", "instance"}
    assert response.json()["instance"] == ["This field is required."]


async def test_omitted_fades_are_stored_as_null(client: httpx.AsyncClient) -> None:
    await small_day(client)
    row = schedule_row(1, 1, "2026-11-25T08:10:00Z", "2026-11-25T08:13:00Z")
    del row["fade_in"], row["fade_out"]
    created = (await client.post("/api/v2/schedule", json=row)).json()
    stored = (await client.get(f"/api/v2/schedule/{created['id']}")).json()
    assert (stored["fade_in"], stored["fade_out"]) == (None, None)


async def test_unknown_instance_is_a_drf_invalid_pk(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v2/schedule", json=schedule_row(99, None, "2026-11-25T08:00Z", "2026-11-25T08:01Z")
    )
    assert response.status_code == 400
    assert response.json() == {"instance": ['Invalid pk "99" - object does not exist.']}
    assert (await client.get("/api/v2/schedule")).json() == []


async def test_patch_cannot_change_cue_out_or_ends_at(client: httpx.AsyncClient) -> None:
    await small_day(client)
    response = await client.patch("/api/v2/schedule/1", json={"cue_out": "00:00:10", "ends_at": "2026-11-25T08:00:10Z"})
    assert response.status_code == 200
    stored = (await client.get("/api/v2/schedule/1")).json()
    assert (stored["cue_out"], stored["ends_at"]) == ("00:03:00", "2026-11-25T08:03:00Z")


async def test_patch_with_starts_at_answers_500_but_saves(client: httpx.AsyncClient) -> None:
    await small_day(client)
    response = await client.patch("/api/v2/schedule/1", json={"starts_at": "2026-11-25T08:01:00Z"})
    assert response.status_code == 500
    assert (await client.get("/api/v2/schedule/1")).json()["starts_at"] == "2026-11-25T08:01:00Z"


@pytest.mark.parametrize("path", ["/api/v2/files/", "/api/v2/files/1/", "/api/v2/nope", "/api/v3/files"])
async def test_trailing_slash_and_unknown_routes_are_django_html_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<h1>Not Found</h1>" in response.text


async def test_unknown_ids_name_the_model(client: httpx.AsyncClient) -> None:
    for path, model in [
        ("files/77", "File"),
        ("schedule/77", "Schedule"),
        ("shows/77", "Show"),
        ("show-instances/77", "ShowInstance"),
        ("libraries/77", "Library"),
        ("playout-history/77", "PlayoutHistory"),
        ("webstreams/77", "Webstream"),
    ]:
        response = await client.get(f"/api/v2/{path}")
        assert (response.status_code, response.json()) == (404, {"detail": f"No {model} matches the given query."})
    # An id that is not a number fails in Django's lookup: the real LibreTime answers a bare 404.
    response = await client.get("/api/v2/files/abc")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


async def test_wrong_method_is_drf_405(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v2/version")
    assert (response.status_code, response.json()) == (405, {"detail": 'Method "POST" not allowed.'})
    deleted = await client.delete("/api/v2/files")
    assert (deleted.status_code, deleted.json()) == (405, {"detail": 'Method "DELETE" not allowed.'})


async def test_bad_json_is_a_parse_error_and_writes_nothing(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v2/shows", content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    assert (await client.get("/api/v2/shows")).json() == []


async def test_unsupported_media_type_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v2/shows", content=b"name=x", headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.json()) == (
        415,
        {"detail": 'Unsupported media type "text/plain" in request.'},
    )


async def test_a_list_body_is_rejected_like_drf(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v2/shows", json=[show()])
    assert response.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


async def test_creates_accept_json_form_and_multipart(client: httpx.AsyncClient) -> None:
    as_json = await client.post("/api/v2/shows", json=show(name="Json Show"))
    form = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in show(name="Form Show").items()}
    as_form = await client.post("/api/v2/shows", data=form)
    as_multipart = await client.post(
        "/api/v2/shows",
        data={"name": "Multipart Show"},
        files={"other": ("x.txt", b"", "text/plain")},
    )
    assert [as_json.status_code, as_form.status_code, as_multipart.status_code] == [201, 201, 201]
    # A file part for a plain field is that field's value, and not a string (the real LibreTime).
    image = await client.post("/api/v2/shows", data={"name": "Image"}, files={"image": ("x.txt", b"", "text/plain")})
    assert (image.status_code, image.json()) == (400, {"image": ["Not a valid string."]})
    names = sorted(s["name"] for s in (await client.get("/api/v2/shows")).json())
    assert names == ["Form Show", "Json Show", "Multipart Show"]
    # An omitted HTML checkbox is False, as in DRF.
    assert as_multipart.json()["linked"] is False


async def test_field_types_are_validated_with_drf_messages(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v2/files",
        json={"name": "", "mime": "x" * 300, "size": "big", "accessed": True, "import_status": 7, "replay_gain": "abc"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field may not be blank."],
        "mime": ["Ensure this field has no more than 255 characters."],
        "size": ["A valid integer is required."],
        "accessed": ["A valid integer is required."],
        "import_status": ['"7" is not a valid choice.'],
        "replay_gain": ["A valid number is required."],
    }
    assert (await client.get("/api/v2/files")).json() == []


async def test_file_formats_match_upstream(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/api/v2/files",
        json={"name": "a.mp3", "mime": "audio/mpeg", "size": 10, "accessed": 0, "length": "180.5", "replay_gain": -3.5},
    )
    body = created.json()
    assert created.status_code == 201
    assert body["length"] == "00:03:00.500000"
    assert body["replay_gain"] == "-3.50"
    assert body["import_status"] == 1


async def test_deleting_a_file_scheduled_in_the_future_is_409(client: httpx.AsyncClient) -> None:
    await seed(
        client,
        {
            "fixture": "small",
            "shows": [{"id": 1, **show()}],
            "show_instances": [{"id": 1, **instance(1, "2099-01-01T00:00:00Z", "2099-01-01T01:00:00Z")}],
            "schedule": [{"id": 1, **schedule_row(1, 5, "2099-01-01T00:00:00Z", "2099-01-01T00:00:30Z")}],
        },
    )
    refused = await client.delete("/api/v2/files/5")
    assert (refused.status_code, refused.json()) == (409, {"detail": "file is scheduled in the future"})
    assert (await client.get("/api/v2/files/5")).status_code == 200
    allowed = await client.delete("/api/v2/files/6")
    assert allowed.status_code == 204
    # Upstream's delete removes the stored bytes only: the row stays, as the real LibreTime shows.
    kept = await client.get("/api/v2/files/6")
    assert kept.status_code == 200 and kept.json()["id"] == 6


async def test_track_types_need_a_description_and_unique_code(client: httpx.AsyncClient) -> None:
    without = await client.post("/api/v2/libraries", json={"code": "VOT", "name": "Voice"})
    assert without.status_code == 500
    assert (await client.get("/api/v2/libraries")).json() == []
    created = await client.post("/api/v2/libraries", json={"code": "VOT", "name": "Voice", "description": ""})
    duplicate = await client.post("/api/v2/libraries", json={"code": "VOT", "name": "Again", "description": ""})
    assert created.status_code == 201
    assert (duplicate.status_code, duplicate.json()) == (400, {"code": ["library with this code already exists."]})


async def test_deleting_a_track_type_in_use_is_500(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    response = await client.delete("/api/v2/libraries/1")
    assert response.status_code == 500
    assert (await client.get("/api/v2/libraries/1")).status_code == 200


async def test_fresh_libretime_has_no_vot_track_type(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small"})
    codes = {t["code"] for t in (await client.get("/api/v2/libraries")).json()}
    assert "VOT" not in codes
    assert {"MUS", "ADV", "PSA", "LIN", "INT", "PRO", "SHO", "IDS", "COM", "NEW"} <= codes


async def test_playout_history_uses_starts_and_ends(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small", "playout_history": [{"starts": "2026-11-25T08:00:00Z", "file": 1}]})
    rows = (await client.get("/api/v2/playout-history", params={"starts_after": "2030-01-01"})).json()
    assert rows == [{"id": 1, "starts": "2026-11-25T08:00:00Z", "ends": None, "file": 1, "instance": None}]


async def test_show_crud_round_trip(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/v2/shows", json=show())).json()
    put = await client.put(f"/api/v2/shows/{created['id']}", json=show(name="Renamed"))
    patched = await client.patch(f"/api/v2/shows/{created['id']}", json={"genre": "Talk"})
    assert put.status_code == patched.status_code == 200
    stored = (await client.get(f"/api/v2/shows/{created['id']}")).json()
    assert (stored["name"], stored["genre"], stored["live_enabled"]) == ("Renamed", "Talk", False)
    assert (await client.delete(f"/api/v2/shows/{created['id']}")).status_code == 204
    assert (await client.get("/api/v2/shows")).json() == []


async def test_deleting_an_instance_cascades_to_its_schedule(client: httpx.AsyncClient) -> None:
    await small_day(client)
    assert (await client.delete("/api/v2/show-instances/1")).status_code == 204
    remaining = (await client.get("/api/v2/schedule")).json()
    assert [r["id"] for r in remaining] == [3]


async def test_schedule_list_never_serves_a_stale_rendering(client: httpx.AsyncClient) -> None:
    """The list reuses renderings of unchanged rows; every kind of change must show at once."""
    await small_day(client)

    async def listed(row_id: int) -> dict:
        rows = (await client.get("/api/v2/schedule")).json()
        member = (await client.get(f"/api/v2/schedule/{row_id}")).json()
        found = next(r for r in rows if r["id"] == row_id)
        assert found == member
        return found

    assert (await listed(2))["position"] == 1
    await client.patch("/api/v2/schedule/2", json={"position": 7})
    assert (await listed(2))["position"] == 7
    await client.patch("/api/v2/show-instances/1", json={"ends_at": "2026-11-25T08:04:00Z"})
    clamped = await listed(2)
    assert (clamped["ends_at"], clamped["cue_out"]) == ("2026-11-25T08:04:00Z", "00:01:00")
    await client.post("/__stub__/playout", json={"start": "2026-11-25T08:00:00Z", "end": "2026-11-25T08:10:00Z"})
    assert (await listed(2))["broadcasted"] == 1
    await client.delete("/api/v2/schedule/2")
    assert [r["id"] for r in (await client.get("/api/v2/schedule")).json()] == [1, 3]


# --- what the real LibreTime showed `librelog-verify drift` (the stub matches it) ------------


async def test_a_minimal_file_leaves_its_flags_null_and_a_patch_leaves_updated_at(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/api/v2/files", json={"name": "a.wav", "mime": "audio/x-wav", "size": 1, "accessed": 0}
    )
    row = created.json()
    assert created.status_code == 201
    assert {k: row[k] for k in ("import_status", "exists", "hidden", "scheduled", "part_of_list", "updated_at")} == {
        "import_status": 1,
        "exists": None,
        "hidden": None,
        "scheduled": None,
        "part_of_list": None,
        "updated_at": None,
    }
    patched = (await client.patch(f"/api/v2/files/{row['id']}", json={"track_title": "t"})).json()
    assert (patched["track_title"], patched["updated_at"]) == ("t", None)
    form = await client.post(
        "/api/v2/files", data={"name": "b.wav", "mime": "audio/x-wav", "size": "1", "accessed": "0"}
    )
    assert form.status_code == 201 and form.json()["hidden"] is None and form.json()["exists"] is None


async def test_a_download_without_a_filepath_is_upstreams_500(client: httpx.AsyncClient) -> None:
    row = (await client.post("/api/v2/files", json={"name": "a.wav", "mime": "a", "size": 1, "accessed": 0})).json()
    assert (await client.get(f"/api/v2/files/{row['id']}/download")).status_code == 500


async def test_every_drf_answer_says_which_methods_the_route_allows(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    assert (await client.get("/api/v2/files")).headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert (await anon.get("/api/v2/files")).headers["Allow"] == "GET, POST, HEAD, OPTIONS"  # a 403 too
    assert (await client.get("/api/v2/shows/5")).headers["Allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
    refused = await client.post("/api/v2/version")
    assert (refused.status_code, refused.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")
    assert "Allow" not in (await client.get("/api/v2/files/")).headers  # Django's own 404 page


async def test_a_schedule_create_answers_in_the_models_field_order(client: httpx.AsyncClient) -> None:
    await seed(client, {"fixture": "small", "shows": [{"id": 1, **show()}]})
    await seed(client, {"show_instances": [{"id": 1, **instance(1, "2099-01-01T00:00:00Z", "2099-01-01T01:00:00Z")}]})
    created = await client.post(
        "/api/v2/schedule", json=schedule_row(1, 5, "2099-01-01T00:00:00Z", "2099-01-01T00:00:30Z")
    )
    assert list(created.json())[:5] == ["id", "starts_at", "ends_at", "length", "fade_in"]
    read = await client.get(f"/api/v2/schedule/{created.json()['id']}")
    assert list(read.json())[:3] == ["id", "cue_out", "ends_at"]
    inst = (await client.get("/api/v2/show-instances/1")).json()
    assert inst["rebroadcast"] is None


async def test_odd_bodies_are_read_as_django_reads_them(client: httpx.AsyncClient) -> None:
    latin1 = await client.post(
        "/api/v2/shows",
        content="name=caf\xe9&linked=false&linkable=false&auto_playlist_enabled=false&auto_playlist_repeat=false"
        "&override_intro_playlist=false&override_outro_playlist=false".encode("iso-8859-1"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (latin1.status_code, latin1.json()["name"]) == (201, "café")
    part = await client.post(
        "/api/v2/files",
        data={"name": "x.wav", "mime": "a", "size": "1", "accessed": "0"},
        files={"hidden": ("h.txt", b"true", "text/plain")},
    )
    assert (part.status_code, part.json()) == (400, {"hidden": ["Must be a valid boolean."]})
    nul = await client.post("/api/v2/files", json={"name": "x\u0000.wav", "mime": "a", "size": 1, "accessed": 0})
    assert (nul.status_code, nul.json()) == (400, {"name": ["Null characters are not allowed."]})


async def test_what_postgresql_refuses_is_upstreams_500(client: httpx.AsyncClient) -> None:
    # An offset PostgreSQL cannot hold (beyond ±15:59), and a track type without its NOT NULL name.
    assert (
        await client.get("/api/v2/schedule", params={"starts_after": "2099-01-01T00:00:00-16:34"})
    ).status_code == 500
    assert (
        await client.get("/api/v2/schedule", params={"starts_after": "2099-01-01T00:00:00-15:59"})
    ).status_code == 200
    unnamed = await client.post("/api/v2/libraries", json={"code": "X1", "description": ""})
    assert unnamed.status_code == 500
    assert (await client.get("/api/v2/libraries")).json() == []


async def test_a_filter_value_with_a_nul_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v2/files", params={"genre": "rock\x00"})
    assert (response.status_code, response.json()) == (400, {"genre": ["Null characters are not allowed."]})


async def test_durations_read_postgresql_interval_forms_and_owners_are_users(client: httpx.AsyncClient) -> None:
    body = {"name": "a.wav", "mime": "a", "size": 1, "accessed": 0, "cue_in": "", "cue_out": "2 days"}
    created = await client.post("/api/v2/files", json={**body, "length": "1 day 02:00:00.5", "owner": 1})
    assert created.status_code == 201
    assert [created.json()[k] for k in ("cue_in", "cue_out", "length")] == [
        "00:00:00",
        "2 00:00:00",
        "1 02:00:00.500000",
    ]
    stranger = await client.post("/api/v2/files", json={**body, "owner": 987654321})
    assert (stranger.status_code, stranger.json()) == (
        400,
        {"owner": ['Invalid pk "987654321" - object does not exist.']},
    )
    track_type = await client.post("/api/v2/libraries", json={"name": "Voice", "code": "VOT", "description": ""})
    assert (track_type.json()["enabled"], track_type.json()["analyze_cue_points"]) == (True, True)


async def test_a_webstream_needs_an_owner_in_the_database(client: httpx.AsyncClient) -> None:
    body = {"name": "Relay", "description": "d", "url": "http://relay.invalid/", "length": "01:00:00"}
    times = {"created_at": "2099-01-01T00:00:00Z", "updated_at": "2099-01-01T00:00:00Z"}
    assert (await client.post("/api/v2/webstreams", json={**body, **times})).status_code == 500
    owned = await client.post("/api/v2/webstreams", json={**body, **times, "owner": 1})
    assert owned.status_code == 201 and owned.json()["owner"] == 1


async def test_multipart_is_read_as_leniently_as_django_reads_it(client: httpx.AsyncClient) -> None:
    odd = (
        b'--xx\r\nContent-Disposition: form-data; name="na\x01me"\r\n\r\nv\r\n'
        b"--xx\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n"
        b'--xx\r\nContent-Disposition: form-data; name="name"\r\n\r\nShow\xff\r\n--xx--\r\n'
    )
    created = await client.post(
        "/api/v2/shows", content=odd, headers={"Content-Type": "multipart/form-data; boundary=xx"}
    )
    assert (created.status_code, created.json()["name"], created.json()["linked"]) == (201, "Show\ufffd", False)
    garbage = await client.post(
        "/api/v2/shows", content=b"no parts here", headers={"Content-Type": "multipart/form-data; boundary=xx"}
    )
    assert (garbage.status_code, garbage.json()) == (400, {"name": ["This field is required."]})
    bare = await client.post("/api/v2/shows", content=b"x", headers={"Content-Type": "multipart/form-data"})
    assert bare.json() == {"detail": "Multipart form parse error - Invalid boundary in multipart: None"}
