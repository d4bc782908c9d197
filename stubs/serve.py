"""Serving an aiohttp app in-process on a loopback port: shared by both stubs' runners."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web, web_app


@asynccontextmanager
async def serve(app: web.Application, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Start ``app`` (port 0 picks a free one), yield its base URL, clean up on exit."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        await runner.cleanup()
        _forget_handlers()


def _forget_handlers() -> None:
    """Drop aiohttp's process-wide cache of middleware-wrapped handlers.

    aiohttp memoises each (handler, app) pair it has served, up to 1,024 of them, which suits one
    long-lived app. A verification run starts two fresh apps per scenario, so the cache kept a hundred
    stopped apps alive, and the garbage collector walked them all on every full collection. The
    cache is private to aiohttp: where it is absent there is nothing to drop.
    """
    cached = getattr(web_app, "_cached_build_middleware", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
