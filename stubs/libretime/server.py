"""Running the stub in-process (tests, the harness) on a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from ..serve import serve
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
    async with serve(app, host, port) as base_url:
        yield RunningStub(base_url=base_url, app=app, config=config)
