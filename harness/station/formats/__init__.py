"""The schedule check's outputs, one module per format; ``render`` picks one by name.

One station gives the format as it always was; many stations (``--stations``) give one output
holding them all, each station named: a JSON list, one JUnit suite per station, a ``station``
label on every Prometheus series, a table per station.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from ..result import CheckResult

# Each format by name, and the module that renders it: loaded when chosen, so that the command
# line (which lists the names) does not load the JUnit and Prometheus libraries for every command.
FORMATS: dict[str, str] = {
    "table": "table",
    "json": "document",
    "junit": "junit",
    "prometheus": "prometheus",
}
MACHINE_FORMATS = ("json", "junit", "prometheus")


def render(name: str, result: CheckResult | Sequence[CheckResult], previous: Path | None = None) -> str:
    """The result (or, for many stations, the results) as text; ``previous`` is the file this output
    replaces (Prometheus carries each station's last-success timestamp over when it could not check)."""
    module = importlib.import_module(f"{__name__}.{FORMATS[name]}")
    if isinstance(result, CheckResult):
        return module.render([result], previous, False)
    return module.render(result, previous, True)
