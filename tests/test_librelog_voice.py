"""Voice tracks: upload, serve, push to LibreTime exactly once (both flavours)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx
import pytest

from stubs.librelog import RunningLibreLog
from stubs.librelog.appkeys import VOICE_DIR
from stubs.libretime import StubConfig
from tests.conftest import API_KEY, librelog_client, librelog_settings_for, stub_client, wav

MD5 = hashlib.md5


async def upload(ll: httpx.AsyncClient, data: bytes, **fields: str) -> httpx.Response:
    form = {"title": "Break A", "description": "Top of 2pm", "artist_name": "Jo DJ", **fields}
    return await ll.post("/voice", files={"file": ("break-a.wav", data, "audio/x-wav")}, data=form)


async def test_upload_stores_the_file_and_its_facts(ll: httpx.AsyncClient, librelog: RunningLibreLog) -> None:
    data = wav(1.5)
    response = await upload(ll, data, hour="14", **{"break": "A"})
    voice = response.json()
    assert (response.status_code, voice["standardized_name"], voice["status"], voice["libretime_id"]) == (
        201,
        "14-00_BreakA",
        "recorded",
        None,
    )
    assert (voice["size_bytes"], voice["md5"], voice["duration_s"]) == (len(data), MD5(data).hexdigest(), 1.5)
    assert (await ll.get(f"/voice/{voice['id']}")).json() == voice
    assert (await ll.get("/voice")).json()["total"] == 1
    served = await ll.get(f"/voice/{voice['id']}/file")
    assert served.content == data
    assert served.headers["Content-Type"] == "audio/x-wav"


_FILE = "Required: an audio file (multipart field 'file')."
_TYPES = "send one of mp3, wav, ogg, flac, m4a, aac, opus."


@pytest.mark.parametrize(
    ("files", "fields", "errors"),
    [
        (
            {"file": ("notes.txt", b"hello", "text/plain")},
            {"title": "x"},
            [("file", f"Unsupported type '.txt': {_TYPES}")],
        ),
        ({"file": ("README", b"hello", "text/plain")}, {"title": "x"}, [("file", f"Unsupported type '.': {_TYPES}")]),
        ({"file": ("empty.wav", b"", "audio/x-wav")}, {"title": "x"}, [("file", "The file is empty.")]),
        (
            {"file": ("broken.wav", b"RIFF....not a wav", "audio/x-wav")},
            {"title": "x"},
            [("file", "Not a readable WAV file.")],
        ),
        (
            {"file": ("a.wav", b"", "audio/x-wav")},
            {},
            [("file", "The file is empty."), ("title", "Required: a non-empty title.")],
        ),
        ({"file": ("a.wav", b"x", "audio/x-wav")}, {"title": "  "}, [("title", "Required: a non-empty title.")]),
        ({"other": ("a.wav", b"x", "audio/x-wav")}, {"title": "x"}, [("file", _FILE)]),
        ({"file": ("a.wav", b"x", "audio/x-wav")}, {"title": "x", "hour": "25"}, [("hour", "An hour from 0 to 23.")]),
        (
            {"file": ("a.wav", b"x", "audio/x-wav")},
            {"title": "x", "break": "A"},
            [("hour", "Required with break (the name is HH-00_Break<break>).")],
        ),
        (
            {"file": ("a.wav", b"x", "audio/x-wav")},
            {"title": "x", "hour": "7", "break": "A-1"},
            [("break", "Letters or digits only, e.g. A.")],
        ),
        (
            {"file": ("a.wav", b"x", "audio/x-wav")},
            {"title": "x", "hour": "x", "break": "A"},
            [("hour", "An hour from 0 to 23.")],
        ),
        (
            {"file": ("a.wav", b"x", "audio/x-wav")},
            {"title": "t" * 513, "genre": "g" * 65, "description": "d" * 512},
            [("title", "At most 512 characters."), ("genre", "At most 64 characters.")],
        ),
        # Over its limit, a field is refused for its length alone, whatever the part kept of it
        # (spaces, then a letter past the cut) would have looked like.
        ({"file": ("a.wav", b"x", "audio/x-wav")}, {"title": " " * 513 + "a"}, [("title", "At most 512 characters.")]),
        (
            {"file": ("a.wav", b"x", "audio/x-wav")},
            {"title": "x", "hour": " " * 9 + "7", "break": "A"},
            [("hour", "At most 8 characters.")],
        ),
        (
            {"file": ("a.wav", b"x", "audio/x-wav")},
            {"title": "x", "hour": "7", "break": "B" * 17},
            [("break", "At most 16 characters.")],
        ),
    ],
)
async def test_bad_uploads_are_400_name_each_problem_and_leave_nothing(
    ll: httpx.AsyncClient, librelog: RunningLibreLog, files: dict, fields: dict, errors: list[tuple[str, str]]
) -> None:
    response = await ll.post("/voice", files=files, data=fields)
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "validation_failed")
    assert [(e["field"], e["message"]) for e in body["details"]["errors"]] == errors
    assert body["details"]["fields"] == list(dict.fromkeys(field for field, _ in errors))
    assert (await ll.get("/voice")).json()["total"] == 0
    voice_dir = librelog.app[VOICE_DIR]
    assert list(Path(voice_dir).iterdir()) == []


async def test_too_large_is_413_and_leaves_nothing(stub: object, tmp_path: Path) -> None:
    settings = librelog_settings_for(None, tmp_path, max_upload_bytes=50_000)
    async with librelog_client(settings) as (_running, http):
        response = await http.post("/voice", files={"file": ("big.wav", wav(5.0), "audio/x-wav")}, data={"title": "x"})
        assert (response.status_code, response.json()["error"]) == (413, "file_too_large")
        assert (await http.get("/voice")).json()["total"] == 0
    assert [p.name for p in (tmp_path / "voice").iterdir()] == []


async def test_push_to_libretime_preserves_metadata_and_bytes(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    data = wav(2.0)
    voice = (await upload(ll, data)).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    pushed = response.json()
    assert (response.status_code, pushed["status"]) == (200, "uploaded")
    assert isinstance(pushed["libretime_id"], int) and pushed["uploaded_at"] is not None
    assert (await ll.get(f"/voice/{voice['id']}")).json()["libretime_id"] == pushed["libretime_id"]
    held = (await client.get(f"/api/v2/files/{pushed['libretime_id']}")).json()
    assert (held["track_title"], held["description"], held["artist_name"]) == ("Break A", "Top of 2pm", "Jo DJ")
    vot = [t for t in (await client.get("/api/v2/libraries")).json() if t["code"] == "VOT"]
    assert held["library"] == vot[0]["id"]
    assert (await client.get(f"/api/v2/files/{pushed['libretime_id']}/download")).content == data
    through_librelog = await ll.get(f"/proxy/files/{pushed['libretime_id']}")
    assert through_librelog.content == data


async def test_second_push_is_409_and_no_duplicate(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    data = wav(0.5)
    voice = (await upload(ll, data)).json()
    first = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    second = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert (second.status_code, second.json()["error"]) == (409, "already_uploaded")
    lid = first.json()["libretime_id"]
    assert second.json()["message"] == f"Voice track {voice['id']} is already LibreTime file {lid}."
    assert second.json()["details"] == {"voice_track_id": voice["id"], "libretime_id": lid}
    assert second.json()["details"]["libretime_id"] == first.json()["libretime_id"]
    same = (await client.get("/api/v2/files", params={"md5": MD5(data).hexdigest()})).json()
    assert len(same) == 1


async def test_a_lost_answer_is_retried_without_a_duplicate(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    """Defect 11: the upload lands in LibreTime but its answer is garbled; the retry must link it."""
    path = "/api/v2/integration/voice-tracks" if flavor == "integration" else "/rest/media"
    await client.post(
        "/__stub__/faults", json={"match": {"method": "POST", "path": path}, "fault": "malformed_json", "times": 1}
    )
    data = wav(0.7)
    voice = (await upload(ll, data)).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert response.status_code == 200
    same = (await client.get("/api/v2/files", params={"md5": MD5(data).hexdigest()})).json()
    assert [f["id"] for f in same] == [response.json()["libretime_id"]]
    assert same[0]["track_title"] == "Break A"
    [vot] = [t["id"] for t in (await client.get("/api/v2/libraries")).json() if t["code"] == "VOT"]
    assert same[0]["library"] == vot  # filed as a voice track by the try that found it
    uploads = (await client.get("/__stub__/journal", params={"method": "POST", "path": path})).json()
    assert uploads["count"] == 1


async def test_push_failure_leaves_the_voice_track_unuploaded(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    path = "/api/v2/integration/voice-tracks" if flavor == "integration" else "/rest/media"
    await client.post("/__stub__/faults", json={"match": {"path": path}, "fault": "status", "status": 500})
    voice = (await upload(ll, wav(0.3))).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert (response.status_code, response.json()["error"]) == (502, "libretime_error")
    assert API_KEY not in response.text
    stored = (await ll.get(f"/voice/{voice['id']}")).json()
    assert (stored["status"], stored["libretime_id"]) == ("recorded", None)


async def test_a_voice_track_in_a_log_publishes_at_its_slot(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    voice = (await upload(ll, wav(1.0))).json()
    log = (
        await ll.post(
            "/logs", json={"date": "2026-11-25", "entries": [{"start": "14:00:00", "voice_track_id": voice["id"]}]}
        )
    ).json()
    blocked = await ll.post(f"/logs/{log['id']}/publish")
    assert blocked.status_code == 400
    assert "not uploaded" in blocked.json()["message"]
    pushed = (await ll.post(f"/voice/{voice['id']}/upload-to-libretime")).json()
    assert (await ll.post(f"/logs/{log['id']}/publish")).status_code == 200
    rows = (await client.get("/api/v2/schedule")).json()
    assert [(r["starts_at"], r["file"]) for r in rows] == [("2026-11-25T14:00:00Z", pushed["libretime_id"])]


async def test_every_upload_try_is_preceded_by_a_lookup_never_retried_blind(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    """An upload is not idempotent: after a failed try LibreLog asks LibreTime for the md5 first."""
    path = "/api/v2/integration/voice-tracks" if flavor == "integration" else "/rest/media"
    rule = {"match": {"method": "POST", "path": path}, "fault": "status", "status": 503, "times": 1}
    await client.post("/__stub__/faults", json=rule)
    data = wav(0.4)
    voice = (await upload(ll, data)).json()
    await client.delete("/__stub__/journal")
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert response.status_code == 200, response.text
    journal = (await client.get("/__stub__/journal")).json()["requests"]
    flow = [(r["method"], r["path"]) for r in journal if r["path"] in (path, "/api/v2/files")]
    assert flow == [("GET", "/api/v2/files"), ("POST", path), ("GET", "/api/v2/files"), ("POST", path)]
    assert [r["status"] for r in journal if r["path"] == path] == [503, 201]


@pytest.mark.parametrize("flavor", ["integration"])
@pytest.mark.parametrize(
    "answer", [{"success": True}, {"success": False, "library_id": 7}, {"library_id": 7, "note": "n" * 300}]
)
async def test_an_upload_libretime_does_not_confirm_is_an_error(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, answer: dict
) -> None:
    path = "/api/v2/integration/voice-tracks"
    await client.post(
        "/__stub__/faults",
        json={"match": {"method": "POST", "path": path}, "fault": "status", "status": 201, "body": answer},
    )
    voice = (await upload(ll, wav(0.2))).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    body = response.json()
    assert (response.status_code, body["error"]) == (502, "libretime_error")
    assert body["message"] == f"LibreTime did not confirm the upload: {str(answer)[:200]}"
    assert body["details"]["upstream"]["method"] == "POST" and body["details"]["upstream"]["path"] == path
    stored = (await ll.get(f"/voice/{voice['id']}")).json()
    assert (stored["status"], stored["libretime_id"]) == ("recorded", None)


async def test_a_file_name_with_several_dots_is_judged_by_its_last_extension(ll: httpx.AsyncClient) -> None:
    response = await ll.post(
        "/voice", files={"file": ("monday.break.a.WAV", wav(0.2), "audio/x-wav")}, data={"title": "Dotted"}
    )
    assert response.status_code == 201, response.text
    assert (response.json()["filename"], response.json()["mime"]) == ("monday.break.a.WAV", "audio/x-wav")
    refused = await ll.post("/voice", files={"file": ("song.wav.exe", b"MZ", "audio/x-wav")}, data={"title": "No"})
    assert refused.status_code == 400 and refused.json()["details"]["fields"] == ["file"]


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_push_asks_for_exactly_what_it_needs_and_files_it_as_a_voice_track(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """v2: look the md5 up, find (or create, once) the VOT track type, upload the bytes, wait for
    LibreTime's analyzer, then set the metadata /rest/media ignores. Nothing twice, nothing retried
    that cannot be."""
    data = wav(0.4)
    first = (await upload(ll, data, genre="Talk")).json()
    await client.delete("/__stub__/journal")
    pushed = (await ll.post(f"/voice/{first['id']}/upload-to-libretime")).json()
    file_id = pushed["libretime_id"]
    journal = (await client.get("/__stub__/journal")).json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in journal] == [
        ("GET", "/api/v2/files", 200),
        ("GET", "/api/v2/libraries", 200),
        ("POST", "/api/v2/libraries", 201),
        ("POST", "/rest/media", 201),
        ("GET", f"/api/v2/files/{file_id}", 200),
        ("PATCH", f"/api/v2/files/{file_id}", 200),
    ]
    assert journal[0]["query"] == {"md5": MD5(data).hexdigest()}
    vot = journal[2]["json"]
    assert vot == {"code": "VOT", "name": "Voice Track", "description": "Voice tracks from LibreLog", "enabled": True}
    [library] = [t for t in (await client.get("/api/v2/libraries")).json() if t["code"] == "VOT"]
    assert (library["name"], library["enabled"]) == ("Voice Track", True)
    assert journal[3]["json"]["fields"] == {}  # the type goes in the tt_upload cookie, which the legacy app reads
    assert journal[5]["json"] == {
        "track_title": "Break A",
        "description": "Top of 2pm",
        "artist_name": "Jo DJ",
        "genre": "Talk",
        "library": library["id"],
    }
    held = (await client.get(f"/api/v2/files/{file_id}")).json()
    # The mime is what LibreTime's analyzer read (mutagen names a WAV audio/wav), not what was sent.
    assert (held["genre"], held["library"], held["mime"]) == ("Talk", library["id"], "audio/wav")
    # A second voice track reuses the type: no second POST /api/v2/libraries.
    second = (await upload(ll, wav(0.6), title="Break B")).json()
    await client.delete("/__stub__/journal")
    await ll.post(f"/voice/{second['id']}/upload-to-libretime")
    paths = [(e["method"], e["path"]) for e in (await client.get("/__stub__/journal")).json()["requests"]]
    assert paths.count(("POST", "/api/v2/libraries")) == 0 and paths.count(("GET", "/api/v2/libraries")) == 1


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_upload_is_a_voice_track_from_its_first_moment_in_libretime(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The track type rides on the upload itself (the tt_upload cookie): when setting the metadata
    afterwards fails, the file LibreTime holds is already filed as a voice track."""
    rule = {"match": {"method": "PATCH", "path_pattern": "/api/v2/files/\\d+"}, "fault": "status", "status": 503}
    await client.post("/__stub__/faults", json=rule)
    voice = (await upload(ll, wav(0.3))).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert (response.status_code, response.json()["error"]) == (502, "libretime_error")
    [library] = [t for t in (await client.get("/api/v2/libraries")).json() if t["code"] == "VOT"]
    [held] = [f for f in (await client.get("/api/v2/files")).json() if f["md5"] == MD5(wav(0.3)).hexdigest()]
    assert (held["library"], held["import_status"], held["hidden"]) == (library["id"], 0, False)


