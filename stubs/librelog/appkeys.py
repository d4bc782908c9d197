"""Typed application state (aiohttp AppKeys)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from .config import Settings
from .db import Database
from .libretime.client import LibreTimeClient
from .libretime.flavors import Flavor, make_flavor
from .locks import KeyedLocks

DB = web.AppKey("db", Database)
LOCKS = web.AppKey("locks", KeyedLocks)
VOICE_DIR = web.AppKey("voice_dir", Path)


@dataclass
class Runtime:
    """What LibreLog talks to LibreTime with. One mutable holder (aiohttp freezes app state at
    start-up), so a test stack can switch settings between scenarios (/__test__/reset)."""

    settings: Settings
    client: LibreTimeClient
    flavor: Flavor
    initial: Settings

    @classmethod
    def build(cls, settings: Settings, transport: Any = None) -> Runtime:
        client = LibreTimeClient(settings, transport=transport)
        return cls(settings, client, make_flavor(settings.flavor, client), settings)

    async def reconfigure(self, settings: Settings) -> None:
        old = self.client
        self.client = LibreTimeClient(settings)
        self.settings, self.flavor = settings, make_flavor(settings.flavor, self.client)
        await old.aclose()


RUNTIME = web.AppKey("runtime", Runtime)
