"""Allure result files written by hand, the shape the harness writes them in, for report tests:
a scenario's result with its steps, and a step's JSON (or picture) attachments."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any


def attach(folder: Path, name: str, value: Any) -> dict[str, str]:
    """An attachment beside the results: JSON for a value, a picture for bytes."""
    if isinstance(value, bytes):
        source = f"{uuid.uuid4()}-attachment.png"
        (folder / source).write_bytes(value)
        return {"name": name, "source": source, "type": "image/png"}
    source = f"{uuid.uuid4()}-attachment.json"
    (folder / source).write_text(json.dumps(value))
    return {"name": name, "source": source, "type": "application/json"}


def step(name: str, status: str, attachments: list[dict[str, str]]) -> dict[str, Any]:
    return {"name": name, "status": status, "attachments": attachments, "start": 1, "stop": 2}


def result(folder: Path, scenario: str, feature: str, status: str, steps: list[dict[str, Any]]) -> None:
    """A scenario's result file, labelled as the harness labels it."""
    labels = [{"name": "scenario_id", "value": scenario}, {"name": "feature", "value": feature}]
    body = {"name": scenario, "status": status, "labels": labels, "steps": steps, "start": 1, "stop": 5}
    (folder / f"{uuid.uuid4()}-result.json").write_text(json.dumps(body))
