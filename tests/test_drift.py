"""``librelog-verify drift``: probes load and validate, two identical servers show no difference,
a server that differs is caught at the aspect and path that differ, routes outside the contract
never count as drift, and every row a probe made is gone afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from harness.cli import main
from harness.cli.drift import _all_differences, readme_block, run
from harness.drift.capture import Server
from harness.drift.probe import CONTRACT, load, out_of_contract
from stubs.libretime import StubConfig, run_stub

from .conftest import API_KEY, AUTH


def test_the_built_in_probes_load_and_cover_every_collection_of_the_contract() -> None:
    probes = load()
    assert len({p.id for p in probes}) == len(probes) >= 90
    paths = " ".join(p.request["path"] for p in probes)
    for route in CONTRACT:
        assert f"/api/v2/{route}" in paths, route
    assert all(p.contract for p in probes)
    outside = out_of_contract()
    assert outside and not any(p.contract for p in outside)
    assert not any(p.request["path"].removeprefix("/api/v2/") in CONTRACT for p in outside)


def test_a_bad_probe_file_is_refused_with_where(tmp_path: Path) -> None:
    bad = tmp_path / "probes.yaml"
    bad.write_text("- id: x\n  covers: y\n  request: {method: FETCH, path: /api/v2/files}\n")
    from harness.errors import ConfigError

    with pytest.raises(ConfigError, match="probe file: 0/request/method"):
        load(bad)


async def _servers(**other: object) -> tuple:
    return run_stub(StubConfig(api_key=API_KEY, face="api")), run_stub(StubConfig(api_key=API_KEY, face="api", **other))


async def test_two_identical_servers_show_no_difference_and_keep_nothing() -> None:
    one, two = await _servers()
    async with one as a, two as b:
        api = [p for p in load() if p.face == "api"]
        outcomes = await run(
            api, {"api": (Server("stub", a.base_url, API_KEY), Server("libretime", b.base_url, API_KEY))}
        )
        assert [o.failed for o in outcomes if o.failed] == []
        assert _all_differences(outcomes) == []
        async with httpx.AsyncClient(base_url=b.base_url, headers=AUTH) as lt:
            for table in ("schedule", "show-instances", "shows", "playout-history", "libraries"):
                assert (await lt.get(f"/api/v2/{table}")).json() == [], table
            files = (await lt.get("/api/v2/files")).json()
            assert files and all(f["hidden"] is True and f["name"].startswith("librelog-verify-") for f in files)


async def test_the_nginx_face_probes_match_between_twins_and_delete_what_they_made() -> None:
    from stubs.libretime.appkeys import STORE

    nginx = [p for p in load() if p.face == "nginx"]
    assert len(nginx) >= 40
    one, two = run_stub(StubConfig(api_key=API_KEY)), run_stub(StubConfig(api_key=API_KEY))
    async with one as a, two as b:
        outcomes = await run(
            nginx, {"nginx": (Server("stub", a.base_url, API_KEY), Server("libretime", b.base_url, API_KEY))}
        )
        assert [o.failed for o in outcomes if o.failed] == []
        assert _all_differences(outcomes) == []
        store = b.app[STORE]
        # Uploads, refused uploads' failed rows and v2 rows alike are deleted through the legacy app.
        assert (len(store.files), store.blobs, len(store.libraries)) == (0, {}, 0)
    stranded = [path for o in outcomes for path in o.observed["libretime"].stranded]
    assert stranded and all(path.startswith("organize/") for path in stranded)


async def test_a_server_that_differs_is_caught_where_it_differs() -> None:
    one, two = await _servers(api_version="9.9.9", users={})
    async with one as a, two as b:
        probes = [p for p in load() if p.id in ("public-version", "auth-basic-user", "file-read")]
        outcomes = await run(
            probes,
            {
                "api": (
                    Server("stub", a.base_url, API_KEY, ("admin", "admin")),
                    Server("libretime", b.base_url, API_KEY, ("admin", "admin")),
                )
            },
        )
    found = [(d.probe, d.aspect, d.path, d.stub, d.libretime) for d in _all_differences(outcomes)]
    # The second server has no users, so it refuses Basic; and its version differs.
    assert ("public-version", "body", "api_version", "2.0.0", "9.9.9") in found
    assert ("auth-basic-user", "status", "", 200, 403) in found
    assert not any(d[0] == "file-read" for d in found)


async def test_routes_outside_the_contract_are_listed_not_drift(tmp_path: Path) -> None:
    one, two = await _servers()
    async with one as a, two as b:
        outside = [p for p in out_of_contract() if p.id == "outside-playlists"]
        outcomes = await run(
            outside, {"api": (Server("stub", a.base_url, API_KEY), Server("libretime", b.base_url, API_KEY))}
        )
    assert _all_differences(outcomes) == [] and _all_differences(outcomes, contract=False) == []
    assert "| `" not in readme_block(outcomes, [])  # nothing differs, no row


def test_the_command_refuses_what_it_cannot_use(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    args = ["drift", "--libretime", "http://127.0.0.1:9", "--api-key", "k", "--output", str(tmp_path / "d.json")]
    assert main(args) == 2
    assert "did not answer" in capsys.readouterr().err
    assert main([*args, "--readme", str(tmp_path / "none.md")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "d.json").exists()


def test_the_command_against_a_stub_writes_its_json_fuzz_phase_included(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import asyncio
    import threading

    ready = threading.Event()
    box: dict[str, str] = {}
    stop = threading.Event()

    async def serve() -> None:
        async with run_stub(StubConfig(api_key=API_KEY, face="api")) as running:
            box["url"] = running.base_url
            ready.set()
            await asyncio.to_thread(stop.wait)

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(10)
    out = tmp_path / "drift.json"
    try:
        args = ["drift", "--libretime", box["url"], "--api-key", API_KEY, "-k", "file-", "--output", str(out)]
        code = main([*args, "--fuzz-examples", "2"])
    finally:
        stop.set()
        thread.join(10)
    assert code == 0, capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert doc["summary"]["differences"] == 0 and doc["summary"]["probes"] >= 10
    assert doc["fuzz"]["examples_per_operation"] == 2, doc.get("fuzz")
    assert "NO DRIFT" in capsys.readouterr().out


def test_the_fuzz_phase_finds_nothing_between_equal_servers_and_keeps_nothing() -> None:
    import asyncio
    import threading

    from harness.drift import fuzz

    urls: list[str] = []
    ready, stop = threading.Event(), threading.Event()

    async def serve() -> None:
        async with (
            run_stub(StubConfig(api_key=API_KEY, face="api")) as a,
            run_stub(StubConfig(api_key=API_KEY, face="api")) as b,
        ):
            urls.extend([a.base_url, b.base_url])
            ready.set()
            await asyncio.to_thread(stop.wait)

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        found = fuzz.run(
            Server("stub", urls[0], API_KEY), Server("libretime", urls[1], API_KEY), 5, 30719, lambda _m: None
        )
        assert found == []
        with httpx.Client(base_url=urls[1], headers=AUTH) as lt:
            for table in ("schedule", "show-instances", "shows", "playout-history", "libraries", "webstreams"):
                assert lt.get(f"/api/v2/{table}").json() == [], table
            assert all(f["hidden"] is True for f in lt.get("/api/v2/files").json())
            entries = lt.get("/__stub__/journal").json()["requests"]
            assert {e["method"] for e in entries} >= {"GET", "POST"} and len(entries) > 50
    finally:
        stop.set()
        thread.join(10)


def test_a_header_compared_by_presence_differs_when_one_side_lacks_it() -> None:
    from harness.drift.capture import Observation
    from harness.drift.compare import differences
    from harness.drift.probe import Probe

    probe = Probe(
        id="p",
        covers="c",
        request={"method": "GET", "path": "/rest/media"},
        compare=("headers",),
        present=("X-Total-Count",),
    )
    with_it = Observation(200, "text/html", {"X-Total-Count": "<present>"}, None, "")
    without = Observation(200, "text/html", {"X-Total-Count": None}, None, "")
    assert [(d.aspect, d.stub, d.libretime) for d in differences(probe, with_it, without)] == [
        ("headers.X-Total-Count", "<present>", None)
    ]
    assert differences(probe, with_it, with_it) == []
