"""``librelog.crud``'s walk against a small server and its document: a resource that keeps what it
is given passes; a create that fails, an update that is not stored, a delete that leaves the item,
an action that changes nothing are findings; a resource that needs one that cannot be created is
not walked, with the reason; the walk deletes what it made."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from harness.api_coverage import measure, recorded
from harness.errors import HarnessError
from harness.kinds.openapi_crud import Walk, resources, values_equal
from reports import verification
from tests.allure_results import attach, result, step

NAMED = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "starts": {"type": "string", "format": "date"}},
    "example": {"name": "Example", "starts": "2026-01-01"},
}
CHILD = {
    "type": "object",
    "required": ["name", "good_id"],
    "properties": {"name": {"type": "string"}, "good_id": {"type": "string", "format": "uuid"}},
}
ORPHAN = {
    "type": "object",
    "required": ["name", "broken_id"],
    "properties": {"name": {"type": "string"}, "broken_id": {"type": "string", "format": "uuid"}},
}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _resource(name: str, schema: dict[str, Any], actions: tuple[str, ...] = ()) -> dict[str, Any]:
    param = f"{name}_id"
    item = {"parameters": [{"name": param, "in": "path", "required": True, "schema": {"type": "string"}}]}
    paths: dict[str, Any] = {
        f"/{name}/": {"post": {"requestBody": _body(schema)}, "get": {}},
        f"/{name}/{{{param}}}": {
            "get": item,
            "put": item | {"requestBody": _body({"properties": NAMED["properties"]})},
            "delete": item,
        },
    }
    for action in actions:
        paths[f"/{name}/{{{param}}}/{action}"] = {"post": item}
    return paths


# Links from a good item to another resource: one the server keeps, one it ignores.
LINKS = {f"/good/{{good_id}}/{other}/{{{other}_id}}": {"post": {}, "delete": {}} for other in ("lossy", "sticky")}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        **LINKS,
        **_resource("good", NAMED, ("approve", "noop")),
        **_resource("lossy", NAMED),
        **_resource("sticky", NAMED),
        **_resource("broken", NAMED),
        **_resource("child", CHILD),
        **_resource("orphan", ORPHAN),
    },
}


def _app(store: dict[str, dict[str, dict[str, Any]]]) -> web.Application:
    async def create(request: web.Request) -> web.Response:
        kind = request.match_info["kind"]
        if kind == "broken":
            return web.json_response({"detail": "boom"}, status=500)
        body = await request.json()
        ident = str(uuid.uuid4())
        store.setdefault(kind, {})[ident] = {"id": ident, "status": "new", **body}
        return web.json_response(store[kind][ident], status=201)

    def _item(request: web.Request) -> dict[str, Any] | None:
        return store.get(request.match_info["kind"], {}).get(request.match_info["ident"])

    async def read(request: web.Request) -> web.Response:
        if request.match_info["kind"] == "hidden":  # stores what it is given, reads nothing back
            return web.json_response({"detail": "boom"}, status=500)
        item = _item(request)
        return web.json_response(item) if item else web.json_response({"detail": "not found"}, status=404)

    async def listing(request: web.Request) -> web.Response:
        if request.match_info["kind"] == "hidden":
            return web.json_response({"detail": "boom"}, status=500)
        return web.json_response(list(store.get(request.match_info["kind"], {}).values()))

    async def update(request: web.Request) -> web.Response:
        item = _item(request)
        if item is None:
            return web.json_response({"detail": "not found"}, status=404)
        if request.match_info["kind"] != "lossy":
            item.update(await request.json())
        if request.match_info["kind"] == "halfway":  # stores the change, then fails its answer
            return web.json_response({"detail": "boom"}, status=500)
        return web.json_response(item)

    async def delete(request: web.Request) -> web.Response:
        if request.match_info["kind"] != "sticky":
            store.get(request.match_info["kind"], {}).pop(request.match_info["ident"], None)
        return web.Response(status=204)

    async def action(request: web.Request) -> web.Response:
        item = _item(request)
        if item is not None and request.match_info["action"] == "approve":
            item["status"] = "approved"
        if request.match_info["kind"] == "halfway":
            return web.json_response({"detail": "boom"}, status=500)
        return web.json_response({"ok": True})

    async def link(request: web.Request) -> web.Response:
        item = _item(request)
        if request.match_info["other"] == "refuse":  # a link that always fails: nothing to undo
            status = 500 if request.method == "POST" else 404
            return web.json_response({"detail": "no"}, status=status)
        if item is not None and request.match_info["other"] == "lossy":
            links = item.setdefault("links", [])
            if request.method == "POST":
                links.append(request.match_info["other_ident"])
            else:
                links.remove(request.match_info["other_ident"])
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/{kind}/", create)
    app.router.add_get("/{kind}/", listing)
    app.router.add_get("/{kind}/{ident}", read)
    app.router.add_put("/{kind}/{ident}", update)
    app.router.add_delete("/{kind}/{ident}", delete)
    app.router.add_post("/{kind}/{ident}/{action}", action)
    app.router.add_post("/{kind}/{ident}/{other}/{other_ident}", link)
    app.router.add_delete("/{kind}/{ident}/{other}/{other_ident}", link)
    return app


Store = dict[str, dict[str, dict[str, Any]]]


def _document(paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}


async def _walk(
    document: dict[str, Any], store: Store, only: str | None = None, **options: Any
) -> tuple[Walk, list[str]]:
    """One walk of ``document`` (every resource, or the one named ``only``) against the small
    server keeping ``store``, and what its clean-up could not delete."""
    server = TestServer(_app(store), host="127.0.0.1")
    await server.start_server()
    try:
        async with httpx.AsyncClient(base_url=str(server.make_url("/"))) as client:
            walk = Walk(client, document, [], **options)
            for r in walk.all:
                if only is None or r.name == only:
                    await walk.resource(r)
            left = await walk.clean()
    finally:
        await server.close()
    return walk, left


@pytest.fixture
async def walked() -> tuple[Walk, list[str], Store]:
    store: Store = {}
    walk, left = await _walk(DOCUMENT, store)
    return walk, left, store


def test_resources_are_collections_with_an_item_path() -> None:
    found = {(r.collection, r.item, r.param) for r in resources(DOCUMENT)}
    assert ("/good/", "/good/{good_id}", "good_id") in found and len(found) == 6
    assert [r.collection for r in resources(DOCUMENT, ["/orphan"])].count("/orphan/") == 0


async def test_each_defect_is_one_finding_and_a_sound_resource_none(walked: Any) -> None:
    walk, _left, _store = walked
    found = {(f.method, f.path, f.kind) for f in walk.findings}
    assert found == {
        ("POST", "/broken/", "server error"),
        ("PUT", "/lossy/{lossy_id}", "update not applied"),
        ("DELETE", "/sticky/{sticky_id}", "delete not applied"),
        ("POST", "/good/{good_id}/noop", "no effect visible"),
        ("POST", "/good/{good_id}/sticky/{sticky_id}", "no effect visible"),
    }
    kept = "/good/{good_id}/lossy/{lossy_id}"
    assert walk.exercised[("POST", kept)] == walk.exercised[("DELETE", kept)] == "effect"


async def test_a_dependency_is_created_first_and_an_uncreatable_one_blocks_with_its_reason(walked: Any) -> None:
    walk, _left, _store = walked
    assert ("POST", "/child/") in walk.exercised and ("DELETE", "/child/{child_id}") in walk.exercised
    reasons = {(e["method"], e["path"]): e["reason"] for e in walk.not_walked()}
    assert reasons[("POST", "/orphan/")].startswith("needs broken_id, and /broken/ could not be created")
    assert "its create answered 500" in reasons[("DELETE", "/broken/{broken_id}")]
    assert ("POST", "/broken/") not in reasons  # called: its own finding says what happened


async def test_the_walk_deletes_what_it_made_except_what_will_not_go(walked: Any) -> None:
    _walk, left, store = walked
    # The walked sticky item and the one made for the good item's link: both answered their delete,
    # so the findings name them, not the clean-up.
    assert {kind: len(items) for kind, items in store.items() if items} == {"sticky": 2}
    assert left == []


async def test_the_coverage_credits_what_the_walk_exercised_and_gives_its_reasons(walked: Any) -> None:
    walk, _left, _store = walked
    attachments = {
        "operations exercised": [{"method": m, "path": p, "level": lvl} for (m, p), lvl in walk.exercised.items()],
        "crud findings": {"not_walked": walk.not_walked()},
    }
    listed = [{"method": m.upper(), "path": p} for p, item in DOCUMENT["paths"].items() for m in item]
    ops = {op.key: op for op in measure(listed, [], {"s": "failed"}, {}, recorded([("s", attachments)]))}
    assert ops["PUT /good/{good_id}"].level == "effect" and ops["PUT /good/{good_id}"].outcomes == {"s": "failed"}
    assert ops["POST /good/{good_id}/approve"].level == "effect"
    assert ops["GET /orphan/{orphan_id}"].level is None
    assert ops["GET /orphan/{orphan_id}"].left_out.startswith("not walked: needs broken_id")


@pytest.mark.parametrize(
    ("sent", "read", "equal"),
    [
        ("2026-12-06", "2026-12-06T00:00:00", True),
        ("12:00:00", "12:00", True),
        (10000.0, "10000.00", True),
        ("lvabc1", "lvabc12", False),
        ("2026-12-06", "2026-12-07", False),
        (True, 1, False),
    ],
)
def test_values_compare_as_a_json_api_writes_them_again(sent: Any, read: Any, equal: bool) -> None:
    assert values_equal(sent, read) is equal


def test_the_report_shows_the_walks_findings_what_it_could_not_reach_and_what_it_left(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    record = {
        "operations": 12,
        "resources": 3,
        "findings": [
            {
                "method": "PUT",
                "path": "/lossy/{lossy_id}",
                "called": "/lossy/1",
                "status": 0,
                "kind": "update not applied",
                "detail": "name: sent 'lvx', reads 'Example'",
            },
            {
                "method": "POST",
                "path": "/broken/",
                "called": "/broken/",
                "status": 500,
                "kind": "server error",
                "detail": "boom",
            },
        ],
        "not_walked": [{"method": "POST", "path": "/orphan/", "reason": "needs broken_id"}],
        "left": ["/users/7 (500)"],
    }
    walked = step("walk", "failed", [attach(results, "crud findings", record)])
    result(results, "original-crud", "Resources", "failed", [walked])
    md = verification.write(results, tmp_path)[0].read_text()
    section = md.split("## Every resource of LibreLog's API written and read back", 1)[1].split("\n## ", 1)[0]
    assert "3 resource(s) of LibreLog's own document were created" in section
    assert "**2 finding(s)**, 1 of them server errors: 1 update not applied, 1 server error" in section
    assert (
        "1 resource(s) could not be walked" in section
        and "Left in LibreLog after the walk: `/users/7 (500)`" in section
    )
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows[0].startswith("| `POST /broken/` | 500 | server error |")  # server errors first
    assert rows[1].startswith("| `PUT /lossy/{lossy_id}` | — | update not applied |")


async def test_a_row_seeded_where_the_create_fails_is_walked_and_unblocks_what_needs_it() -> None:
    store: Store = {}
    asked: list[tuple[str, dict[str, Any]]] = []

    async def seed(table: str, body: dict[str, Any]) -> str:
        """What a row put straight into the server's store looks like: it reads like any other."""
        asked.append((table, body))
        ident = str(uuid.uuid4())
        store.setdefault("broken", {})[ident] = {"id": ident, "status": "new", **body}
        return ident

    walk, _left = await _walk(DOCUMENT, store, seed=seed, tables={"broken": "broken_rows"})
    # The failed create is still a finding; the item's update and delete are then judged by effect.
    assert ("POST", "/broken/", "server error") in {(f.method, f.path, f.kind) for f in walk.findings}
    assert (
        walk.exercised[("PUT", "/broken/{broken_id}")] == walk.exercised[("DELETE", "/broken/{broken_id}")] == "effect"
    )
    assert walk.exercised[("POST", "/orphan/")] == "effect"  # its dependency now exists
    assert not [e for e in walk.not_walked() if e["path"].startswith(("/broken", "/orphan"))]
    assert asked[0][0] == "broken_rows" and asked[0][1]["name"].startswith("lv")  # the refused body
    assert walk.refused == {"broken"} and "/broken/" in walk.seeded


