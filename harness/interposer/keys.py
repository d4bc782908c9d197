"""Typed application state of one interposer (aiohttp AppKeys): no module globals."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from .config import InterposerConfig

CONFIG = web.AppKey("interposer_config", InterposerConfig)
SESSION = web.AppKey("interposer_session", aiohttp.ClientSession)
