"""Running the stub in-process (tests, the harness) on a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from .app import create_app
from .appkeys import STORE
from .config import StubConfig
from .store import Store


@dataclass(frozen=True)
class RunningStub:
    base_url: str
    app: web.Application
    config: StubConfig

    @property
    def store(self) -> Store:
        return self.app[STORE]


@asynccontextmanager
async def run_stub(
    config: StubConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningStub]:
    config = config or StubConfig()
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield RunningStub(base_url=f"http://{bound_host}:{bound_port}", app=app, config=config)
    finally:
        await runner.cleanup()