async def test_the_seed_command_gets_its_table_body_and_mark_and_its_rows_are_saved(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from harness.kinds.openapi_crud import _seeder
    from harness.secrets import Masker

    script = tmp_path / "seed.py"
    script.write_text(
        "import sys, json; b = json.loads(sys.argv[2]); print('owners 7'); print(sys.argv[1], b['n'] + sys.argv[3])\n"
    )
    saved: dict[str, Any] = {}
    notes: list[tuple[str, str]] = []
    target = SimpleNamespace(may_run_commands=True, masker=Masker([]))
    rec = SimpleNamespace(text=lambda name, value: notes.append((name, value)))
    context = SimpleNamespace(saved=saved, target=target, rec=rec)
    seed = _seeder(context, {"run": ["python3", str(script), "{table}", "{row}", "{mark}"]}, "lvabc")  # type: ignore[arg-type]
    assert await seed("things", {"n": "x"}) == "xlvabc"
    assert saved["seeded"] == [{"table": "owners", "id": "7"}, {"table": "things", "id": "xlvabc"}]
    target.may_run_commands = False
    with pytest.raises(HarnessError, match="--allow-commands"):
        await seed("things", {"n": "x"})


async def test_a_free_form_update_changes_a_text_field_the_item_reads_back_with() -> None:
    loose = _resource("loose", NAMED)
    loose["/loose/{loose_id}"]["put"]["requestBody"] = _body({"type": "object", "title": "Loose Update"})
    walk, _left = await _walk(_document(loose), {})
    # Judged by effect, and no finding: the text field it chose from the item read back changed.
    assert walk.exercised[("PUT", "/loose/{loose_id}")] == "effect" and not walk.findings
    assert not walk.not_walked()


async def test_a_write_that_fails_and_changes_the_item_anyway_is_a_finding_judged_by_effect() -> None:
    walk, _left = await _walk(_document(_resource("halfway", NAMED, ("approve",))), {})
    found = {(f.method, f.path, f.kind) for f in walk.findings}
    assert ("PUT", "/halfway/{halfway_id}", "changed though it failed") in found
    assert ("POST", "/halfway/{halfway_id}/approve", "changed though it failed") in found
    assert (
        walk.exercised[("PUT", "/halfway/{halfway_id}")]
        == walk.exercised[("POST", "/halfway/{halfway_id}/approve")]
        == "effect"
    )


async def test_the_undo_of_a_link_that_failed_is_judged_as_changing_nothing() -> None:
    paths = {
        **_resource("good", NAMED),
        **_resource("refuse", NAMED),
        "/good/{good_id}/refuse/{refuse_id}": {"post": {}, "delete": {}},
    }
    walk, _left = await _walk(_document(paths), {}, only="good")
    link = "/good/{good_id}/refuse/{refuse_id}"
    assert {(f.method, f.kind) for f in walk.findings if f.path == link} == {("POST", "server error")}
    # Both judged by what the two items read: the same as before each call.
    assert walk.exercised[("POST", link)] == walk.exercised[("DELETE", link)] == "effect"


async def test_a_write_on_an_item_its_api_cannot_read_is_judged_by_its_row_in_the_store() -> None:
    document = _document(_resource("hidden", NAMED))
    store: dict[str, dict[str, dict[str, Any]]] = {}
    asked: list[tuple[str, str]] = []

    async def stored(table: str, ident: str) -> dict[str, Any] | None:
        asked.append((table, ident))
        return store.get("hidden", {}).get(ident)

    walk, _left = await _walk(document, store, stored=stored, tables={"hidden": "hidden_rows"})
    kinds = {(f.method, f.kind) for f in walk.findings}
    assert ("GET", "created item not readable") in kinds and ("GET", "list not readable") in kinds
    # The update and the delete read back through the row: applied, so no finding of theirs.
    assert not {k for k in kinds if k[0] in ("PUT", "DELETE")}
    assert (
        walk.exercised[("PUT", "/hidden/{hidden_id}")] == walk.exercised[("DELETE", "/hidden/{hidden_id}")] == "effect"
    )
    assert asked and {t for t, _ in asked} == {"hidden_rows"} and store["hidden"] == {}
