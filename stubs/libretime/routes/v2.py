"""Upstream LibreTime API v2 (``/api/v2/...``): DRF ModelViewSets and the small info views."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from .. import media, openapi, timeconv
from ..appkeys import CONFIG, STORE, TAMPER
from ..body import parse_body
from ..errors import (
    DRFError,
    ValidationFailed,
    json_response,
    not_found,
    upstream_500,
)
from ..render import render, render_schedule_list
from ..resources import FILES, LIBRARIES, RESOURCES, SCHEDULE, WEBSTREAMS, Resource
from ..store import Row, Store
from ..tamper import tamper_row
from ..validation import validate
from .dispatch import Handler, endpoint

API = "/api/v2"


def _lookup(store: Store, resource: Resource, raw_id: str) -> Row:
    """DRF get_object: an unknown id names the model; one that is not an integer is Django's
    ValueError, which get_object_or_404 turns into a bare "Not found."."""
    try:
        row = store[resource.table].get(int(raw_id))
    except ValueError:
        raise DRFError(404, {"detail": "Not found."}) from None
    if row is None:
        raise not_found(resource.model)
    return row


# --- list filters -------------------------------------------------------------------------


def _schedule_filters(query: Any) -> list[Any]:
    """django-filter's ScheduleFilter: inclusive datetime ranges, exact numbers, overbooked."""
    errors: dict[str, list[str]] = {}
    checks: list[Any] = []
    for base in ("starts", "ends"):
        for suffix, op in (("after", "ge"), ("before", "le")):
            raw = query.get(f"{base}_{suffix}", "")
            if raw == "":
                continue
            value = timeconv.parse_datetime(raw)
            if value is None:
                errors[base] = ["Enter a valid date/time."]
                continue
            field = f"{base}_at"
            if op == "ge":
                checks.append(lambda r, f=field, v=value: r[f] >= v)
            else:
                checks.append(lambda r, f=field, v=value: r[f] <= v)
    for name in ("position_status", "broadcasted"):
        raw = query.get(name, "")
        if raw == "":
            continue
        try:
            number = Decimal(raw)
        except InvalidOperation:
            errors[name] = ["Enter a number."]
            continue
        checks.append(lambda r, f=name, v=number: r.get(f, SCHEDULE.defaults.get(f)) == v)
    overbooked = {
        "true": True,
        "True": True,
        "1": True,
        "2": True,
        "false": False,
        "False": False,
        "0": False,
        "3": False,
    }.get(query.get("overbooked", ""))
    if overbooked is not None:
        checks.append(("overbooked", overbooked))
    if errors:
        raise ValidationFailed(errors)
    if any(_beyond_postgres(query.get(f"{b}_{s}", "")) for b in ("starts", "ends") for s in ("after", "before")):
        raise upstream_500()  # PostgreSQL: "time zone displacement out of range"
    return checks


_OFFSET = re.compile(r"[T ][0-9:.]+([+-])(\d{2}):?(\d{2})$")


def _beyond_postgres(raw: str) -> bool:
    """PostgreSQL keeps UTC offsets within ±15:59; Django reads any below 24 h."""
    match = _OFFSET.search(raw.strip())
    return match is not None and timeconv.parse_datetime(raw) is not None and int(match.group(2)) >= 16


def _filtered_rows(store: Store, resource: Resource, query: Any) -> list[Row]:
    rows = store[resource.table].rows.values()
    if resource is FILES:
        wanted = {k: query[k] for k in ("md5", "genre") if query.get(k, "") != ""}
        refused = {k: ["Null characters are not allowed."] for k, v in wanted.items() if "\x00" in v}
        if refused:
            raise ValidationFailed(refused)  # django-filter's form field validates the value first
        return [r for r in rows if all(r.get(k) == v for k, v in wanted.items())]
    if resource is SCHEDULE:
        checks = _schedule_filters(query)
        out = []
        for row in rows:
            keep = True
            for check in checks:
                if isinstance(check, tuple):
                    instance = store.instances.get(row.get("instance", -1))
                    is_over = instance is not None and row["starts_at"] >= instance["ends_at"]
                    keep = is_over == check[1]
                else:
                    keep = check(row)
                if not keep:
                    break
            if keep:
                out.append(row)
        return out
    return list(rows)


