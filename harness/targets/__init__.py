"""Where scenarios run, one module per kind of target.

``stub``: both services in-process, fresh per scenario. ``fresh``: a deployment whose services
can both be reset (the compose stack, or LibreLog and the stub as processes). ``sandbox``: a
deployment with a real LibreTime, written to only on the sandbox dates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import (
    DEFAULT_SANDBOX,
    SANDBOX_DAYS,
    LiveConfig,
    Target,
    env_sandbox,
    environment,
    libretime_of,
    scenario_sandbox,
)

if TYPE_CHECKING:  # what the lazy names below are, for type checkers and readers
    from .fresh import fresh_target, librelog_overrides
    from .sandbox import sandbox_target
    from .stub import STUB_KEY, stub_target

# The targets themselves load on first use: the stub target starts both stubs, whose modules (and
# aiohttp's) a command that only reads scenario files never needs.
_LAZY = {
    "fresh_target": "fresh",
    "librelog_overrides": "fresh",
    "sandbox_target": "sandbox",
    "STUB_KEY": "stub",
    "stub_target": "stub",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_SANDBOX",
    "SANDBOX_DAYS",
    "STUB_KEY",
    "LiveConfig",
    "Target",
    "env_sandbox",
    "environment",
    "fresh_target",
    "librelog_overrides",
    "libretime_of",
    "sandbox_target",
    "scenario_sandbox",
    "stub_target",
]
