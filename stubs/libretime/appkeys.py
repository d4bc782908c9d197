"""Typed application state (aiohttp AppKeys): one set per stub instance, no module globals."""

from __future__ import annotations

import asyncio

from aiohttp import web

from .config import StubConfig
from .faults import FaultRegistry
from .journal import Journal
from .store import Store
from .tamper import TamperSwitch

CONFIG = web.AppKey("config", StubConfig)
STORE = web.AppKey("store", Store)
FAULTS = web.AppKey("faults", FaultRegistry)
JOURNAL = web.AppKey("journal", Journal)
TAMPER = web.AppKey("tamper", TamperSwitch)
# Pending analyzer runs (legacy uploads), cancelled at shutdown.
ANALYZER = web.AppKey("analyzer", set[asyncio.TimerHandle])
