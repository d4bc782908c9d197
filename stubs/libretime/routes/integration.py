"""The integration extension (``/api/v2/integration/...``) defined by this project (LIBRETIME.md §3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from .. import library, playout, schedule, timeconv
from ..appkeys import CONFIG, STORE, TAMPER
from ..body import parse_body
from ..errors import DRFError, IntegrationError, json_response
from ..render import render
from ..resources import FILES
from .dispatch import Handler, endpoint

BASE = "/api/v2/integration"


async def _json_body(request: web.Request) -> Any:
    try:
        body = await parse_body(request)
    except DRFError as exc:
        detail = exc.body.get("detail", "invalid body") if isinstance(exc.body, dict) else "invalid body"
        raise IntegrationError(exc.status, detail, {"body": [detail]}) from None
    return body.data


async def replace_day(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    plan = schedule.parse_request(store, await _json_body(request), with_hour=False)
    return json_response(schedule.replace(store, plan, request.app[TAMPER].take()))


async def replace_hour(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    plan = schedule.parse_request(store, await _json_body(request), with_hour=True)
    return json_response(schedule.replace(store, plan, request.app[TAMPER].take()))


async def read_schedule(request: web.Request) -> web.StreamResponse:
    errors: dict[str, list[str]] = {}
    raw_date = request.query.get("date")
    day = timeconv.parse_date(raw_date) if raw_date else None
    if day is None:
        errors["date"] = ["This field is required." if not raw_date else "Date has wrong format. Use YYYY-MM-DD."]
    zone_name = request.query.get("timezone", "UTC")
    zone = timeconv.load_zone(zone_name)
    if zone is None:
        errors["timezone"] = [f"Unknown time zone {zone_name!r}."]
    if errors:
        raise IntegrationError(400, "invalid query", errors)
    assert day is not None and zone is not None
    entries = schedule.read_day(request.app[STORE], day, zone)
    return json_response({"date": day.isoformat(), "timezone": zone_name, "entries": entries})


async def media_library(request: web.Request) -> web.StreamResponse:
    limit, offset = library.page_bounds(request.query.get("limit"), request.query.get("offset"))
    count, results = library.media_library_page(request.app[STORE], limit, offset)
    url = request.url

    def page(at: int) -> str:
        return str(url.update_query(limit=limit, offset=at))

    return json_response(
        {
            "count": count,
            "next": page(offset + limit) if offset + limit < count else None,
            "previous": page(max(0, offset - limit)) if offset > 0 else None,
            "results": results,
        }
    )


async def voice_tracks(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    if request.content_type != "multipart/form-data":
        raise IntegrationError(
            415, "voice-tracks takes multipart/form-data", {"body": ["Send multipart/form-data with a file."]}
        )
    body = await parse_body(request)
    upload_part = body.files.get("file")
    upload = library.Upload(upload_part.filename, upload_part.content_type, upload_part.data) if upload_part else None
    errors: dict[str, list[str]] = {}
    if problems := library.check_upload(upload):
        errors["file"] = problems
    title = body.data.get("title", "")
    if not title.strip():
        errors["title"] = ["This field is required."]
    for name, limit in (("title", 512), ("description", 512), ("artist_name", 512), ("genre", 64)):
        if len(body.data.get(name, "")) > limit:
            errors[name] = [f"Ensure this field has no more than {limit} characters."]
    if errors:
        raise IntegrationError(400, next(f"{k}: {v[0]}" for k, v in errors.items()), errors)
    assert upload is not None
    fields = {k: body.data.get(k) or None for k in ("description", "artist_name", "genre", "duration")}
    row = library.create_voice_track(store, upload, {"title": title, **fields})
    return json_response({"success": True, "library_id": row["id"], "file": render(FILES, row, store)}, status=201)


async def sync_status(request: web.Request) -> web.StreamResponse:
    config, store = request.app[CONFIG], request.app[STORE]
    return json_response(
        {
            "status": "ok",
            "api_version": config.api_version,
            "station_name": config.station_name,
            "files": len(store.files),
            "schedule_items": len(store.schedule),
            "server_time": timeconv.format_datetime(datetime.now(UTC)),
        }
    )


def _bound(raw: str | None, name: str, *, end: bool, errors: dict[str, list[str]]) -> datetime | None:
    if raw in (None, ""):
        return None
    day = timeconv.parse_date(raw)
    if day is not None and "T" not in raw:
        # A date alone covers the whole UTC day on either side (the range is inclusive).
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + timedelta(days=1, microseconds=-1) if end else start
    value = timeconv.parse_datetime(raw)
    if value is None:
        errors[name] = ["Enter a valid date/time."]
    return value


async def playout_history_full(request: web.Request) -> web.StreamResponse:
    errors: dict[str, list[str]] = {}
    start = _bound(request.query.get("start"), "start", end=False, errors=errors)
    end = _bound(request.query.get("end"), "end", end=True, errors=errors)
    if errors:
        raise IntegrationError(400, "invalid query", errors)
    results = playout.history_full(request.app[STORE], start, end)
    return json_response({"count": len(results), "results": results})


def routes() -> list[tuple[str, Handler]]:
    return [
        (f"{BASE}/schedule/replace-day", endpoint({"POST": replace_day})),
        (f"{BASE}/schedule/replace-hour", endpoint({"POST": replace_hour})),
        (f"{BASE}/schedule", endpoint({"GET": read_schedule})),
        (f"{BASE}/media-library", endpoint({"GET": media_library})),
        (f"{BASE}/voice-tracks", endpoint({"POST": voice_tracks})),
        (f"{BASE}/sync-status", endpoint({"GET": sync_status})),
        ("/api/v2/playout-history/playout-history-full", endpoint({"GET": playout_history_full})),
    ]
