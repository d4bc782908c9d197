"""The hollow-success lint: a write that is expected to succeed must be followed by a check of its
effect. "It returned 200" is exactly what the seed document accepted; this makes it unwritable."""

from __future__ import annotations

from typing import Any

from .loader import Problem, Scenario, step_kind

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
EFFECT_CHECKS = {
    "libretime.schedule_matches_log",
    "libretime.schedule_diff",
    "libretime.file",
    "librelog.get",
    "librelog.tracks_match_libretime",
    "librelog.proxy_matches_libretime",
    "stub.journal",
}
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
    if kind in EFFECT_CHECKS:
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
                " checks its effect (add libretime.schedule_matches_log, libretime.schedule_diff, libretime.file,"
                " librelog.get, stub.journal, or a GET with content expectations)",
            )
        )
    return problems
