"""Ids and numbers as LibreLog accepts them: what SQLite can store, never a 500 for what it cannot.

SQLite integers are signed 64-bit; a larger id in a path or a body would otherwise end in an
``OverflowError``. A path id out of range names nothing (404); a body id out of range is a 400.
"""

from __future__ import annotations

import math
import re
from typing import Any

_INTEGER = re.compile(r"^-?[0-9]{1,30}$")

MAX_ID = 2**63 - 1


def is_id(value: Any) -> bool:
    """A JSON integer (not a bool) from 1 to the largest id SQLite stores."""
    return type(value) is int and 1 <= value <= MAX_ID


def path_id(raw: str) -> int | None:
    """An id from a URL segment: ASCII digits only (no sign, spaces or ``_``), in range; else None."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if is_id(value) else None


def query_int(raw: str) -> int | None:
    """An integer query parameter as clients write one (``-3``, ``12``): not ``+3``, ``1_0`` or `` 7``."""
    return int(raw) if _INTEGER.match(raw) else None


def is_seconds(value: Any) -> bool:
    """A finite, non-negative JSON number (JSON from Python may carry NaN and Infinity)."""
    return type(value) in (int, float) and math.isfinite(value) and 0 <= value <= MAX_ID
