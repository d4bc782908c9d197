"""The legacy app's media API on the stub's nginx face, pinned to what the complete LibreTime 4.5
answers (the drift probes ``media-*`` compare the same requests against it).

Each test asserts what a client of ``/rest/media`` sees: the answer, the row as both APIs then
read it, and the bytes on the stub's storage.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import httpx
import pytest

from harness import audio
from stubs.libretime import RunningStub, StubConfig
from tests.conftest import API_KEY, AUTH, LEGACY_AUTH, stub_client, wav

PHP_TYPE = "text/html; charset=UTF-8"
UPLOAD_FAILED = "An error occurred while processing your upload. Please try again in a few minutes."


async def _upload(http: httpx.AsyncClient, name: str, data: bytes, cookie: str | None = None) -> httpx.Response:
    headers = LEGACY_AUTH | ({"Cookie": cookie} if cookie else {})
    return await http.post("/rest/media", files={"file": (name, data, "audio/x-wav")}, headers=headers)


async def _imported(http: httpx.AsyncClient, file_id: int) -> dict[str, Any]:
    for _ in range(100):
        row = (await http.get(f"/api/v2/files/{file_id}", headers=AUTH)).json()
        if row["import_status"] != 1:
            return row
        await asyncio.sleep(0.01)
    raise AssertionError(f"file {file_id} never left import_status 1")


def _files(stub: RunningStub) -> dict[int, dict[str, Any]]:
    from stubs.libretime.appkeys import STORE

    return stub.app[STORE].files.rows


async def test_upload_answers_the_pending_row_in_column_names_labelled_html(anon: httpx.AsyncClient) -> None:
    data = wav(1.5)
    created = await _upload(anon, "Break A.wav", data)
    body = created.json()
    assert (created.status_code, created.headers["Content-Type"]) == (201, PHP_TYPE)
    assert created.headers["Cache-Control"] == "no-store, no-cache, must-revalidate"
    assert created.headers["Expires"] == "Thu, 19 Nov 1981 08:52:00 GMT"
    assert "PHPSESSID=" in created.headers["Set-Cookie"]
    assert list(body)[:6] == ["id", "name", "mime", "ftype", "filepath", "import_status"]
    assert len(body) == 64 and "file_exists" not in body
    assert {k: body[k] for k in ("name", "mime", "ftype", "filepath", "import_status", "hidden", "filesize")} == {
        "name": "",
        "mime": "",
        "ftype": "",
        "filepath": "",
        "import_status": 1,
        "hidden": True,
        "filesize": 0,
    }
    assert (body["track_title"], body["md5"], body["owner_id"], body["artwork"]) == (
        "Break A.wav",
        hashlib.md5(data).hexdigest(),  # noqa: S324
        1,
        "",
    )
    assert (body["length"], body["cuein"], body["cueout"], body["mtime"]) == ("00:00:00", "00:00:00", "00:00:00", None)
    assert len(body["utime"]) == 19  # "YYYY-MM-DD HH:MM:SS"


async def test_the_analyzer_imports_a_wav_and_shows_it(anon: httpx.AsyncClient) -> None:
    data = wav(1.5)
    file_id = (await _upload(anon, "Break A.wav", data)).json()["id"]
    row = await _imported(anon, file_id)
    legacy = (await anon.get(f"/rest/media/{file_id}", headers=LEGACY_AUTH)).json()
    assert {k: row[k] for k in ("import_status", "hidden", "mime", "size", "exists", "scheduled", "owner")} == {
        "import_status": 0,
        "hidden": False,
        "mime": "audio/wav",
        "size": len(data),
        "exists": True,
        "scheduled": False,
        "owner": 1,
    }
    assert (row["length"], row["cue_in"], row["cue_out"]) == ("00:00:01.500000", "00:00:00", "00:00:01.500000")
    assert (row["sample_rate"], row["bit_rate"], row["channels"]) == (8000, 128000, 1)
    assert isinstance(row["replay_gain"], str)
    assert (row["filepath"], row["track_title"], row["name"]) == ("imported/1/Break A.wav", "Break A.wav", "")
    assert (legacy["length"], legacy["cueout"], legacy["ftype"]) == ("00:00:01.5", "00:00:01.5", "audioclip")


async def test_an_mp3_is_read_from_its_frames_and_its_id3_title(anon: httpx.AsyncClient) -> None:
    tagged = audio.mp3(2, title="Title from the tag").data
    plain = audio.mp3(1).data
    tagged_id = (await _upload(anon, "tagged.mp3", tagged)).json()["id"]
    plain_id = (await _upload(anon, "plain.mp3", plain)).json()["id"]
    tagged_row, plain_row = await _imported(anon, tagged_id), await _imported(anon, plain_id)
    assert (tagged_row["mime"], tagged_row["length"], tagged_row["channels"]) == ("audio/mp3", "00:00:02.088000", 1)
    assert (tagged_row["track_title"], tagged_row["comment"], tagged_row["description"]) == (
        "Title from the tag",
        "",
        "",
    )
    assert (plain_row["track_title"], plain_row["comment"], plain_row["description"]) == ("plain.mp3", None, None)
    assert (plain_row["sample_rate"], plain_row["bit_rate"]) == (16000, 32000)


async def test_the_track_type_comes_from_the_tt_upload_cookie_not_the_form(anon: httpx.AsyncClient) -> None:
    vot = (
        await anon.post(
            "/api/v2/libraries",
            json={"name": "Voice", "code": "VOT", "description": "", "enabled": True, "analyze_cue_points": False},
            headers=AUTH,
        )
    ).json()
    typed = await _upload(anon, "typed.wav", wav(0.5), cookie=f"tt_upload={vot['id']}")
    form = await anon.post(
        "/rest/media",
        files={"file": ("form.wav", wav(0.5), "audio/x-wav")},
        data={"track_type_id": str(vot["id"]), "track_title": "From the form"},
        headers=LEGACY_AUTH,
    )
    zero = await _upload(anon, "zero.wav", wav(0.5), cookie="tt_upload=0")
    unknown = await _upload(anon, "unknown.wav", wav(0.5), cookie="tt_upload=987654")
    assert typed.json()["track_type_id"] == vot["id"]
    assert (form.json()["track_type_id"], form.json()["track_title"]) == (None, "form.wav")
    assert zero.json()["track_type_id"] is None
    assert (unknown.status_code, unknown.text) == (400, UPLOAD_FAILED)
    assert "unknown.wav" not in {r.get("track_title") for r in (await anon.get("/api/v2/files", headers=AUTH)).json()}


async def test_refused_uploads_and_what_they_leave(stub: RunningStub, anon: httpx.AsyncClient) -> None:
    bad_extension = await anon.post(
        "/rest/media", files={"file": ("notes.txt", b"hello", "text/plain")}, headers=LEGACY_AUTH
    )
    no_file_part = await anon.post("/rest/media", data={"x": "1"}, headers=LEGACY_AUTH)
    overlong = await _upload(anon, "n" * 296 + ".wav", wav(0.2))
    assert [r.status_code for r in (bad_extension, no_file_part, overlong)] == [400, 400, 400]
    assert {r.text for r in (bad_extension, no_file_part, overlong)} == {UPLOAD_FAILED}
    rows = sorted(_files(stub).values(), key=lambda r: r["id"])
    # The bad extension leaves a bare failed row; the overlong name a failed row with its md5.
    assert [(r["import_status"], r["hidden"], r.get("md5") is not None) for r in rows] == [
        (2, True, False),
        (2, True, True),
    ]
    assert rows[1]["track_title"] == "n" * 296 + ".wav"


async def test_empty_and_unreadable_audio_are_taken_then_fail_to_import(anon: httpx.AsyncClient) -> None:
    empty = await _upload(anon, "empty.wav", b"")
    fake = await _upload(anon, "fake.wav", b"not audio at all " * 64)
    assert empty.status_code == fake.status_code == 201
    for answer in (empty, fake):
        row = await _imported(anon, answer.json()["id"])
        assert (row["import_status"], row["hidden"], row["filepath"], row["mime"]) == (2, True, "", "")
        assert row["updated_at"] is not None
        download = await anon.get(f"/rest/media/{row['id']}/download", headers=LEGACY_AUTH)
        assert (download.status_code, download.text) == (404, "ERROR: Media not found.")


async def test_a_second_upload_of_a_name_is_stored_beside_the_first_under_a_uuid(anon: httpx.AsyncClient) -> None:
    first = (await _upload(anon, "twice.wav", wav(0.5))).json()["id"]
    second = (await _upload(anon, "twice.wav", wav(0.6))).json()["id"]
    one, two = await _imported(anon, first), await _imported(anon, second)
    assert one["filepath"] == "imported/1/twice.wav"
    assert two["filepath"].startswith("imported/1/twice_") and two["filepath"].endswith(".wav")
    assert len(two["filepath"]) == len("imported/1/twice_.wav") + 36


async def test_a_long_name_is_cut_to_48_characters_on_disk(anon: httpx.AsyncClient) -> None:
    name = "x" * 60 + ".WAV"
    file_id = (await _upload(anon, name, wav(0.2))).json()["id"]
    row = await _imported(anon, file_id)
    assert (row["filepath"], row["track_title"]) == ("imported/1/" + "x" * 48 + ".WAV", name)


async def test_the_list_shows_imported_visible_files_on_disk_only(anon: httpx.AsyncClient) -> None:
    shown = (await _upload(anon, "shown.wav", wav(0.3))).json()["id"]
    await _imported(anon, shown)
    base = {"name": "x.wav", "mime": "audio/x-wav", "size": 1, "accessed": 0, "md5": "0" * 32}
    await anon.post("/api/v2/files", json=base | {"import_status": 0, "hidden": False}, headers=AUTH)
    await anon.post("/api/v2/files", json=base | {"import_status": 0, "hidden": False, "exists": True}, headers=AUTH)
    await anon.post("/api/v2/files", json=base | {"import_status": 1, "hidden": False, "exists": True}, headers=AUTH)
    await anon.post("/api/v2/files", json=base | {"import_status": 0, "hidden": True, "exists": True}, headers=AUTH)
    listed = await anon.get("/rest/media", headers=LEGACY_AUTH)
    assert (listed.status_code, listed.headers["Content-Type"], listed.headers["X-Total-Count"]) == (200, PHP_TYPE, "5")
    assert [r["id"] for r in listed.json()] == [shown, 3]  # the v2 row with exists unset is not listed


async def test_the_list_sorts_pages_and_refuses_what_the_database_would(anon: httpx.AsyncClient) -> None:
    ids = [(await _upload(anon, f"t{n}.wav", wav(0.2))).json()["id"] for n in range(3)]
    for file_id in ids:
        await _imported(anon, file_id)

    async def listed(**params: Any) -> Any:
        answer = await anon.get("/rest/media", params=params, headers=LEGACY_AUTH)
        return [r["id"] for r in answer.json()] if answer.status_code == 200 else answer.status_code

    assert await listed(sort="id", sort_dir="desc", limit=1) == [ids[2]]
    assert await listed(sort="DbId", sort_dir="DESC", limit=1, offset=1) == [ids[1]]
    assert await listed(sort="cc_files.id", limit=0) == ids
    assert await listed(limit="abc", offset="-1") == ids
    assert await listed(sort="no_such_column") == 500
    assert await listed(sort_dir="sideways") == 500


async def test_read_one_and_its_errors(anon: httpx.AsyncClient) -> None:
    file_id = (await _upload(anon, "one.wav", wav(0.2))).json()["id"]
    answers = {
        raw: await anon.get(f"/rest/media/{raw}", headers=LEGACY_AUTH) for raw in (file_id, 987654, "abc", 0, "1.5")
    }
    assert answers[file_id].json()["track_title"] == "one.wav"
    assert [(a.status_code, a.text) for raw, a in answers.items() if raw != file_id] == [
        (404, "ERROR: Media not found."),
        (400, "An unknown error occurred."),
        (400, "ERROR: No file ID specified."),
        (400, "An unknown error occurred."),
    ]


async def test_download_streams_the_bytes_as_an_attachment(anon: httpx.AsyncClient) -> None:
    data = audio.mp3(1).data
    file_id = (await _upload(anon, "Spot.mp3", data)).json()["id"]
    await _imported(anon, file_id)
    whole = await anon.get(f"/rest/media/{file_id}/download", headers=LEGACY_AUTH)
    part = await anon.get(f"/rest/media/{file_id}/download", headers=LEGACY_AUTH | {"Range": "bytes=10-19"})
    unknown = await anon.get("/rest/media/987654/download", headers=LEGACY_AUTH)
    assert (whole.status_code, whole.content, whole.headers["Content-Type"]) == (200, data, "audio/mp3")
    assert whole.headers["Content-Disposition"] == 'attachment; filename="Spot.mp3"'
    assert whole.headers["Cache-Control"] == "public, must-revalidate, max-age=0"
    assert (whole.headers["Content-Transfer-Encoding"], whole.headers["Accept-Ranges"]) == ("binary", "bytes")
    assert (part.status_code, part.content, part.headers["Content-Range"]) == (
        206,
        data[10:20],
        f"bytes 10-19/{len(data)}",
    )
    assert (unknown.status_code, unknown.text) == (400, "An unknown error occurred.")


async def test_the_v2_download_through_nginx_keeps_the_apis_label(anon: httpx.AsyncClient) -> None:
    data = wav(0.4)
    file_id = (await _upload(anon, "label.wav", data)).json()["id"]
    await _imported(anon, file_id)
    served = await anon.get(f"/api/v2/files/{file_id}/download", headers=AUTH)
    assert (served.status_code, served.content) == (200, data)
    assert served.headers["Content-Type"] == "text/html; charset=utf-8"
    assert served.headers["ETag"].endswith(f'-{len(data):x}"') and "Last-Modified" in served.headers
    assert "X-Accel-Redirect" not in served.headers


async def test_delete_removes_row_bytes_and_past_plays_and_refuses_a_scheduled_file(
    stub: RunningStub, anon: httpx.AsyncClient
) -> None:
    from stubs.libretime.appkeys import STORE

    file_id = (await _upload(anon, "gone.wav", wav(0.2))).json()["id"]
    row = await _imported(anon, file_id)
    deleted = await anon.delete(f"/rest/media/{file_id}", headers=LEGACY_AUTH)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await anon.get(f"/api/v2/files/{file_id}", headers=AUTH)).status_code == 404
    assert row["filepath"] not in stub.app[STORE].blobs
    again = await anon.delete(f"/rest/media/{file_id}", headers=LEGACY_AUTH)
    assert (again.status_code, again.text) == (404, "ERROR: Media not found.")
    kept = (await _upload(anon, "kept.wav", wav(0.2))).json()["id"]
    await _imported(anon, kept)
    stub.app[STORE].schedule.insert({"file": kept, "starts_at": _future(0), "ends_at": _future(60)})
    refused = await anon.delete(f"/rest/media/{kept}", headers=LEGACY_AUTH)
    assert (refused.status_code, refused.text) == (400, "An unknown error occurred.")
    assert (await anon.get(f"/api/v2/files/{kept}", headers=AUTH)).status_code == 200


def _future(seconds: int) -> Any:
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) + timedelta(hours=1, seconds=seconds)


async def test_put_sets_columns_and_fails_as_upstream_does(anon: httpx.AsyncClient) -> None:
    file_id = (await _upload(anon, "put.wav", wav(0.2))).json()["id"]
    await _imported(anon, file_id)
    put = await anon.put(
        f"/rest/media/{file_id}",
        json={"track_title": "Set through PUT", "genre": "g" * 80, "filepath": "elsewhere", "bpm": "120 BPM"},
        headers=LEGACY_AUTH,
    )
    not_json = await anon.put(f"/rest/media/{file_id}", content=b"not json", headers=LEGACY_AUTH)
    bad_type = await anon.put(f"/rest/media/{file_id}", json={"track_type_id": 987654}, headers=LEGACY_AUTH)
    # PHP's intval makes null and "" the type 0, which does not exist either.
    for untyped in (0, "", None):
        refused = await anon.put(f"/rest/media/{file_id}", json={"track_type_id": untyped}, headers=LEGACY_AUTH)
        assert (refused.status_code, refused.text) == (400, "An unknown error occurred."), untyped
    unknown = await anon.put("/rest/media/987654", json={"track_title": "x"}, headers=LEGACY_AUTH)
    post_with_id = await anon.post(f"/rest/media/{file_id}", headers=LEGACY_AUTH)
    patch = await anon.patch(f"/rest/media/{file_id}", json={}, headers=LEGACY_AUTH)
    body = put.json()
    assert (put.status_code, body["track_title"], body["genre"], body["bpm"]) == (201, "Set through PUT", "g" * 64, 120)
    assert body["filepath"] == "imported/1/put.wav" and body["mtime"] is not None
    assert [(r.status_code, r.text) for r in (not_json, bad_type, unknown, post_with_id)] == [
        (500, ""),
        (400, "An unknown error occurred."),
        (500, ""),
        (500, ""),
    ]
    assert patch.status_code == 400 and "<!DOCTYPE html" in patch.text


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic " + base64.b64encode(b"not-the-key:").decode(),
        f"Api-Key {API_KEY}",
        "Basic " + base64.b64encode(b"admin:admin").decode(),
        "Basic " + base64.b64encode(f"{API_KEY}:x".encode()).decode(),
    ],
)
async def test_every_wrong_key_is_a_500_with_the_error_page(stub: RunningStub, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with httpx.AsyncClient(base_url=stub.base_url, headers=headers) as http:
        answers = [
            await http.post("/rest/media", files={"file": ("a.wav", wav(0.1), "audio/x-wav")}),
            await http.get("/rest/media"),
            await http.head("/rest/media"),
            await http.delete("/rest/media/1"),
        ]
    assert [a.status_code for a in answers] == [500] * 4
    assert answers[0].text.startswith("ERROR: Incorrect API key.<!DOCTYPE html")
    assert answers[0].headers["Content-Type"] == PHP_TYPE
    assert _files(stub) == {}


async def test_the_key_is_whatever_follows_the_first_six_characters(anon: httpx.AsyncClient) -> None:
    file_id = (await _upload(anon, "Keyed.wav", wav(0.2))).json()["id"]
    await _imported(anon, file_id)
    token = base64.b64encode(f"{API_KEY}:".encode()).decode()
    answer = await anon.get("/rest/media", headers={"Authorization": "Xasic " + token})
    assert (answer.status_code, [row["id"] for row in answer.json()]) == (200, [file_id])


async def test_a_slow_analyzer_keeps_the_upload_pending_and_hidden() -> None:
    async with stub_client(StubConfig(api_key=API_KEY, analyze_delay_s=0.3)) as (_stub, http):
        file_id = (await _upload(http, "slow.wav", wav(0.2))).json()["id"]
        pending = (await http.get(f"/api/v2/files/{file_id}", headers=AUTH)).json()
        listed = (await http.get("/rest/media", headers=LEGACY_AUTH)).json()
        await asyncio.sleep(0.4)
        done = (await http.get(f"/api/v2/files/{file_id}", headers=AUTH)).json()
    assert (pending["import_status"], pending["hidden"], listed) == (1, True, [])
    assert (done["import_status"], done["hidden"]) == (0, False)


async def test_the_legacy_app_is_only_behind_nginx(api_stub: RunningStub) -> None:
    async with httpx.AsyncClient(base_url=api_stub.base_url, headers=LEGACY_AUTH) as http:
        response = await http.post("/rest/media", files={"file": ("a.wav", wav(0.1), "audio/x-wav")})
    assert response.status_code == 404
