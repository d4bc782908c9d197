"""The pack's coverage of its LibreLog's API, as the run measured it (``harness/api_coverage``):
how many operations a scenario calls, how strongly each is checked, and what is left out, why."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .document import Block
from .results import Run

LEVEL_TEXT = {
    "effect": "✅ effect checked",
    "answer": "answer checked",
    "status": "❌ status only",
}
ICON = {"passed": "✅", "failed": "❌", "broken": "⚠️", "skipped": "⏭️"}
SHOWN = 60  # operations listed one by one before the rest are counted


def _router(path: str) -> str:
    return "/" + (path.strip("/").split("/")[0] if path.strip("/") else "")


def _reason_line(reason: str, keys: list[str]) -> str:
    shown = ", ".join(f"`{k}`" for k in keys[:6]) + (", …" if len(keys) > 6 else "")
    return f"{reason} ({len(keys)}: {shown})"


def _summary(
    source: str,
    ops: list[dict[str, Any]],
    called: list[dict[str, Any]],
    writes: list[dict[str, Any]],
    by_level: dict[str, list[dict[str, Any]]],
    reasoned: int,
    unreasoned: int,
) -> str:
    written = sum(op["write"] for op in called)
    effect_writes = sum(op["write"] for op in by_level["effect"])
    twins = sum(1 for op in called if op.get("same_as"))
    return (
        f"The {source} pack's scenarios against the {len(ops)} operations LibreLog's own OpenAPI document lists:"
        f" **{len(called)} called** ({written} of its {len(writes)} writes), **{len(by_level['effect'])} with an"
        f" effect checked** ({effect_writes} of the writes; LibreTime, the journal, its database or a read back),"
        f" {len(by_level['answer'])} with their answer checked, {len(by_level['status'])} with their status only;"
        f" {reasoned} left out with a reason, {unreasoned} not yet looked at."
        + (
            f" {twins} of the called are the same handler as another operation, its router mounted twice"
            " (the pack's coverage file names the mounts): they count the calls of their twin."
            if twins
            else ""
        )
    )


def blocks(run: Run) -> list[Block]:
    data = run.api_coverage
    if not data:
        return []
    ops: list[dict[str, Any]] = data.get("operations", [])
    called = [op for op in ops if op["scenarios"]]
    writes = [op for op in ops if op["write"]]
    by_level = defaultdict(list)
    for op in called:
        by_level[op["level"]].append(op)
    reasoned = [op for op in ops if not op["scenarios"] and op["left_out"]]
    unreasoned = [op for op in ops if not op["scenarios"] and not op["left_out"]]
    out = [
        Block("h2", "Coverage of LibreLog's API"),
        Block("p", _summary(data.get("source", "pack"), ops, called, writes, by_level, len(reasoned), len(unreasoned))),
    ]
    routers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for op in ops:
        routers[_router(op["path"])].append(op)
    rows = []
    for router, items in sorted(routers.items()):
        mine = [op for op in items if op["scenarios"]]
        rows.append(
            [
                f"`{router}`",
                str(len(items)),
                str(len(mine)),
                str(sum(1 for op in mine if op["level"] == "effect")),
                str(sum(1 for op in items if not op["scenarios"] and op["left_out"])),
            ]
        )
    out.append(Block("table", header=["path", "operations", "called", "effect checked", "left out"], rows=rows))
    out.append(Block("h3", "Operations the pack calls"))
    out.append(
        Block(
            "table",
            header=["operation", "checked", "scenarios"],
            rows=[
                [
                    f"`{op['method']} {op['path']}`",
                    LEVEL_TEXT.get(op["level"], op["level"])
                    + (f" (same handler as `{op['same_as']}`)" if op.get("same_as") else ""),
                    ", ".join(
                        f"{ICON.get(op['outcomes'].get(s, ''), '')} `{s}`".strip() for s in sorted(op["scenarios"])
                    ),
                ]
                for op in sorted(called, key=lambda o: (o["path"], o["method"]))
            ],
        )
    )
    if reasoned:
        by_reason: dict[str, list[str]] = defaultdict(list)
        for op in reasoned:
            by_reason[op["left_out"]].append(f"{op['method']} {op['path']}")
        out.append(Block("h3", "Left out, and why"))
        out.append(
            Block(
                "list",
                items=[
                    f"{reason} ({len(keys)}: "
                    + ", ".join(f"`{k}`" for k in keys[:6])
                    + (", …" if len(keys) > 6 else "")
                    + ")"
                    for reason, keys in sorted(by_reason.items(), key=lambda kv: -len(kv[1]))
                ],
            )
        )
    if unreasoned:
        shown = [f"`{op['method']} {op['path']}`" for op in unreasoned[:SHOWN]]
        more = f" and {len(unreasoned) - SHOWN} more" if len(unreasoned) > SHOWN else ""
        out.append(Block("h3", "Not yet looked at"))
        out.append(Block("p", ", ".join(shown) + more + "."))
    return out
