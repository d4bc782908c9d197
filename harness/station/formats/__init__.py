"""The schedule check's outputs, one module per format; ``render`` picks one by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..result import CheckResult
from . import document, junit, prometheus, table

FORMATS: dict[str, Callable[[CheckResult, Path | None], str]] = {
    "table": table.render,
    "json": document.render,
    "junit": junit.render,
    "prometheus": prometheus.render,
}


def render(name: str, result: CheckResult, previous: Path | None = None) -> str:
    """The result as text; ``previous`` is the file this output replaces (Prometheus carries its
    last-success timestamp over when this run could not check)."""
    return FORMATS[name](result, previous)
