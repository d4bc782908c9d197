"""Running LibreLog in-process on a free loopback port (tests, the harness)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from ..serve import serve
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
    async with serve(app, host, port) as base_url:
        yield RunningLibreLog(base_url=base_url, app=app, settings=settings)
