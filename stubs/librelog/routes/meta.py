from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web

from .. import timeconv
from ..appkeys import DB, RUNTIME, VOICE_DIR
from ..config import FLAVORS, Settings
from ..errors import FieldErrors
from ..openapi import document
from .common import json_response, read_json

RESET_ORDER = ("log_entries", "logs", "playback_history", "voice_tracks", "tracks", "sync_state")


async def health(request: web.Request) -> web.StreamResponse:
    return json_response({"status": "ok"})


async def openapi(request: web.Request) -> web.StreamResponse:
    return json_response(document(request.app[RUNTIME].settings))


def test_settings(base: Settings, raw: Any) -> Settings:
    """Start-up settings with a test scenario's overrides (every bad field reported at once)."""
    errors = FieldErrors()
    if not isinstance(raw, dict):
        errors.add("settings", "Expected an object.")
        errors.raise_if_any()
    allowed = {"libretime_url", "flavor", "station_timezone", "retries", "timeout_s", "api_key"}
    for key in sorted(set(raw) - allowed):
        errors.add(f"settings.{key}", f"Not adjustable; one of {', '.join(sorted(allowed))}.")
    url = raw.get("libretime_url", base.libretime_url)
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        errors.add("settings.libretime_url", "An http(s) URL or null.")
    if raw.get("flavor", base.flavor) not in FLAVORS:
        errors.add("settings.flavor", f"One of {', '.join(FLAVORS)}.")
    zone = raw.get("station_timezone", base.station_timezone)
    if not isinstance(zone, str) or timeconv.zone(zone) is None:
        errors.add("settings.station_timezone", "An IANA time zone.")
    retries, timeout = raw.get("retries", base.retries), raw.get("timeout_s", base.timeout_s)
    if type(retries) is not int or retries < 0:
        errors.add("settings.retries", "An integer, 0 or more.")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        errors.add("settings.timeout_s", "A positive number of seconds.")
    if not isinstance(raw.get("api_key", base.api_key), str):
        errors.add("settings.api_key", "A string.")
    errors.raise_if_any("Invalid test settings.")
    return replace(
        base,
        libretime_url=url,
        url_source=base.url_source if url is not None else None,
        flavor=raw.get("flavor", base.flavor),
        station_timezone=zone,
        retries=retries,
        timeout_s=float(timeout),
        api_key=raw.get("api_key", base.api_key),
    )


async def reset_everything(request: web.Request) -> web.StreamResponse:
    """Wipe every table and voice file, and apply a scenario's settings (start-up settings when
    none are given). Test deployments only, see Settings.test_reset."""
    runtime = request.app[RUNTIME]
    body = await read_json(request, required=False)
    settings = test_settings(runtime.initial, body.get("settings", {}) if isinstance(body, dict) else body)
    await runtime.reconfigure(settings)
    async with request.app[DB].write() as conn:
        for table in RESET_ORDER:
            await conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    for path in request.app[VOICE_DIR].iterdir():
        if path.is_file():
            path.unlink()
    return json_response({"reset": True, "flavor": settings.flavor, "libretime_url": settings.libretime_url})


def add_routes(app: web.Application, *, test_reset: bool = False) -> None:
    app.router.add_get("/health", health)
    app.router.add_get("/openapi.json", openapi)
    if test_reset:
        app.router.add_post("/__test__/reset", reset_everything)
