"""Which of the LibreTime calls a pack's LibreLog made stock LibreTime answers.

Each scenario of a pack run keeps what LibreLog asked of LibreTime (the stub's journal), each call
as its operation and whether stock LibreTime 4.5 has it (``harness/compatibility.py``); this
section gathers them over the run.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .document import Block
from .results import Run

RECORD = "LibreTime calls"


def blocks(run: Run) -> list[Block]:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for scenario in run.scenarios:
        for step in scenario.steps:
            calls = step.attachments.get(RECORD)
            if not isinstance(calls, list):
                continue
            for call in calls:
                path, stock = call["path"], bool(call.get("stock"))
                entry = seen.setdefault(
                    (call["method"], path), {"stock": stock, "statuses": defaultdict(int), "scenarios": set()}
                )
                entry["statuses"][str(call.get("status"))] += 1
                entry["scenarios"].add(scenario.id)
    if not seen:
        return []
    rows = []
    for (method, path), entry in sorted(seen.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        statuses = ", ".join(f"{status} ×{n}" for status, n in sorted(entry["statuses"].items()))
        answered = (
            "✅ yes"
            if entry["stock"]
            else ("❌ no: the integration extension" if "/integration/" in path else "❌ no: not a LibreTime path")
        )
        rows.append([f"`{method} {path}`", answered, statuses, str(len(entry["scenarios"]))])
    stock = sum(1 for e in seen.values() if e["stock"])
    return [
        Block("h2", "LibreTime Compatibility"),
        Block(
            "p",
            f"Every LibreTime call LibreLog made in this run: {len(seen)} operation(s), **{stock} that stock"
            f" LibreTime 4.5 answers**, {len(seen) - stock} it does not (the integration extension of a private"
            " fork, or a path LibreTime never served). The statuses are the stub's answers in this run.",
        ),
        Block("table", header=["call", "stock LibreTime answers it", "statuses", "scenarios"], rows=rows),
    ]
