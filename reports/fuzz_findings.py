"""What a fuzz phase (``librelog.fuzz``) found: every server error and every answer that
contradicts LibreLog's own OpenAPI document, by operation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .document import Block
from .results import Run

RECORD = "fuzz findings"
SHOWN = 80


def blocks(run: Run) -> list[Block]:
    records: list[tuple[str, dict[str, Any]]] = [
        (s.id, step.attachments[RECORD])
        for s in run.scenarios
        for step in s.steps
        if isinstance(step.attachments.get(RECORD), dict)
    ]
    if not records:
        return []
    out = [Block("h2", "Fuzzing LibreLog's API")]
    for scenario, record in records:
        findings = record.get("findings", [])
        errors = sum(1 for f in findings if f["status"] >= 500)
        kinds = Counter(f["kind"] for f in findings)
        out.append(
            Block(
                "p",
                f"`{scenario}`: Schemathesis sent {record.get('cases', 0)} generated case(s) to"
                f" {record.get('operations', 0)} operation(s) of LibreLog's own document and found"
                f" **{len(findings)} finding(s)**, {errors} of them server errors"
                + (": " + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) if kinds else "")
                + ".",
            )
        )
        if findings:
            rows = [
                [f"`{f['method']} {f['path']}`", str(f["status"]), f["kind"], f["detail"][:160].replace("\n", " ")]
                for f in sorted(findings, key=lambda f: (-(f["status"] >= 500), f["path"], f["method"]))[:SHOWN]
            ]
            out.append(Block("table", header=["operation", "status", "finding", "detail"], rows=rows))
            if len(findings) > SHOWN:
                out.append(Block("p", f"… and {len(findings) - SHOWN} more in the Allure step's attachment."))
    return out
