from __future__ import annotations

from aiohttp import web

from ..openapi import document
from .common import json_response


async def health(request: web.Request) -> web.StreamResponse:
    return json_response({"status": "ok"})


async def openapi(request: web.Request) -> web.StreamResponse:
    return json_response(document())


def add_routes(app: web.Application) -> None:
    app.router.add_get("/health", health)
    app.router.add_get("/openapi.json", openapi)
