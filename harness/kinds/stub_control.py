"""Step kinds for the LibreTime stub's control plane: seed data, inject faults, tamper with what
it stores, record playout, and read its journal of what LibreTime received."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from ..capabilities import Capability
from ..errors import HarnessError
from ..expect import ExpectationFailed, Observed, failures
from .registry import StepKind

if TYPE_CHECKING:
    from ..steps import Runner


async def control(runner: Runner, method: str, path: str, body: Any, expected: int) -> Any:
    response = await runner.target.libretime.request(method, path, json=body)
    runner.rec.exchange(
        {"method": method, "url": path, "json": body},
        {"status": response.status_code, "body": response.text[:4000]},
    )
    if response.status_code != expected:
        raise HarnessError(f"the stub refused {method} {path}: {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


async def journal_head(runner: Runner) -> int:
    entries = (await runner.target.libretime.get("/__stub__/journal")).json()["requests"]
    return entries[-1]["id"] if entries else 0


def _poster(path: str, expected: int) -> Any:
    async def run(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
        await control(runner, "POST", path, spec, expected)

    return run


async def _journal(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    params = {k: spec[k] for k in ("method", "path") if k in spec}
    if spec.get("since_step"):
        params["since"] = since
    body = (await runner.target.libretime.get("/__stub__/journal", params=params)).json()
    runner.rec.json("what LibreTime received", body)
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


STUB = Capability.STUB_CONTROL
KINDS = [
    StepKind("stub.seed", "stub_control", _poster("/__stub__/seed", 201), {"$ref": "#/$defs/stub_seed"}, needs=STUB),
    StepKind(
        "stub.fault", "stub_control", _poster("/__stub__/faults", 201), {"$ref": "#/$defs/stub_fault"}, needs=STUB
    ),
    StepKind(
        "stub.tamper", "stub_control", _poster("/__stub__/tamper", 201), {"$ref": "#/$defs/stub_tamper"}, needs=STUB
    ),
    StepKind(
        "stub.playout",
        "stub_control",
        _poster("/__stub__/playout", 200),
        {"$ref": "#/$defs/stub_playout"},
        needs=STUB,
    ),
    StepKind(
        "stub.journal",
        "stub_control",
        _journal,
        {"$ref": "#/$defs/journal"},
        effect=True,
        skip_without_stub=True,
    ),
]
