"""Where scenarios run, one module per kind of target.

``stub``: both services in-process, fresh per scenario. ``fresh``: a deployment whose services
can both be reset (the compose stack, or LibreLog and the stub as processes). ``sandbox``: a
deployment with a real LibreTime, written to only on the sandbox dates.
"""

from __future__ import annotations

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
from .fresh import fresh_target, librelog_overrides
from .sandbox import sandbox_target
from .stub import STUB_KEY, stub_target

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
