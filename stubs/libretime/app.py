"""The application factory: state, middlewares (journal → faults → nginx face → errors) and routes."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from wsgiref.handlers import format_date_time

from aiohttp import web

from ..redaction import Redactor
from . import fixtures, media
from .appkeys import ANALYZER, CONFIG, FAULTS, JOURNAL, STORE, TAMPER
from .body import BODY_KEY
from .config import StubConfig
from .errors import (
    DJANGO_404,
    NGINX_404,
    NGINX_413,
    StubError,
    html_response,
    nginx_page,
    upstream_500,
)
from .faults import FAULT_KEY, ConnectionDropped, FaultRegistry, middleware
from .journal import Journal
from .routes import control, integration, legacy, v2
from .store import Store
from .tamper import TamperSwitch

log = logging.getLogger("stubs.libretime")
CONTROL_PREFIX = "/__stub__"


@web.middleware
async def journal_middleware(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    if request.path.startswith(CONTROL_PREFIX):
        return await handler(request)
    started, perf = time.time(), time.perf_counter()
    raw: bytes | None = None
    status: int | None = None
    try:
        if request.body_exists and request.content_type != "multipart/form-data":
            try:
                raw = await request.read()  # cached: handlers read the same bytes
            except web.HTTPRequestEntityTooLarge:
                response: web.StreamResponse = nginx_page(NGINX_413, 413)
                status = 413
                return response
        try:
            response = await handler(request)
        except ConnectionDropped:
            # The fault already closed the socket; aiohttp's write of this placeholder is a no-op.
            return web.Response(status=499)
        status = response.status
        return response
    finally:
        parsed = request.get(BODY_KEY)
        request.app[JOURNAL].record_request(
            request,
            body=raw,
            body_summary=parsed.summary() if parsed is not None and parsed.files else None,
            status=status,
            fault=request.get(FAULT_KEY),
            started=started,
            perf_started=perf,
        )


@web.middleware
async def nginx_middleware(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    """nginx in front of LibreTime: serve X-Accel-Redirect targets, hide the internal location.

    nginx keeps the API's own headers (its ``text/html`` label included) and adds the file's:
    length, modification time and ETag (``"<mtime hex>-<size hex>"``)."""
    if request.path.startswith(media.MEDIA_PREFIX.rstrip("/")):
        return nginx_page(NGINX_404, 404)  # `internal;` location: not reachable from outside
    response = await handler(request)
    target = response.headers.get("X-Accel-Redirect")
    if target is None:
        return response
    store = request.app[STORE]
    filepath = media.filepath_from_accel(target)
    data = store.blobs.get(filepath) if filepath else None
    if data is None:
        return nginx_page(NGINX_404, 404)
    written = store.blob_times.get(filepath or "") or datetime.now(UTC)
    stamp = int(written.timestamp())
    served = web.Response(
        body=data,
        headers={
            "Last-Modified": format_date_time(stamp),
            "ETag": f'"{stamp:x}-{len(data):x}"',
            "Accept-Ranges": "bytes",
        },
    )
    served.content_type, served.charset = "text/html", "utf-8"
    return served


@web.middleware
async def error_middleware(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    try:
        return await handler(request)
    except StubError as exc:
        return exc.response()
    except web.HTTPNotFound:
        return html_response(DJANGO_404, 404)  # Django's page for unknown routes and trailing slashes
    except web.HTTPRequestEntityTooLarge:
        return nginx_page(NGINX_413, 413)
    except (ConnectionDropped, web.HTTPException):
        raise
    except Exception:
        # A stub bug: logged with its traceback, answered as upstream answers its own crashes.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return upstream_500().response()


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    if config.state_file is not None and config.state_file.exists():
        app[STORE].load_file(config.state_file)
    if config.fixture:
        fixtures.FIXTURES[config.fixture](app[STORE])
    yield
    app[FAULTS].shutdown.set()  # release requests held by delay/timeout faults
    for handle in app[ANALYZER]:
        handle.cancel()
    if config.state_file is not None:
        app[STORE].save_file(config.state_file)


def create_app(config: StubConfig | None = None) -> web.Application:
    config = config or StubConfig()
    if config.fixture is not None and config.fixture not in fixtures.FIXTURES:
        raise ValueError(f"unknown fixture {config.fixture!r}; known: {', '.join(sorted(fixtures.FIXTURES))}")
    faults = middleware(FAULTS, CONTROL_PREFIX, lambda app: app[CONFIG].timeout_fault_s)
    middlewares = [journal_middleware, faults]
    if config.face == "nginx":
        middlewares.append(nginx_middleware)
    middlewares.append(error_middleware)
    app = web.Application(middlewares=middlewares, client_max_size=config.max_body_bytes)
    app[CONFIG] = config
    app[STORE] = Store()
    app[STORE].user_ids = set(range(1, len(config.users) + 1))  # the configured users, as ids 1..n
    app[FAULTS] = FaultRegistry(config.fault_seed)
    app[JOURNAL] = Journal(config.journal_limit, Redactor([config.api_key, *config.users.values()]))
    app[ANALYZER] = set()
    app[TAMPER] = TamperSwitch()
    app.cleanup_ctx.append(_lifecycle)
    if config.control_plane:
        control.add_routes(app)
    v2.add_routes(app, integration.routes())
    if config.face == "nginx":
        legacy.add_routes(app)
    return app
