"""Which scenario folders a run uses: the suite shipped in the package, or the user's own.

The built-in suite is package data (the ``scenarios`` package), so ``librelog-verify run`` finds
it from any directory, in a checkout and in an installed package alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

BUILTIN = "builtin"


def builtin_suite() -> Path:
    """The folder of the shipped scenarios: the ``scenarios`` package installed beside ``harness``
    (the checkout's own folder in an editable install). Found by location, not imported by name:
    a ``scenarios`` folder in the caller's directory must never stand in for it."""
    return Path(__file__).resolve().parent.parent.parent / "scenarios"


def scenario_dirs(given: Iterable[str | Path] | None) -> list[Path]:
    """The folders a run reads: the built-in suite unless folders are given; ``builtin`` names it."""
    chosen = list(given or [BUILTIN])
    return [builtin_suite() if str(d) == BUILTIN else Path(d) for d in chosen]
