"""``librelog-verify drift``: the drift check's command line lives with its probes
(``harness/drift/command.py``); this module registers it beside the other commands."""

from __future__ import annotations

from ..drift.command import add_parser

__all__ = ["add_parser"]
