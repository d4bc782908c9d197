"""The stub's control plane (``/__stub__/...``), modelled on WireMock's admin API. No Api-Key."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .. import fixtures, playout, timeconv
from ..appkeys import CONFIG, FAULTS, JOURNAL, STORE, TAMPER
from ..errors import ControlError, json_response
from ..store import Store

BASE = "/__stub__"
MAX_GENERATED = 1_000_000


async def _json(request: web.Request) -> Any:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ControlError(400, f"JSON parse error - {exc}", {"body": [str(exc)]}) from None


async def reset(request: web.Request) -> web.StreamResponse:
    request.app[STORE].reset()
    request.app[FAULTS].clear()
    request.app[JOURNAL].clear()
    request.app[TAMPER].clear()
    return json_response({"reset": True})


async def seed(request: web.Request) -> web.StreamResponse:
    """One call can reset, load a named fixture, generate files and add JSON rows, in that order."""
    store = request.app[STORE]
    payload = await _json(request)
    if not isinstance(payload, dict):
        raise ControlError(400, "the seed must be a JSON object", {"body": ["Expected an object."]})
    errors: dict[str, list[str]] = {}
    name = payload.get("fixture")
    if name is not None and name not in fixtures.FIXTURES:
        errors["fixture"] = [f"Unknown fixture {name!r}; known: {', '.join(sorted(fixtures.FIXTURES))}."]
    generate = payload.get("generate")
    count = seed_value = None
    if generate is not None:
        if not isinstance(generate, dict):
            errors["generate"] = ['Expected {"files": n, "seed": s}.']
        else:
            count, seed_value = generate.get("files"), generate.get("seed", 1)
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_GENERATED:
                errors["generate.files"] = [f"An integer from 0 to {MAX_GENERATED} is required."]
            if isinstance(seed_value, bool) or not isinstance(seed_value, int):
                errors["generate.seed"] = ["An integer is required."]
    if errors:
        raise ControlError(400, "invalid seed: nothing was added", errors)
    # All or nothing: a reset seed is built on a fresh store and swapped in; otherwise the
    # inserts made before a failure (fixture, generator) are rolled back.
    target = Store() if payload.get("reset") else store
    marker = target.checkpoint()
    result: dict[str, Any] = {}
    try:
        if name is not None:
            result["fixture"] = {"name": name, **fixtures.FIXTURES[name](target)}
        if count is not None:
            assert isinstance(seed_value, int)
            result["generated"] = fixtures.generate(target, count, seed=seed_value)
        result["added"] = fixtures.seed_json(target, payload)
    except ControlError:
        target.rollback(marker)
        raise
    if target is not store:
        store.adopt(target)
    result["counts"] = store.counts()
    return json_response(result, status=201)


async def add_fault(request: web.Request) -> web.StreamResponse:
    rule = request.app[FAULTS].add(await _json(request))
    return json_response(rule.describe(), status=201)


async def list_faults(request: web.Request) -> web.StreamResponse:
    return json_response({"faults": [r.describe() for r in request.app[FAULTS].rules()]})


async def clear_faults(request: web.Request) -> web.StreamResponse:
    request.app[FAULTS].clear()
    return web.Response(status=204)


async def delete_fault(request: web.Request) -> web.StreamResponse:
    try:
        rule_id = int(request.match_info["id"])
    except ValueError:
        rule_id = -1
    if not request.app[FAULTS].remove(rule_id):
        raise ControlError(404, f"no fault rule {request.match_info['id']}")
    return web.Response(status=204)


async def journal(request: web.Request) -> web.StreamResponse:
    query = request.query
    try:
        since = int(query.get("since", "0"))
    except ValueError:
        raise ControlError(400, "since must be an integer", {"since": ["A valid integer is required."]}) from None
    entries = request.app[JOURNAL].entries(method=query.get("method"), path=query.get("path"), since=since)
    return json_response({"count": len(entries), "requests": entries})


async def clear_journal(request: web.Request) -> web.StreamResponse:
    request.app[JOURNAL].clear()
    return web.Response(status=204)


async def state(request: web.Request) -> web.StreamResponse:
    include = request.query.get("blobs") in {"1", "true"}
    dump = request.app[STORE].dump(include_blobs=include)
    dump["counts"] = request.app[STORE].counts()
    dump["config"] = {"face": request.app[CONFIG].face, "station_name": request.app[CONFIG].station_name}
    return json_response(dump)


async def forget_file(request: web.Request) -> web.StreamResponse:
    """Remove a file row outright, rows that play it untouched: what a database edit or a lost
    import does, and LibreTime's own API never does (its DELETE keeps scheduled files)."""
    raw = request.match_info["id"]
    if not raw.isdigit() or request.app[STORE].files.delete(int(raw)) is None:
        raise ControlError(404, f"no file {raw}", {"id": ["No such file."]})
    return web.Response(status=204)


async def save_state(request: web.Request) -> web.StreamResponse:
    path = request.app[CONFIG].state_file
    if path is None:
        raise ControlError(409, "the stub was started without a state file")
    request.app[STORE].save_file(path)
    return json_response({"saved": str(path), "counts": request.app[STORE].counts()})


async def simulate_playout(request: web.Request) -> web.StreamResponse:
    payload = await _json(request)
    if not isinstance(payload, dict):
        raise ControlError(400, "the body must be a JSON object", {"body": ["Expected an object."]})
    errors: dict[str, list[str]] = {}
    bounds = {}
    for name in ("start", "end"):
        raw = payload.get(name)
        value = timeconv.parse_datetime(raw) if isinstance(raw, str) else None
        if value is None:
            errors[name] = ["An ISO 8601 datetime is required."]
        bounds[name] = value
    if not errors and bounds["start"] >= bounds["end"]:
        errors["end"] = ["Must be after start."]
    if errors:
        raise ControlError(400, "invalid playout window", errors)
    return json_response(playout.simulate(request.app[STORE], bounds["start"], bounds["end"]))


async def set_tamper(request: web.Request) -> web.StreamResponse:
    return json_response(request.app[TAMPER].set(await _json(request)).describe(), status=201)


async def clear_tamper(request: web.Request) -> web.StreamResponse:
    request.app[TAMPER].clear()
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_post(f"{BASE}/reset", reset)
    r.add_post(f"{BASE}/seed", seed)
    r.add_post(f"{BASE}/faults", add_fault)
    r.add_get(f"{BASE}/faults", list_faults)
    r.add_delete(f"{BASE}/faults", clear_faults)
    r.add_delete(f"{BASE}/faults/{{id}}", delete_fault)
    r.add_get(f"{BASE}/journal", journal)
    r.add_delete(f"{BASE}/journal", clear_journal)
    r.add_get(f"{BASE}/state", state)
    r.add_post(f"{BASE}/state/save", save_state)
    r.add_post(f"{BASE}/playout", simulate_playout)
    r.add_delete(f"{BASE}/files/{{id}}", forget_file)
    r.add_post(f"{BASE}/tamper", set_tamper)
    r.add_delete(f"{BASE}/tamper", clear_tamper)