# --- ModelViewSet ------------------------------------------------------------------------


def _check_unique(store: Store, resource: Resource, clean: dict[str, Any], own_id: int | None) -> None:
    errors = {}
    for name in resource.unique:
        if name in clean and any(
            r.get(name) == clean[name] and rid != own_id for rid, r in store[resource.table].rows.items()
        ):
            errors[name] = [f"{resource.verbose_name or resource.model.lower()} with this {name} already exists."]
    if errors:
        raise ValidationFailed(errors)


def _viewset(resource: Resource) -> tuple[Handler, Handler]:
    async def list_rows(request: web.Request) -> web.StreamResponse:
        store = request.app[STORE]
        rows = _filtered_rows(store, resource, request.query)
        if resource is SCHEDULE:  # the hot read: LibreLog and the harness poll it
            return web.Response(body=render_schedule_list(rows, store), content_type="application/json")
        return json_response([render(resource, row, store) for row in rows])

    async def create(request: web.Request) -> web.StreamResponse:
        store = request.app[STORE]
        body = await parse_body(request)
        # DRF's request.data holds a multipart body's file parts beside its fields.
        clean = validate(body.fields(), resource.create_fields, partial=False, exists=store.exists, form=body.form)
        _check_unique(store, resource, clean, None)
        if resource is LIBRARIES and (clean.get("description") is None or clean.get("name") is None):
            raise upstream_500()  # NOT NULL columns the serializer lets through
        if resource is WEBSTREAMS and clean.get("owner") is None:
            raise upstream_500()  # cc_webstream.creator_id is NOT NULL; the serializer lets it be null
        row = {k: v for k, v in resource.defaults.items()} | {k: v for k, v in clean.items()}
        tamper = request.app[TAMPER].take() if resource is SCHEDULE else None
        if tamper is not None:
            # Answer as if the row were stored as sent; store the tampered one (or nothing).
            answer = _render_write(resource, {**row, "id": store.schedule.next_id}, store)
            stored = tamper_row(tamper, row, store)
            if stored is not None:
                answer["id"] = store.schedule.insert(stored)["id"]
            else:
                store.schedule.next_id += 1
            return json_response(answer, status=201)
        row = store[resource.table].insert(row)
        return json_response(_render_write(resource, row, store), status=201)

    async def retrieve(request: web.Request) -> web.StreamResponse:
        store = request.app[STORE]
        row = _lookup(store, resource, request.match_info["id"])
        return json_response(render(resource, row, store))

    async def update(request: web.Request) -> web.StreamResponse:
        store = request.app[STORE]
        row = _lookup(store, resource, request.match_info["id"])
        body = await parse_body(request)
        partial = request.method == "PATCH"
        clean = validate(body.fields(), resource.update_fields, partial=partial, exists=store.exists, form=body.form)
        _check_unique(store, resource, clean, row["id"])
        store[resource.table].update(row, clean)
        if resource is SCHEDULE and "starts_at" in clean:
            raise upstream_500()  # upstream saves the change, then fails rendering the response
        return json_response(render(resource, row, store))

    async def destroy(request: web.Request) -> web.StreamResponse:
        store = request.app[STORE]
        row = _lookup(store, resource, request.match_info["id"])
        _delete(store, resource, row)
        return web.Response(status=204)

    collection = endpoint({"GET": list_rows, "POST": create})
    member = endpoint({"GET": retrieve, "PUT": update, "PATCH": update, "DELETE": destroy})
    return collection, member


def _render_write(resource: Resource, row: Row, store: Store) -> dict[str, Any]:
    """Create responses come from the write serializer: schedule rows are not clamped there."""
    out = render(resource, row, store)
    if resource is SCHEDULE:
        out["ends_at"] = timeconv.format_datetime(row.get("ends_at"))
        out["cue_out"] = timeconv.format_duration(row.get("cue_out"))
        # ...and keep its field order (the model's), not the read serializer's.
        out = {name: out[name] for name in resource.create_fields if name in out} | out
    return out


