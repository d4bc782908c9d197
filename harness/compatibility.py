"""Which LibreTime calls stock LibreTime answers: a concrete call (method and path) matched against
stock LibreTime 4.5's own OpenAPI document (the one the stub is built from) and the legacy app's
media API behind nginx. A call to the integration extension of a private fork, or to a path
LibreTime never served, is not answered."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from .api_coverage import literal_segments, matches

# The legacy app's media API behind nginx: stock, though not in the v2 document.
LEGACY = (
    ("POST", "/rest/media"),
    ("GET", "/rest/media"),
    ("GET", "/rest/media/{id}"),
    ("PUT", "/rest/media/{id}"),
    ("DELETE", "/rest/media/{id}"),
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@cache
def stock_operations() -> tuple[tuple[str, str], ...]:
    text = resources.files("stubs.libretime").joinpath("data/libretime-openapi.yml").read_text()
    paths = yaml.safe_load(text).get("paths", {})
    return (*((m.upper(), p) for p, item in paths.items() for m in item if m.upper() in METHODS), *LEGACY)


def operation(method: str, path: str) -> tuple[str, bool]:
    """The operation a concrete call is (its template, the most literal one that matches), and
    whether stock LibreTime has it."""
    found = [p for m, p in stock_operations() if m == method.upper() and matches(p, path)]
    if found:
        return max(found, key=literal_segments), True
    return path.split("?")[0], False
