"""Running LibreLog in-process on a free loopback port (tests, the harness)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from .app import create_app
from .appkeys import DB
from .config import Settings
from .db import Database


@dataclass(frozen=True)
class RunningLibreLog:
    base_url: str
    app: web.Application
    settings: Settings

    @property
    def db(self) -> Database:
        return self.app[DB]


@asynccontextmanager
async def run_librelog(settings: Settings, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[RunningLibreLog]:
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield RunningLibreLog(base_url=f"http://{bound_host}:{bound_port}", app=app, settings=settings)
    finally:
        await runner.cleanup()
