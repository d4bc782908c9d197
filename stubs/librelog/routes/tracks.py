from __future__ import annotations

from aiohttp import web

from .. import ids
from ..appkeys import DB
from ..errors import invalid
from ..services import tracks
from ..typemap import TYPES, parse_type
from .common import json_response, path_id, query_int, read_json


async def list_tracks(request: web.Request) -> web.StreamResponse:
    q = request.query
    if "type" in q and parse_type(q["type"]) is None:
        raise invalid("type", f"One of {', '.join(TYPES)}.")
    libretime_id = None
    if "libretime_id" in q:
        libretime_id = ids.path_id(q["libretime_id"])
        if libretime_id is None:
            raise invalid("libretime_id", f"An integer from 1 to {ids.MAX_ID}.")
    return json_response(
        await tracks.list_tracks(
            request.app[DB],
            type_=q.get("type"),
            search=q.get("search") or None,
            libretime_id=libretime_id,
            limit=query_int(request, "limit", 100, low=1, high=1000),
            offset=query_int(request, "offset", 0, low=0, high=10**9),
        )
    )


async def get_track(request: web.Request) -> web.StreamResponse:
    return json_response(await tracks.get_track(request.app[DB], path_id(request)))


async def create_track(request: web.Request) -> web.StreamResponse:
    return json_response(await tracks.create_track(request.app[DB], await read_json(request)), status=201)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/tracks", list_tracks)
    app.router.add_post("/tracks", create_track)
    app.router.add_get("/tracks/{id}", get_track)
