"""Fault and journal steps as scenarios use them, on the embedded stubs: a step's own faults are in
force during that step only and must fire; a scenario's fault must fire by the scenario's end; the
journal counts what LibreLog sent (the harness's own reads left out), since the previous step when
asked."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness.model.loader import Scenario
from harness.model.templating import Context
from harness.running.expect import ExpectationFailed
from harness.running.recorder import Recorder
from harness.running.steps import Runner
from harness.targets import stub_target

SANDBOX = date(2099, 1, 1)
STATUS = {"librelog.get": {"path": "/sync/status", "expect": {"status": 200}}}


async def run(steps: list[dict[str, Any]], settings: dict[str, Any] | None = None) -> Runner:
    async with stub_target(settings or {}, SANDBOX) as target:
        scenario = Scenario(path=Path("t.yaml"), data={"id": "t", "title": "t", "steps": steps})
        context = Context(sandbox_date=SANDBOX, env={}, target={}, vars={})
        runner = Runner(scenario, target, context, Recorder(target.masker))
        await runner.run()
        return runner


async def test_a_steps_own_fault_acts_during_that_step_and_is_gone_after() -> None:
    steps = [
        {
            "name": "LibreTime's version call answers garbage",
            "librelog.get": {"path": "/sync/status", "expect": {"status": 200, "json": {"connection_status": False}}},
            "faults": [{"match": {"path": "/api/v2/version"}, "fault": "status", "status": 200, "body": {"x": 1}}],
        },
        {"librelog.get": {"path": "/sync/status", "expect": {"status": 200, "json": {"connection_status": True}}}},
    ]
    await run(steps)


async def test_a_steps_fault_that_never_fired_fails_that_step() -> None:
    steps = [{**STATUS, "faults": [{"match": {"path": "/api/v2/never-asked"}, "fault": "status", "status": 500}]}]
    with pytest.raises(
        ExpectationFailed, match=r"status 500 on any method /api/v2/never-asked never fired by the end of its step"
    ):
        await run(steps)


async def test_a_scenario_fault_that_never_fired_fails_the_scenario_at_its_end() -> None:
    steps = [{"libretime.fault": {"match": {"path": "/api/v2/never-asked"}, "fault": "timeout"}}, STATUS]
    with pytest.raises(ExpectationFailed, match=r"never fired by the end of the scenario"):
        await run(steps)
    # The older name works alike, and a rule that fired passes.
    fired = [{"stub.fault": {"match": {"path": "/api/v2/version"}, "fault": "status", "status": 503}}, STATUS]
    await run(fired)


async def test_the_journal_counts_what_librelog_sent_since_the_previous_step() -> None:
    steps: list[dict[str, Any]] = [
        {"request": {"service": "libretime", "method": "GET", "path": "/api/v2/version"}, "expect": {"status": 200}},
        STATUS,
        {"libretime.journal": {"path": "/api/v2/version", "since_step": True, "count": 1}},
        {"libretime.journal": {"path": "/api/v2/version", "count": 1}},  # the harness's own read is not LibreLog's
        STATUS,
        {"stub.journal": {"path": "/api/v2/version", "count": 2}},
    ]
    await run(steps)
    wrong = [STATUS, {"libretime.journal": {"path": "/api/v2/version", "since_step": True, "count": 2}}]
    with pytest.raises(ExpectationFailed, match="expected 2 matching requests, LibreTime received 1"):
        await run(wrong)