@pytest.mark.parametrize("flavor", ["v2"])
async def test_a_v2_track_type_creation_that_failed_is_looked_up_again_before_it_is_retried(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Creating a track type is not idempotent: after a failed POST the next try asks first."""
    rule = {"match": {"method": "POST", "path": "/api/v2/libraries"}, "fault": "status", "status": 503, "times": 1}
    await client.post("/__stub__/faults", json=rule)
    voice = (await upload(ll, wav(0.3))).json()
    await client.delete("/__stub__/journal")
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert response.status_code == 200, response.text
    journal = (await client.get("/__stub__/journal")).json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in journal[:6]] == [
        ("GET", "/api/v2/files", 200),
        ("GET", "/api/v2/libraries", 200),
        ("POST", "/api/v2/libraries", 503),
        ("GET", "/api/v2/files", 200),
        ("GET", "/api/v2/libraries", 200),
        ("POST", "/api/v2/libraries", 201),
    ]
    assert [t["code"] for t in (await client.get("/api/v2/libraries")).json()].count("VOT") == 1


@pytest.mark.parametrize("flavor", ["v2"])
async def test_unknown_voice_tracks_are_404_naming_the_id(ll: httpx.AsyncClient, librelog: RunningLibreLog) -> None:
    for path in ("/voice/77", "/voice/77/file"):
        body = (await ll.get(path)).json()
        assert body == {"error": "not_found", "message": "No voice track 77.", "details": {"voice_track_id": 77}}
    pushed = await ll.post("/voice/77/upload-to-libretime")
    assert (pushed.status_code, pushed.json()["details"]) == (404, {"voice_track_id": 77})
    voice = (await upload(ll, wav(0.2))).json()
    for stored in Path(librelog.app[VOICE_DIR]).iterdir():
        stored.unlink()
    gone = await ll.get(f"/voice/{voice['id']}/file")
    assert (gone.status_code, gone.json()) == (
        404,
        {
            "error": "not_found",
            "message": f"Voice track {voice['id']}'s file is missing from storage.",
            "details": {"voice_track_id": voice["id"]},
        },
    )
    assert (await ll.get("/voice")).json() == {"items": [voice], "total": 1}


async def test_the_upload_limit_is_inclusive_and_named_in_mib(stub: object, tmp_path: Path) -> None:
    limit = 1024 * 1024
    settings = librelog_settings_for(None, tmp_path, max_upload_bytes=limit)
    exact = bytes(range(256)) * (limit // 256)  # four read chunks, every byte value
    async with librelog_client(settings) as (_running, http):
        kept = await http.post("/voice", files={"file": ("exact.mp3", exact, "audio/mpeg")}, data={"title": "Exact"})
        assert kept.status_code == 201, kept.text
        assert (kept.json()["size_bytes"], kept.json()["md5"]) == (limit, MD5(exact).hexdigest())
        assert (await http.get(f"/voice/{kept.json()['id']}/file")).content == exact
        over = await http.post("/voice", files={"file": ("over.mp3", exact + b"!", "audio/mpeg")}, data={"title": "x"})
        assert (over.status_code, over.json()) == (
            413,
            {
                "error": "file_too_large",
                "message": "The file is over the 1 MiB upload limit.",
                "details": {"field": "file", "limit_bytes": limit},
            },
        )
        assert (await http.get("/voice")).json()["total"] == 1


async def test_an_odd_but_valid_multipart_body_is_read_as_the_client_meant_it(
    ll: httpx.AsyncClient, librelog: RunningLibreLog
) -> None:
    """A nested multipart part is skipped (not the end of the form), only the first file counts,
    base64 fields are decoded and bytes that are not UTF-8 do not fail the upload."""
    data = wav(0.2)
    b = "frontier"
    body = b"".join(
        [
            f'--{b}\r\nContent-Type: multipart/mixed; boundary=inner\r\nContent-Disposition: form-data; name="extra"'
            "\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nhello\r\n--inner--\r\n\r\n".encode(),
            f'--{b}\r\nContent-Disposition: form-data; name="title"\r\n'.encode(),
            b"Content-Transfer-Encoding: base64\r\n\r\n",
            b"QnJlYWsgQQ==\r\n",  # "Break A"
            f'--{b}\r\nContent-Disposition: form-data; name="artist_name"\r\n\r\n'.encode(),
            b"Jo \xff DJ\r\n",
            f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="one.wav"\r\n'
            "Content-Type: audio/x-wav\r\n\r\n".encode(),
            data + b"\r\n",
            f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="two.wav"\r\n'
            "Content-Type: audio/x-wav\r\n\r\n".encode(),
            wav(0.5) + b"\r\n",
            f"--{b}--\r\n".encode(),
        ]
    )
    response = await ll.post("/voice", content=body, headers={"Content-Type": f"multipart/form-data; boundary={b}"})
    assert response.status_code == 201, response.text
    voice = response.json()
    assert (voice["title"], voice["artist_name"], voice["filename"]) == ("Break A", "Jo \ufffd DJ", "one.wav")
    assert (voice["md5"], voice["size_bytes"]) == (MD5(data).hexdigest(), len(data))
    assert len(list(Path(librelog.app[VOICE_DIR]).iterdir())) == 1  # the second file left nothing behind


async def test_a_push_that_keeps_failing_tries_exactly_one_plus_retries_times(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    path = "/api/v2/integration/voice-tracks" if flavor == "integration" else "/rest/media"
    await client.post(
        "/__stub__/faults", json={"match": {"method": "POST", "path": path}, "fault": "status", "status": 503}
    )
    voice = (await upload(ll, wav(0.3))).json()
    response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert response.status_code == 502
    posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": path})).json()
    assert posts["count"] == 3  # the first try and LibreLog's two retries (LIBRETIME_RETRIES=2 here)


@pytest.mark.parametrize("flavor", ["v2"])
async def test_only_a_file_with_the_same_md5_and_a_real_id_counts_as_already_uploaded(
    ll: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    data = wav(0.3)
    md5 = MD5(data).hexdigest()
    lookalikes = [{"id": 3, "md5": "0" * 32}, {"id": "7", "md5": md5}, [8, md5]]
    rule = {"match": {"method": "GET", "path": "/api/v2/files"}, "fault": "status", "status": 200, "body": lookalikes}
    await client.post("/__stub__/faults", json={**rule, "times": 1})
    voice = (await upload(ll, data)).json()
    pushed = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    assert pushed.status_code == 200, pushed.text
    assert pushed.json()["libretime_id"] not in (3, 7, 8)
    posts = (await client.get("/__stub__/journal", params={"method": "POST", "path": "/rest/media"})).json()
    assert posts["count"] == 1  # none of the look-alikes was taken for the file


async def test_voice_files_are_stored_under_a_safe_name_and_named_by_hour_and_break(
    ll: httpx.AsyncClient, librelog: RunningLibreLog
) -> None:
    long = "x" * 200 + ".wav"
    for name, fields, on_disk, standardized in [
        ("my break (final).wav", {"hour": "9"}, "my_break_final_.wav", "09-00_Break"),
        (long, {"hour": "23", "break": "B2"}, long[-120:], "23-00_BreakB2"),
        ("plain.wav", {}, "plain.wav", None),
    ]:
        response = await ll.post(
            "/voice", files={"file": (name, wav(0.1), "audio/x-wav")}, data={"title": "t", **fields}
        )
        voice = response.json()
        assert (voice["filename"], voice["standardized_name"]) == (name, standardized)
        [stored] = [p.name for p in Path(librelog.app[VOICE_DIR]).iterdir() if p.name.endswith(on_disk)]
        assert len(stored) == 33 + len(on_disk)  # a 32-digit unique prefix, "-", the safe name


async def test_a_v2_push_sets_metadata_only_once_libretime_has_analysed_the_file(tmp_path: Path) -> None:
    """LibreTime's analyzer writes what it read from the file when it finishes, over anything set
    before: LibreLog waits for it (import_status no longer 1) before it sets the metadata."""
    config = StubConfig(api_key=API_KEY, analyze_delay_s=0.6)
    async with stub_client(config) as (stub, client):
        settings = librelog_settings_for(stub.base_url, tmp_path, flavor="v2", import_wait_s=10.0)
        async with librelog_client(settings) as (_, ll):
            voice = (await upload(ll, wav(0.4))).json()
            pushed = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
            assert pushed.status_code == 200, pushed.text
            file_id = pushed.json()["libretime_id"]
            journal = (await client.get("/__stub__/journal")).json()["requests"]
            patch = next(i for i, e in enumerate(journal) if e["method"] == "PATCH")
            reads = [e for e in journal[:patch] if e["path"] == f"/api/v2/files/{file_id}"]
            assert len(reads) >= 2  # asked while pending, then once imported
            row = (await client.get(f"/api/v2/files/{file_id}")).json()
            assert (row["import_status"], row["track_title"]) == (0, "Break A")


async def _v2_push_reading_file_as(tmp_path: Path, answer: object) -> tuple[httpx.Response, str]:
    """Push a voice track (v2) while LibreTime answers every read of a file with ``answer``: the
    push's answer, and the voice track's status after it."""
    async with stub_client(StubConfig(api_key=API_KEY)) as (stub, client):
        settings = librelog_settings_for(stub.base_url, tmp_path, flavor="v2")
        async with librelog_client(settings) as (_, ll):
            voice = (await upload(ll, wav(0.4))).json()
            read = {"match": {"method": "GET", "path_pattern": r"/api/v2/files/\d+"}, "fault": "status"}
            await client.post("/__stub__/faults", json={**read, "status": 200, "body": answer})
            response = await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
            return response, (await ll.get(f"/voice/{voice['id']}")).json()["status"]


async def test_a_v2_push_libretime_could_not_import_is_an_error(tmp_path: Path) -> None:
    response, status = await _v2_push_reading_file_as(tmp_path, {"id": 1, "import_status": 2})
    body = response.json()
    upstream = body["details"]["upstream"]
    assert (body["error"], upstream["method"], upstream["status"]) == ("libretime_error", "GET", 200)
    assert re.fullmatch(r"/api/v2/files/\d+", upstream["path"]), upstream
    assert body["message"] == f"LibreTime could not import file {upstream['path'].rsplit('/', 1)[1]} (import_status 2)"
    assert status == "recorded"


async def test_a_v2_push_whose_file_reads_back_as_a_list_is_an_error(tmp_path: Path) -> None:
    response, status = await _v2_push_reading_file_as(tmp_path, [])
    body = response.json()
    assert (response.status_code, body["error"]) == (502, "libretime_error")
    assert re.fullmatch(r"LibreTime answered GET /api/v2/files/\d+ with an unexpected list", body["message"])
    assert status == "recorded"


async def test_an_upload_that_cannot_be_stored_names_the_real_failure_and_leaves_nothing(
    ll: httpx.AsyncClient, librelog: RunningLibreLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk refuses the upload's temporary file: the answer names that error, not one from
    cleaning up a file that was never made."""
    real_open = Path.open

    def full_disk(self: Path, *args: object, **kwargs: object) -> object:
        if self.name.startswith(".upload-"):
            raise OSError(28, "No space left on device")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", full_disk)
    response = await upload(ll, wav(0.5))
    assert (response.status_code, response.json()["message"]) == (500, "Unexpected OSError; see the server log.")
    assert (await ll.get("/voice")).json()["total"] == 0
    assert list(Path(librelog.app[VOICE_DIR]).iterdir()) == []


async def test_the_pushed_file_part_carries_the_type_librelog_stored(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    """An Opus file is audio/opus to LibreLog; the file name alone would make it audio/ogg."""
    opus = b"OggS" + bytes(60)
    voice = (await ll.post("/voice", files={"file": ("talk.opus", opus, "audio/opus")}, data={"title": "Talk"})).json()
    await client.delete("/__stub__/journal")
    await ll.post(f"/voice/{voice['id']}/upload-to-libretime")
    uploads = [
        e["json"]["files"]["file"]
        for e in (await client.get("/__stub__/journal", params={"method": "POST"})).json()["requests"]
        if e["json"] and "files" in e["json"]
    ]
    assert uploads and {(u["filename"], u["content_type"], u["md5"]) for u in uploads} == {
        ("talk.opus", "audio/opus", MD5(opus).hexdigest())
    }


async def test_an_entry_naming_a_voice_track_not_yet_pushed_follows_it_not_an_id_given_beside_it(
    ll: httpx.AsyncClient, client: httpx.AsyncClient, flavor: str
) -> None:
    """The referenced voice track's LibreTime id is read live: an explicit id beside it is not
    stored, so the entry has none until the push and then the pushed file's."""
    voice = (await upload(ll, wav(1.0))).json()
    entry = {"start": "14:00:00", "voice_track_id": voice["id"], "libretime_id": 999}
    log = (await ll.post("/logs", json={"date": "2026-11-25", "entries": [entry]})).json()
    assert (log["entries"][0]["type"], log["entries"][0]["libretime_id"]) == ("VOT", None)
    pushed = (await ll.post(f"/voice/{voice['id']}/upload-to-libretime")).json()
    stored = (await ll.get(f"/logs/{log['id']}")).json()
    assert stored["entries"][0]["libretime_id"] == pushed["libretime_id"] != 999
