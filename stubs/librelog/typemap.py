"""LibreTime track-type codes → LibreLog types: the one table every sync goes through."""

from __future__ import annotations

TYPES = ("MUS", "ADV", "PSA", "LIN", "INT", "PRO", "SHO", "IDS", "COM", "NEW", "VOT")
DEFAULT = "MUS"
# Codes stations commonly use for the same thing; everything else unknown falls back to MUS.
ALIASES = {"ID": "IDS", "STATIONID": "IDS", "AD": "ADV", "SPOT": "ADV", "VT": "VOT", "VOICE": "VOT"}


def map_type(code: str | None) -> tuple[str, str | None]:
    """(LibreLog type, warning or None) for a LibreTime code; unknown or missing → MUS + warning."""
    if code is None or not str(code).strip():
        return DEFAULT, "no track type in LibreTime"
    key = str(code).strip().upper()
    if key in TYPES:
        return key, None
    if key in ALIASES:
        return ALIASES[key], None
    return DEFAULT, f"unknown track type {code!r}"


def parse_type(value: object) -> str | None:
    """A LibreLog type code given by a client, any ASCII letter case (``"ı".upper()`` is ``"I"``:
    without the ASCII check "lın" would pass as LIN); None when it is not one."""
    if isinstance(value, str) and value.isascii() and value.upper() in TYPES:
        return value.upper()
    return None
