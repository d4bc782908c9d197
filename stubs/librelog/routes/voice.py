from __future__ import annotations

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from ..appkeys import DB, LOCKS, RUNTIME, VOICE_DIR
from ..errors import invalid
from ..services import voice
from .common import json_response, path_id


async def upload(request: web.Request) -> web.StreamResponse:
    if request.content_type != "multipart/form-data":
        raise invalid("file", "Send multipart/form-data with an audio file in the 'file' field.")
    try:
        received = await voice.receive(
            await request.multipart(), request.app[VOICE_DIR], request.app[RUNTIME].settings.max_upload_bytes
        )
    except (ValueError, HttpProcessingError) as exc:  # no boundary, a part aiohttp cannot parse
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise invalid("body", f"Not a readable multipart/form-data body: {reason[:200]}") from None
    return json_response(await voice.create_voice(request.app[DB], request.app[VOICE_DIR], received), status=201)


async def list_voice(request: web.Request) -> web.StreamResponse:
    return json_response(await voice.list_voice(request.app[DB]))


async def get_voice(request: web.Request) -> web.StreamResponse:
    return json_response(await voice.get_voice(request.app[DB], path_id(request)))


async def voice_file(request: web.Request) -> web.StreamResponse:
    path, mime, filename = await voice.voice_file(request.app[DB], request.app[VOICE_DIR], path_id(request))
    return web.FileResponse(
        path, headers={"Content-Type": mime, "Content-Disposition": f'attachment; filename="{filename}"'}
    )


async def upload_to_libretime(request: web.Request) -> web.StreamResponse:
    app = request.app
    result = await voice.upload_to_libretime(
        app[DB], app[RUNTIME].client, app[RUNTIME].flavor, app[LOCKS], app[VOICE_DIR], path_id(request)
    )
    return json_response(result)


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/voice", upload)
    r.add_get("/voice", list_voice)
    r.add_get("/voice/{id}", get_voice)
    r.add_get("/voice/{id}/file", voice_file)
    r.add_post("/voice/{id}/upload-to-libretime", upload_to_libretime)
