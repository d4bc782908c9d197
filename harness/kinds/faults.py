"""LibreTime made to fail on cue: ``libretime.fault`` (``stub.fault``, its older name) adds a rule
for the rest of the scenario; a step's own ``faults`` are in force during that step alone.

The rules are the LibreTime stub's (match on method and path, then status with a body, delay,
connection reset, timeout, an empty answer, a truncated or garbled body, a wrong content type;
``times``, ``skip``), served by the stub itself or by the interposer in front of a real
LibreTime. A rule that never fired proves nothing: a step's own rule that matched no request by
the end of the step fails it, and so does a scenario rule that matched none by the scenario's end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ..control import Control
from ..errors import HarnessError
from ..live.capabilities import Capability
from ..running.expect import ExpectationFailed
from .registry import StepContext, StepKind, StepOption


def control_of(context: StepContext) -> Control:
    control = context.target.control
    if control is None:
        raise HarnessError(f"the {context.target.name} target has no fault or journal control plane")
    return control


def describe(rule: dict[str, Any]) -> str:
    match = rule.get("match") or {}
    where = match.get("path") or (f"~{match['path_pattern']}" if match.get("path_pattern") else "any path")
    detail = f" {rule['status']}" if rule.get("status") else ""
    return f"{rule['fault']}{detail} on {match.get('method') or 'any method'} {where}"


async def unfired(control: Control, rules: list[dict[str, Any]]) -> list[str]:
    """The rules (of those given) that have matched no request yet, described."""
    hits = {rule["id"]: rule["hits"] for rule in await control.faults()}
    return [describe(rule) for rule in rules if hits.get(rule["id"], 0) == 0]


def _never_fired(names: list[str], until: str) -> ExpectationFailed:
    return ExpectationFailed(
        f"the injected fault {'; '.join(names)} never fired by the end of {until}: LibreLog sent no request it"
        " matches, so nothing was proved about it"
    )


async def _fault(context: StepContext) -> None:
    control = control_of(context)
    rule = await control.add_fault(context.spec)
    context.rec.json(f"fault rule {rule['id']}: {describe(rule)}", rule)

    async def fired() -> None:
        missing = await unfired(control, [rule])
        if missing:
            raise _never_fired(missing, "the scenario")

    context.runner.at_end(f"the injected fault fired: {describe(rule)}", fired)


@asynccontextmanager
async def _step_faults(context: StepContext, rules: list[dict[str, Any]]) -> AsyncIterator[None]:
    """Rules in force while the step runs, removed after it; one that never fired fails the step
    (unless the step failed already: its own failure is the one to read)."""
    control = control_of(context)
    added = []
    try:
        for raw in rules:
            rule = await control.add_fault(raw)
            added.append(rule)
            context.rec.json(f"fault rule {rule['id']} for this step: {describe(rule)}", rule)
        yield
        missing = await unfired(control, added)
        if missing:
            raise _never_fired(missing, "its step")
    finally:
        for rule in added:
            await control.remove_fault(rule["id"])


FAULTS = Capability.FAULTS
KINDS = [
    StepKind(
        "libretime.fault",
        "faults",
        _fault,
        {"$ref": "#/$defs/stub_fault"},
        needs=FAULTS,
        aliases=("stub.fault",),
        title=lambda spec: f"LibreTime fails from now on: {describe({'hits': 0, **spec})}",
    ),
]
OPTIONS = [
    StepOption(
        "faults",
        _step_faults,
        {"type": "array", "items": {"$ref": "#/$defs/stub_fault"}, "minItems": 1},
        description="fault rules in force during this step only; each must fire before the step ends",
        needs=FAULTS,
    ),
]
