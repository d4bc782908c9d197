"""Typed application state (aiohttp AppKeys)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from .config import Settings
from .db import Database
from .libretime.client import LibreTimeClient
from .libretime.flavors import Flavor
from .locks import KeyedLocks

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
CLIENT = web.AppKey("client", LibreTimeClient)
FLAVOR = web.AppKey("flavor", Flavor)
LOCKS = web.AppKey("locks", KeyedLocks)
VOICE_DIR = web.AppKey("voice_dir", Path)