def _delete(store: Store, resource: Resource, row: Row) -> None:
    """Deletes with the database's cascades (and upstream's refusals)."""
    if resource is FILES:
        now = datetime.now(UTC)
        if any(s.get("file") == row["id"] and s["ends_at"] > now for s in store.schedule.rows.values()):
            raise DRFError(409, {"detail": "file is scheduled in the future"})
        # Upstream's perform_destroy removes the stored bytes and returns: the row stays.
        if row.get("filepath"):
            store.blobs.pop(row["filepath"], None)
        return
    elif resource is LIBRARIES:
        if any(f.get("library") == row["id"] for f in store.files.rows.values()):
            raise upstream_500()  # ProtectedError/IntegrityError upstream
    elif resource.table == "shows":
        for iid in [iid for iid, i in store.instances.rows.items() if i.get("show") == row["id"]]:
            _delete_instance(store, iid)
    elif resource.table == "show_instances":
        _delete_instance(store, row["id"])
        return
    store[resource.table].delete(row["id"])


def _delete_instance(store: Store, instance_id: int) -> None:
    for sid in [sid for sid, s in store.schedule.rows.items() if s.get("instance") == instance_id]:
        store.schedule.delete(sid)
    for history in store.history.rows.values():
        if history.get("instance") == instance_id:
            history["instance"] = None
    store.instances.delete(instance_id)


# --- small views ---------------------------------------------------------------------------


async def version(request: web.Request) -> web.StreamResponse:
    return json_response({"api_version": request.app[CONFIG].api_version})


async def info(request: web.Request) -> web.StreamResponse:
    return json_response({"station_name": request.app[CONFIG].station_name})


async def stream_state(request: web.Request) -> web.StreamResponse:
    return json_response(
        {
            "input_main_connected": False,
            "input_main_streaming": False,
            "input_show_connected": False,
            "input_show_streaming": False,
            "schedule_streaming": True,
        }
    )


async def stream_preferences(request: web.Request) -> web.StreamResponse:
    return json_response(
        {
            "input_fade_transition": 0.0,
            "message_format": 0,
            "message_offline": "LibreTime - offline",
            "replay_gain_enabled": False,
            "replay_gain_offset": 0.0,
        }
    )


async def api_schema(request: web.Request) -> web.StreamResponse:
    wants_json = request.query.get("format") == "json" or "openapi+json" in request.headers.get("Accept", "")
    if wants_json:
        return web.Response(body=openapi.schema_json(), content_type="application/vnd.oai.openapi+json")
    return web.Response(body=openapi.schema_text(), content_type="application/vnd.oai.openapi", charset="utf-8")


async def download(request: web.Request) -> web.StreamResponse:
    """The API only names the file; nginx (when in front) serves the bytes."""
    row = _lookup(request.app[STORE], FILES, request.match_info["id"])
    if row.get("filepath") is None:
        raise upstream_500()  # os.path.join("/api/_media", None) raises upstream
    response = web.Response(status=200, body=b"", content_type="text/html", charset="utf-8")
    response.headers["X-Accel-Redirect"] = media.accel_redirect_uri(row.get("filepath") or "")
    return response


def add_routes(app: web.Application, integration_routes: list[tuple[str, Handler]]) -> None:
    router = app.router
    router.add_route("*", f"{API}/version", endpoint({"GET": version}, "public"))
    router.add_route("*", f"{API}/info", endpoint({"GET": info}, "public"))
    router.add_route("*", f"{API}/schema", endpoint({"GET": api_schema}, "public"))
    router.add_route("*", f"{API}/stream/state", endpoint({"GET": stream_state}))
    router.add_route("*", f"{API}/stream/preferences", endpoint({"GET": stream_preferences}))
    # Literal paths first: "playout-history-full" must not be taken for a playout-history id.
    for path, handler in integration_routes:
        router.add_route("*", path, handler)
    router.add_route("*", f"{API}/files/{{id}}/download", endpoint({"GET": download}))
    for resource in RESOURCES:
        collection, member = _viewset(resource)
        router.add_route("*", f"{API}/{resource.path}", collection)
        router.add_route("*", f"{API}/{resource.path}/{{id}}", member)
