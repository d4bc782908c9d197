"""The terminal summary of a run: a pytest plugin that counts what was selected and run and prints
the closing table (the verdict per scenario, why a skipped one was skipped)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest


class Summary:
    """A pytest plugin object: counts what was selected and run, prints the closing table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, float]] = []
        self.started = time.monotonic()
        self.selected = 0
        self.deselected = 0
        self.reasons: dict[str, str] = {}  # why a scenario was skipped

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: Any) -> Any:
        outcome = yield
        scenario = getattr(item, "scenario", None)
        if scenario is not None:
            outcome.get_result().scenario_title = scenario.title

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.selected = len(session.items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            item_id = report.nodeid.rsplit("::", 1)[-1]
            title = getattr(report, "scenario_title", item_id)
            outcome = "skipped" if report.skipped else report.outcome
            if outcome == "failed" and report.longreprtext.startswith(("HARNESS ERROR", "SCENARIO ERROR")):
                outcome = "broken"  # the harness could not verify: not a product defect
            self.rows.append((item_id, title, outcome, report.duration))
            if outcome == "skipped" and isinstance(report.longrepr, tuple):
                self.reasons[item_id] = str(report.longrepr[2]).removeprefix("Skipped: ")

    @property
    def executed(self) -> int:
        """Scenarios that ran to a verdict (passed or failed); skipped ones verified nothing."""
        return sum(1 for row in self.rows if row[2] in ("passed", "failed", "broken"))

    def outcomes(self) -> dict[str, str]:
        return {item_id: outcome for item_id, _title, outcome, _duration in self.rows}

    def render(self) -> str:
        if not self.rows:
            return "no scenarios ran"
        width = min(70, max(len(r[1]) for r in self.rows))
        lines = [f"{'result':8} {'time':>7}  {'scenario':{width}}", "-" * (18 + width)]
        for item_id, title, outcome, duration in self.rows:
            lines.append(f"{outcome.upper():8} {duration:6.2f}s  {title[:width]}")
            if item_id in self.reasons:
                lines.append(f"{'':18}{self.reasons[item_id]}")
        counts = Counter(r[2] for r in self.rows)
        lines.append("-" * (18 + width))
        lines.append(
            f"{counts['passed']} passed, {counts['failed']} failed,"
            + (f" {counts['broken']} broken (the harness could not verify)," if counts["broken"] else "")
            + f" {counts['skipped']} skipped"
            f" in {time.monotonic() - self.started:.1f} s"
        )
        return "\n".join(lines)
