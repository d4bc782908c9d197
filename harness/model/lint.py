"""The hollow-success lint: a write that is expected to succeed must be followed by a check of its
effect. "It returned 200" is exactly what the seed document accepted; this makes it unwritable."""

from __future__ import annotations

from typing import Any

from ..kinds.registry import get, kinds, step_kind
from .loader import Problem, Scenario

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
CONTENT_EXPECTATIONS = {
    "json",
    "json_exact",
    "jmespath",
    "schema",
    "libretime_schema",
    "body_contains",
    "headers",
    "no_secrets",
}


def effect_kinds() -> list[str]:
    """The registered kinds that check what a write did."""
    return [name for name, kind in kinds().items() if kind.effect]


def _expects_success(step: dict[str, Any]) -> bool:
    status = step.get("expect", {}).get("status")
    if status is None:
        return True
    statuses = status if isinstance(status, list) else [status]
    return any(200 <= s < 300 for s in statuses)


def _checks_effect(step: dict[str, Any]) -> bool:
    kind = step_kind(step)
    if kind == "eventually":
        return _checks_effect(step["eventually"]["step"])
    if get(kind).effect:
        return True
    if kind == "request" and step["request"]["method"] in ("GET", "HEAD"):
        return bool(CONTENT_EXPECTATIONS & set(step.get("expect", {})))
    return False


def hollow_successes(scenario: Scenario, shown: str) -> list[Problem]:
    problems = []
    steps = scenario.steps
    for index, step in enumerate(steps):
        if step_kind(step) != "request":
            continue
        request = step["request"]
        if request["method"] not in MUTATING or not _expects_success(step):
            continue
        if any(_checks_effect(later) for later in steps[index + 1 :]):
            continue
        where = f"steps[{index}]"
        problems.append(
            Problem(
                shown,
                scenario.line(where),
                where,
                f"hollow success: {request['method']} {request['path']} is expected to succeed, but no later step"
                f" checks its effect (add {', '.join(effect_kinds())}, or a GET with content expectations)",
            )
        )
    return problems
