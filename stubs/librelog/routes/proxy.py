from __future__ import annotations

from typing import Any

import httpx
from aiohttp import web

from ..appkeys import RUNTIME
from ..errors import NotFound
from ..libretime.errors import LibreTimeBadResponse, LibreTimeTimeout, LibreTimeUnreachable, Upstream
from ..services import proxy
from .common import json_response, path_id


async def dashboard(request: web.Request) -> web.StreamResponse:
    app = request.app
    return json_response(await proxy.dashboard(app[RUNTIME].client, app[RUNTIME].flavor, app[RUNTIME].settings))


async def _file_mime(client: Any, file_id: int) -> str | None:
    row = await client.get_json(f"/api/v2/files/{file_id}", shape=dict)
    mime = row.get("mime")
    return mime if isinstance(mime, str) and "/" in mime else None


async def file(request: web.Request) -> web.StreamResponse:
    """Stream a LibreTime file's bytes; an API-port answer (header, no bytes) is a clear 502."""
    file_id = path_id(request)
    client = request.app[RUNTIME].client
    path = f"/api/v2/files/{file_id}/download"
    try:
        async with client.stream("GET", path) as upstream:
            if upstream.status_code == 404:
                raise NotFound(f"LibreTime has no file {file_id}.", {"libretime_file_id": file_id})
            if upstream.status_code != 200:
                await upstream.aread()
                raise client.status_error("GET", path, upstream)
            accel = upstream.headers.get("X-Accel-Redirect")
            if accel is not None and upstream.headers.get("Content-Length", "0") == "0":
                raise LibreTimeBadResponse(
                    "LibreTime answered with an X-Accel-Redirect header and no bytes: LibreLog is talking to"
                    " LibreTime's API port, not its nginx front. Point LIBRETIME_INTERNAL_URL at nginx"
                    " (e.g. http://nginx:8080).",
                    Upstream("GET", path, 200, f"X-Accel-Redirect: {accel}"),
                )
            content_type = upstream.headers.get("Content-Type", "")
            if not content_type.startswith(("audio/", "video/")):
                # LibreTime's own download answers "text/html" (its API's default), which nginx keeps
                # when it serves the file: the file's mime, as LibreTime analysed it, says what it is.
                content_type = await _file_mime(client, file_id) or "application/octet-stream"
            response = web.StreamResponse(headers={"Content-Type": content_type})
            if "Content-Length" in upstream.headers:
                response.content_length = int(upstream.headers["Content-Length"])
            await response.prepare(request)
            async for chunk in upstream.aiter_bytes(256 * 1024):
                await response.write(chunk)
            await response.write_eof()
            return response
    except httpx.TimeoutException as exc:
        raise LibreTimeTimeout(
            f"LibreTime did not send file {file_id} in time ({type(exc).__name__})", Upstream("GET", path)
        ) from None
    except httpx.TransportError as exc:
        raise LibreTimeUnreachable(
            f"Cannot reach LibreTime for file {file_id}: {client.redact(str(exc))}", Upstream("GET", path)
        ) from None


def add_routes(app: web.Application) -> None:
    app.router.add_get("/proxy/dashboard", dashboard)
    app.router.add_get("/proxy/files/{id}", file)
