"""Running a scenario's steps against a target: each step's kind is looked up in the registry
(``harness.kinds``) and carried out by its handler; the runner itself knows no kind."""

from __future__ import annotations

from typing import Any

from . import checks
from .kinds.registry import get, step_kind
from .loader import Scenario
from .report import Recorder
from .targets import Target
from .templating import Context, TemplateError


def default_title(kind: str, spec: Any) -> str:
    """What an unnamed step does, in words a report reader can follow."""
    title = get(kind).title
    if title is not None:
        return title(spec)
    scalars = spec.items() if isinstance(spec, dict) else []
    details = ", ".join(f"{k}={v}" for k, v in scalars if not isinstance(v, (dict, list)))
    return f"{kind} {details}".strip()


class StepSkipped(Exception):
    pass


class Runner:
    """The state a scenario's steps share: the target, saved values, snapshots, the recorder."""

    def __init__(self, scenario: Scenario, target: Target, context: Context, recorder: Recorder) -> None:
        self.scenario = scenario
        self.target = target
        self.ctx = context
        self.rec = recorder
        self.snapshots: dict[str, checks.Snapshot] = {}
        self.skipped: list[str] = []
        self._journal_mark = 0
        self._needs_marks = any(
            isinstance(s.get("stub.journal"), dict) and s["stub.journal"].get("since_step") for s in scenario.steps
        )

    async def run(self, steps: list[dict[str, Any]] | None = None, prefix: str = "") -> None:
        from .kinds.stub_control import journal_head

        for step in self.scenario.steps if steps is None else steps:
            kind = step_kind(step)
            if self._needs_marks and self.target.has_control_plane:
                previous_mark = self._journal_mark
                self._journal_mark = await journal_head(self)
            else:
                previous_mark = 0
            # Rendered once, before the step: its title then names the real log id, hour and path.
            try:
                spec, problem = self.ctx.render(step[kind]), None
            except TemplateError as exc:
                spec, problem = step[kind], exc
            title = prefix + self._title(step, kind, spec)
            with self.rec.step(title):
                if problem is not None:
                    raise problem
                try:
                    await self.run_step(step, since=previous_mark, spec=spec)
                except StepSkipped as exc:
                    self.skipped.append(f"{title}: {exc}")
                    self.rec.text("skipped", str(exc))

    async def teardown(self, steps: list[dict[str, Any]], *, after_failure: bool = False) -> None:
        """Steps that run whatever happened before; their failure fails a scenario that had passed,
        and is recorded beside the first failure of one that had not."""
        try:
            await self.run(steps, prefix="pack teardown: ")
        except Exception as exc:
            if not after_failure:
                raise
            self.rec.text("teardown failed too", f"{type(exc).__name__}: {exc}")

    def _title(self, step: dict[str, Any], kind: str, spec: Any) -> str:
        if not step.get("name"):
            return default_title(kind, spec)
        try:
            return str(self.ctx.render(step["name"]))
        except TemplateError:
            return step["name"]

    async def run_step(self, step: dict[str, Any], since: int = 0, spec: Any = None) -> None:
        kind = get(step_kind(step))
        if kind.skip_without_stub and not self.target.has_control_plane:
            raise StepSkipped(f"{kind.name} needs the stub's control plane; the {self.target.name} target has none")
        if spec is None:
            spec = self.ctx.render(step[kind.name])
        await kind.run(self, spec, step, since)
