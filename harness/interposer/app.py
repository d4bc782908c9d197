"""The interposer's application: journal → faults → forward, and its control plane.

The journal and the faults are the LibreTime stub's own (``stubs.libretime.journal`` and
``faults``), with the same rule format and the same journal entries, so a scenario's fault and
journal steps mean the same against the stub and against a real LibreTime behind the interposer.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from stubs.libretime.appkeys import FAULTS, JOURNAL
from stubs.libretime.body import multipart_summary
from stubs.libretime.errors import StubError, json_response
from stubs.libretime.faults import FAULT_KEY, ConnectionDropped, FaultRegistry, middleware
from stubs.libretime.journal import Journal
from stubs.libretime.routes import control
from stubs.redaction import Redactor

from .config import InterposerConfig
from .forward import forward
from .keys import CONFIG, SESSION

ADMIN_PREFIX = "/__interposer__"


@web.middleware
async def errors(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    try:
        return await handler(request)
    except StubError as exc:  # the control plane's refusals, in the stub's own shape
        return exc.response()


@web.middleware
async def journal(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
    if request.path.startswith(ADMIN_PREFIX):
        return await handler(request)
    started, perf = time.time(), time.perf_counter()
    status: int | None = None
    raw = await request.read()  # cached: the forwarder reads the same bytes
    try:
        try:
            response = await handler(request)
        except ConnectionDropped:
            return web.Response(status=499)  # the fault closed the socket: nothing is sent
        status = response.status
        return response
    finally:
        request.app[JOURNAL].record_request(
            request,
            body=raw,
            body_summary=multipart_summary(raw, request.headers.get("Content-Type", ""))
            if request.content_type == "multipart/form-data"
            else None,
            status=status,
            fault=request.get(FAULT_KEY),
            started=started,
            perf_started=perf,
        )


async def health(request: web.Request) -> web.StreamResponse:
    return json_response({"interposer": True, "upstream": request.app[CONFIG].upstream})


async def reset(request: web.Request) -> web.StreamResponse:
    request.app[FAULTS].clear()
    request.app[JOURNAL].clear()
    return json_response({"reset": True})


async def _session(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    timeout = aiohttp.ClientTimeout(total=config.upstream_timeout_s)
    # Bytes pass through as LibreTime sent them (no decompression), and no cookie is kept between clients.
    async with aiohttp.ClientSession(
        timeout=timeout, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        app[SESSION] = session
        yield
    app[FAULTS].shutdown.set()  # release requests held by delay and timeout faults


def create_app(config: InterposerConfig) -> web.Application:
    faults = middleware(FAULTS, ADMIN_PREFIX, lambda app: app[CONFIG].timeout_fault_s)
    app = web.Application(middlewares=[errors, journal, faults], client_max_size=1024**3)
    app[CONFIG] = config
    app[FAULTS] = FaultRegistry(config.fault_seed)
    app[JOURNAL] = Journal(config.journal_limit, Redactor(config.secrets))
    app.cleanup_ctx.append(_session)
    r = app.router
    r.add_get(f"{ADMIN_PREFIX}/health", health)
    r.add_post(f"{ADMIN_PREFIX}/reset", reset)
    r.add_post(f"{ADMIN_PREFIX}/faults", control.add_fault)
    r.add_get(f"{ADMIN_PREFIX}/faults", control.list_faults)
    r.add_delete(f"{ADMIN_PREFIX}/faults", control.clear_faults)
    r.add_delete(f"{ADMIN_PREFIX}/faults/{{id}}", control.delete_fault)
    r.add_get(f"{ADMIN_PREFIX}/journal", control.journal)
    r.add_delete(f"{ADMIN_PREFIX}/journal", control.clear_journal)
    r.add_route("*", "/{tail:.*}", forward)
    return app
