"""What LibreTime received from LibreLog: ``libretime.journal`` (``stub.journal``, its older name)
reads the journal of the stub, or of the interposer in front of a real LibreTime, and checks it:
a count, a minimum, or the response vocabulary on ``{count, requests}``. The harness's own
requests are never in it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from ..live.capabilities import Capability
from ..running.expect import ExpectationFailed, Observed, failures
from .faults import control_of
from .registry import StepContext, StepKind

if TYPE_CHECKING:
    from ..running.steps import Runner

NAME = "libretime.journal"


async def _head(runner: Runner) -> int:
    control = runner.target.control
    return await control.head() if control is not None else 0


async def _journal(context: StepContext) -> None:
    spec = context.spec
    params: dict[str, Any] = {k: spec[k] for k in ("method", "path") if k in spec}
    if spec.get("since_step"):
        params["since"] = context.mark(NAME, 0)
    body = await control_of(context).journal(params)
    context.rec.json("what LibreTime received", body)
    count = body["count"]
    problems = []
    if "count" in spec and count != spec["count"]:
        problems.append(f"expected {spec['count']} matching requests, LibreTime received {count}")
    if "min_count" in spec and count < spec["min_count"]:
        problems.append(f"expected at least {spec['min_count']} matching requests, LibreTime received {count}")
    if "expect" in spec:
        observed = Observed(200, httpx.Headers(), json.dumps(body))
        problems += failures(spec["expect"], observed)
    if problems:
        raise ExpectationFailed(f"journal {params}: " + "; ".join(problems))


KINDS = [
    StepKind(
        NAME,
        "journal",
        _journal,
        {"$ref": "#/$defs/journal"},
        needs=Capability.JOURNAL,
        effect=True,
        aliases=("stub.journal",),
        mark=_head,
        wants_mark=lambda value: isinstance(value, dict) and bool(value.get("since_step")),
    ),
]
