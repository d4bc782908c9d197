"""Running an interposer in-process: on a given address, or a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from stubs.serve import serve

from .app import ADMIN_PREFIX, create_app
from .config import InterposerConfig


@dataclass(frozen=True)
class RunningInterposer:
    base_url: str  # what LibreLog's LibreTime URL is set to
    app: web.Application
    config: InterposerConfig

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN_PREFIX


@asynccontextmanager
async def run_interposer(
    config: InterposerConfig, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningInterposer]:
    app = create_app(config)
    async with serve(app, host, port) as base_url:
        yield RunningInterposer(base_url=base_url, app=app, config=config)
