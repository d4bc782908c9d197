"""Running a scenario's steps against a target: each step's kind is looked up in the registry
(``harness.kinds``) and carried out by its handler with a ``StepContext``; a step's options (such
as ``faults``) wrap it. The runner itself knows no kind: what a kind needs before each step (the
journal's head, say) it takes through its registered ``mark``, and what must hold once the last
step ran (every fault fired, say) it leaves with ``at_end``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from ..effects.schedule import Snapshot
from ..kinds.registry import StepContext, StepKind, get, options, step_kind
from ..live.capabilities import Facts
from ..model.loader import Scenario, iter_steps
from ..model.templating import Context, TemplateError
from ..targets import Target
from .recorder import Recorder


def default_title(kind: str, spec: Any) -> str:
    """What an unnamed step does, in words a report reader can follow."""
    title = get(kind).title
    if title is not None:
        return title(spec)
    scalars = spec.items() if isinstance(spec, dict) else []
    details = ", ".join(f"{k}={v}" for k, v in scalars if not isinstance(v, (dict, list)))
    return f"{get(kind).name} {details}".strip()


class StepSkipped(Exception):
    """A step that cannot apply on this target: shown as skipped, the scenario goes on."""


class Runner:
    """The state a scenario's steps share: the target, saved values, snapshots, the recorder."""

    def __init__(
        self, scenario: Scenario, target: Target, context: Context, recorder: Recorder, facts: Facts | None = None
    ) -> None:
        self.scenario = scenario
        self.facts = facts  # what the target offers: a skippable kind's step is skipped without its need
        self.target = target
        self.ctx = context
        self.rec = recorder
        self.snapshots: dict[str, Snapshot] = {}
        self.skipped: list[str] = []
        self.marks: dict[str, Any] = {}
        self._marking = self._kinds_that_mark(scenario.steps)
        self._at_end: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        # What kinds keep open across a scenario's steps (a logged-in browser): closed after its last.
        self.resources: dict[str, Any] = {}
        self.stack = AsyncExitStack()

    @staticmethod
    def _kinds_that_mark(steps: list[dict[str, Any]]) -> list[StepKind]:
        found: dict[str, StepKind] = {}
        for _where, step in iter_steps(steps):
            kind = get(step_kind(step))
            if kind.mark is not None and (kind.wants_mark is None or kind.wants_mark(step[step_kind(step)])):
                found[kind.name] = kind
        return list(found.values())

    def at_end(self, title: str, check: Callable[[], Awaitable[None]]) -> None:
        """A check that runs once the scenario's own steps are done (before any pack teardown)."""
        self._at_end.append((title, check))

    async def run(self, steps: list[dict[str, Any]] | None = None, prefix: str = "") -> None:
        for step in self.scenario.steps if steps is None else steps:
            kind = step_kind(step)
            previous = dict(self.marks)
            for marking in self._marking:
                assert marking.mark is not None
                self.marks[marking.name] = await marking.mark(self)
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
                    await self.run_step(step, spec=spec, marks=previous)
                except StepSkipped as exc:
                    self.skipped.append(f"{title}: {exc}")
                    self.rec.text("skipped", str(exc))
        if steps is None:
            await self.finish()

    async def finish(self) -> None:
        """The checks the steps left for the end, each shown as a step of its own."""
        pending, self._at_end = self._at_end, []
        for title, check in pending:
            with self.rec.step(title):
                await check()

    async def teardown(self, steps: list[dict[str, Any]], *, after_failure: bool = False) -> None:
        """Steps that run whatever happened before, each whatever happened to the one before it
        (a clean-up that fails must not keep the next from running); the first failure fails a
        scenario that had passed, and is recorded beside the first failure of one that had not."""
        failures: list[Exception] = []
        for step in steps:
            try:
                await self.run([step], prefix="pack teardown: ")
            except Exception as exc:
                failures.append(exc)
        for exc in failures[1:] if not after_failure else failures:
            self.rec.text("teardown failed too", f"{type(exc).__name__}: {exc}")
        if failures and not after_failure:
            raise failures[0]

    def _title(self, step: dict[str, Any], kind: str, spec: Any) -> str:
        if not step.get("name"):
            return default_title(kind, spec)
        try:
            return str(self.ctx.render(step["name"]))
        except TemplateError:
            return step["name"]

    async def run_step(self, step: dict[str, Any], spec: Any = None, marks: dict[str, Any] | None = None) -> None:
        name = step_kind(step)
        kind = get(name)
        facts = self.facts
        if kind.skippable and kind.needs is not None and facts is not None and kind.needs not in facts.capabilities:
            from ..model.requirements import reason

            raise StepSkipped(reason([kind.needs], facts))
        if spec is None:
            spec = self.ctx.render(step[name])
        context = StepContext(self, spec, step, marks if marks is not None else dict(self.marks))
        async with AsyncExitStack() as stack:
            for option_name, option in options().items():
                if option_name in step:
                    await stack.enter_async_context(option.around(context, self.ctx.render(step[option_name])))
            await kind.run(context)  # type: ignore[call-arg]
