"""JSON: the whole result, for scripts and for the report (which adds each day's timeline)."""

from __future__ import annotations

import json
from pathlib import Path

from ..result import CheckResult


def render(result: CheckResult, previous: Path | None = None) -> str:
    return json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"
