"""JSON: the whole result, for scripts and for the report (which adds each day's timeline); for
many stations, a list with one result per station."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..result import CheckResult


def render(results: Sequence[CheckResult], previous: Path | None = None, many: bool = False) -> str:
    doc = [r.as_json() for r in results] if many else results[0].as_json()
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
