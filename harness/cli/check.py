"""``librelog-verify check``: the schedule check's command line lives with the check
(``harness/station/command.py``); this module registers it beside the other commands."""

from __future__ import annotations

from ..station.command import add_parser

__all__ = ["add_parser"]
