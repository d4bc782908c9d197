from __future__ import annotations

from aiohttp import web

from ..appkeys import DB, LOCKS, RUNTIME
from ..services import sync
from .common import json_response, read_json


async def sync_tracks(request: web.Request) -> web.StreamResponse:
    limit, batch = sync.sync_params(request.query.get("limit"), request.query.get("batch_size"))
    async with request.app[LOCKS](("sync", "tracks")):
        return json_response(await sync.sync_tracks(request.app[DB], request.app[RUNTIME].flavor, limit, batch))


async def sync_history(request: web.Request) -> web.StreamResponse:
    body = await read_json(request)
    async with request.app[LOCKS](("sync", "history")):
        result = await sync.sync_history(
            request.app[DB], request.app[RUNTIME].flavor, body, request.app[RUNTIME].settings.station_timezone
        )
    return json_response(result)


async def list_history(request: web.Request) -> web.StreamResponse:
    q = request.query
    return json_response(
        await sync.list_history(
            request.app[DB], q.get("start"), q.get("end"), request.app[RUNTIME].settings.station_timezone
        )
    )


async def status(request: web.Request) -> web.StreamResponse:
    return json_response(
        await sync.sync_status(request.app[DB], request.app[RUNTIME].client, request.app[RUNTIME].settings)
    )


async def config(request: web.Request) -> web.StreamResponse:
    return json_response(sync.libretime_config(request.app[RUNTIME].settings))


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/sync/tracks", sync_tracks)
    r.add_post("/sync/playback-history", sync_history)
    r.add_get("/playback-history", list_history)
    r.add_get("/sync/status", status)
    r.add_get("/sync/libretime/config", config)
