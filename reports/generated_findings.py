"""What the generated phases found in LibreLog's API: the fuzz phase (``librelog.fuzz``: every
server error and every answer that contradicts its own OpenAPI document) and the resource walk
(``librelog.crud``: every write that does not read back), by operation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from .document import Block
from .results import Run

SHOWN = 80
Intro = Callable[[str, dict[str, Any], str], str]  # scenario, its record, the findings in a phrase


def _fuzz_intro(scenario: str, record: dict[str, Any], summary: str) -> str:
    return (
        f"`{scenario}`: Schemathesis sent {record.get('cases', 0)} generated case(s) to"
        f" {record.get('operations', 0)} operation(s) of LibreLog's own document and found {summary}."
    )


def _crud_intro(scenario: str, record: dict[str, Any], summary: str) -> str:
    not_walked = {  # the collections: their items' operations, actions and links follow them
        entry["path"]
        for entry in record.get("not_walked", [])
        if entry["method"] == "POST" and "{" not in entry["path"]
    }
    left = record.get("left") or []
    return (
        f"`{scenario}`: {record.get('resources', 0)} resource(s) of LibreLog's own document were created,"
        f" read back, changed, read back and deleted over {record.get('operations', 0)} operation(s), each"
        f" write judged by what reads back; found {summary}."
        + (f" {len(not_walked)} resource(s) could not be walked (the coverage section says why)." if not_walked else "")
        + (f" Left in LibreLog after the walk: {', '.join(f'`{x}`' for x in left)}." if left else "")
    )


PHASES: list[tuple[str, str, Intro]] = [
    ("fuzz findings", "Fuzzing LibreLog's API", _fuzz_intro),
    ("crud findings", "Every resource of LibreLog's API written and read back", _crud_intro),
]


def blocks(run: Run) -> list[Block]:
    out: list[Block] = []
    for record_name, title, intro in PHASES:
        records = [
            (s.id, step.attachments[record_name])
            for s in run.scenarios
            for step in s.steps
            if isinstance(step.attachments.get(record_name), dict)
        ]
        if records:
            out.append(Block("h2", title))
        for scenario, record in records:
            out += _phase(scenario, record, intro)
    return out


def _phase(scenario: str, record: dict[str, Any], intro: Intro) -> list[Block]:
    findings = record.get("findings", [])
    errors = sum(1 for f in findings if f["status"] >= 500)
    kinds = Counter(f["kind"] for f in findings)
    summary = f"**{len(findings)} finding(s)**, {errors} of them server errors" + (
        ": " + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) if kinds else ""
    )
    out = [Block("p", intro(scenario, record, summary))]
    if findings:
        rows = [
            [
                f"`{f['method']} {f['path']}`",
                str(f["status"] or "—"),
                f["kind"],
                f["detail"][:160].replace("\n", " "),
            ]
            for f in sorted(findings, key=lambda f: (-(f["status"] >= 500), f["path"], f["method"]))[:SHOWN]
        ]
        out.append(Block("table", header=["operation", "status", "finding", "detail"], rows=rows))
        if len(findings) > SHOWN:
            out.append(Block("p", f"… and {len(findings) - SHOWN} more in the Allure step's attachment."))
    return out
