"""A LibreTime stub faithful to upstream's quirks, with fault injection and a request journal."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .config import StubConfig

if TYPE_CHECKING:  # what the lazy names below are, for type checkers and readers
    from .app import create_app
    from .server import RunningStub, run_stub

# The app and its server load on first use: code that only reads the stub's fixtures or schema
# (the harness checking scenario files, say) never needs aiohttp's server.
_LAZY = {"create_app": "app", "RunningStub": "server", "run_stub": "server"}

__all__ = ["RunningStub", "StubConfig", "create_app", "run_stub"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
