"""The legacy PHP app's upload route (served only behind the nginx front, like upstream)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from .. import library
from ..appkeys import ANALYZER, CONFIG, STORE
from ..body import parse_body
from ..errors import DRFError, LegacyError, json_response
from ..render import render_legacy_file
from .dispatch import endpoint

UPLOAD_FAILED = "An error occurred while processing your upload. Please try again in a few minutes."


async def upload_media(request: web.Request) -> web.StreamResponse:
    app = request.app
    store = app[STORE]
    try:
        body = await parse_body(request)
    except DRFError:
        raise LegacyError(400, UPLOAD_FAILED) from None
    part = body.files.get("file")
    upload = library.Upload(part.filename, part.content_type, part.data) if part else None
    if library.check_upload(upload):
        raise LegacyError(400, UPLOAD_FAILED)
    assert upload is not None
    track_type_id = None
    raw_type = body.data.get("track_type_id")
    if raw_type not in (None, ""):
        try:
            track_type_id = int(raw_type)
        except ValueError:
            raise LegacyError(400, UPLOAD_FAILED) from None
        if store.libraries.get(track_type_id) is None:
            track_type_id = None
    row = library.legacy_upload(store, upload, track_type_id)
    response_body = render_legacy_file(row)

    def analyze() -> None:
        app[ANALYZER].discard(handle)
        library.finish_import(store, row["id"])

    handle = asyncio.get_running_loop().call_later(app[CONFIG].analyze_delay_s, analyze)
    app[ANALYZER].add(handle)
    return json_response(response_body, status=201)


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/rest/media", endpoint({"POST": upload_media}, "legacy"))
