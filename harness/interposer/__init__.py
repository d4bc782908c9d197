"""The interposer: a recording, fault-injecting reverse proxy between LibreLog and a real LibreTime.

LibreLog's LibreTime URL points at it; it forwards every request to the one LibreTime it was
configured with, records what LibreTime was sent (the journal) and injects the LibreTime stub's
fault vocabulary, so the scenarios that read the journal or break LibreTime run against a real
LibreTime as they run against the stub. Its control plane is ``/__interposer__/`` (the stub's is
``/__stub__/``), in WireMock's words: ``faults``, ``journal``, ``reset``.
"""

from __future__ import annotations

from .app import ADMIN_PREFIX, create_app
from .config import InterposerConfig
from .server import RunningInterposer, run_interposer

__all__ = ["ADMIN_PREFIX", "InterposerConfig", "RunningInterposer", "create_app", "run_interposer"]
