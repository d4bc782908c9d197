"""The LibreLog application factory: settings in, aiohttp app out."""

from __future__ import annotations

import hmac
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from aiohttp import web

from .appkeys import DB, LOCKS, RUNTIME, VOICE_DIR, Runtime
from .config import Settings
from .db import Database
from .errors import ApiError, FileTooLarge, NotFound, Unauthorized
from .libretime.errors import LibreTimeError
from .locks import KeyedLocks
from .routes import logs, meta, proxy, sync, tracks, voice
from .routes.common import json_response

log = logging.getLogger("librelog")


@web.middleware
async def error_middleware(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    """Every failure leaves as ``{"error", "message", "details"}`` with the right status."""
    try:
        return await handler(request)
    except ApiError as exc:
        return json_response(exc.body(), exc.status)
    except LibreTimeError as exc:
        details = {"upstream": exc.upstream.as_dict() if exc.upstream else None, **getattr(exc, "extra", {})}
        log.warning("%s %s failed: %s", request.method, request.path, exc.message)
        return json_response({"error": exc.code, "message": exc.message, "details": details}, exc.status)
    except web.HTTPRequestEntityTooLarge as exc:
        error = FileTooLarge(f"The request body is over the {exc.max_size} byte limit.", {"limit_bytes": exc.max_size})
        return json_response(error.body(), error.status)
    except web.HTTPNotFound:
        error = NotFound(f"No route {request.method} {request.path}.")
        return json_response(error.body(), error.status)
    except web.HTTPMethodNotAllowed as exc:
        body = {
            "error": "method_not_allowed",
            "message": f"{request.method} is not allowed on {request.path}.",
            "details": {"allowed": sorted(exc.allowed_methods)},
        }
        response = json_response(body, 405)
        response.headers["Allow"] = ", ".join(sorted(exc.allowed_methods))  # RFC 9110 requires it on a 405
        return response
    except web.HTTPException:
        raise
    except Exception as exc:
        log.exception("unhandled error on %s %s", request.method, request.path)
        body = {
            "error": "internal_error",
            "message": f"Unexpected {type(exc).__name__}; see the server log.",
            "details": {},
        }
        return json_response(body, 500)


@web.middleware
async def auth_middleware(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    token = request.app[RUNTIME].settings.api_token
    if token and not (request.method == "GET" and request.path == "/health"):
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise Unauthorized("Missing or wrong LibreLog token: send Authorization: Bearer <LIBRELOG_API_TOKEN>.")
    return await handler(request)


def _voice_dir(settings: Settings) -> tuple[Path, Path | None]:
    """Voice files live next to the database; an in-memory database gets a temporary folder."""
    if settings.db_path == ":memory:":
        temp = Path(tempfile.mkdtemp(prefix="librelog-voice-"))
        return temp, temp
    folder = Path(settings.db_path).resolve().parent / "voice"
    folder.mkdir(parents=True, exist_ok=True)
    return folder, None


def create_app(settings: Settings, *, libretime_transport: httpx.AsyncBaseTransport | None = None) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware, auth_middleware],
        client_max_size=settings.max_upload_bytes + 1024 * 1024,
    )
    app[LOCKS] = KeyedLocks()

    async def resources(app: web.Application) -> AsyncIterator[None]:
        app[DB] = await Database.open(settings.db_path)
        app[VOICE_DIR], temp_dir = _voice_dir(settings)
        app[RUNTIME] = Runtime.build(settings, libretime_transport)
        try:
            yield
        finally:
            await app[RUNTIME].client.aclose()
            await app[DB].close()
            if temp_dir is not None:
                shutil.rmtree(temp_dir, ignore_errors=True)

    app.cleanup_ctx.append(resources)
    meta.add_routes(app, test_reset=settings.test_reset)
    for module in (tracks, logs, voice, sync, proxy):
        module.add_routes(app)
    return app
