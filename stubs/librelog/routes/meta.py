from __future__ import annotations

from aiohttp import web

from ..appkeys import DB, VOICE_DIR
from ..openapi import document
from .common import json_response

RESET_ORDER = ("log_entries", "logs", "playback_history", "voice_tracks", "tracks", "sync_state")


async def health(request: web.Request) -> web.StreamResponse:
    return json_response({"status": "ok"})


async def openapi(request: web.Request) -> web.StreamResponse:
    return json_response(document())


async def reset_everything(request: web.Request) -> web.StreamResponse:
    """Wipe every table and voice file (test deployments only, see Settings.test_reset)."""
    async with request.app[DB].write() as conn:
        for table in RESET_ORDER:
            await conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    for path in request.app[VOICE_DIR].iterdir():
        if path.is_file():
            path.unlink()
    return json_response({"reset": True})


def add_routes(app: web.Application, *, test_reset: bool = False) -> None:
    app.router.add_get("/health", health)
    app.router.add_get("/openapi.json", openapi)
    if test_reset:
        app.router.add_post("/__test__/reset", reset_everything)
