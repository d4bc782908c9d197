"""The schedule check's outputs, one module per format; ``render`` picks one by name.

One station gives the format as it always was; many stations (``--stations``) give one output
holding them all, each station named: a JSON list, one JUnit suite per station, a ``station``
label on every Prometheus series, a table per station.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..result import CheckResult
from . import document, junit, prometheus, table

Renderer = Callable[[Sequence[CheckResult], Path | None, bool], str]
FORMATS: dict[str, Renderer] = {
    "table": table.render,
    "json": document.render,
    "junit": junit.render,
    "prometheus": prometheus.render,
}
MACHINE_FORMATS = ("json", "junit", "prometheus")


def render(name: str, result: CheckResult | Sequence[CheckResult], previous: Path | None = None) -> str:
    """The result (or, for many stations, the results) as text; ``previous`` is the file this output
    replaces (Prometheus carries each station's last-success timestamp over when it could not check)."""
    if isinstance(result, CheckResult):
        return FORMATS[name]([result], previous, False)
    return FORMATS[name](result, previous, True)
