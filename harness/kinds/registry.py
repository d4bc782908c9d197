"""Step kinds by name: what each does, what its YAML looks like, and what it needs from a target.

The runner knows no kind itself: it looks the step's kind up here and calls its handler with a
``StepContext``. The built-in kinds live in one module per family (requests, LibreTime checks,
seeding, faults, the journal, stub-only controls, containers, commands, LibreTime's web UI,
fuzzing and the resource walk from an OpenAPI document); a pack or a user's own package adds kinds through the
``librelog_verify.step_kinds`` entry point, whose object is a list of ``StepKind`` (or a callable
returning one). Besides its kind, a step may carry options (such
as ``faults``) that wrap it: each is a ``StepOption`` registered here too. The scenario schema is
composed from the registrations, so a new kind is validated like a built-in one.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import metadata, resources
from typing import TYPE_CHECKING, Any

from ..live.capabilities import Capability

if TYPE_CHECKING:
    from ..running.recorder import Recorder
    from ..running.steps import Runner
    from ..targets import Target

ENTRY_POINT_GROUP = "librelog_verify.step_kinds"


@dataclass(frozen=True)
class StepContext:
    """What a handler gets: the step's value with its templates rendered (``spec``), the raw step
    (for keys beside the kind, such as ``expect`` and ``save``), the scenario's runner, and the
    marks the scenario's kinds took before the previous step (``mark``)."""

    runner: Runner
    spec: Any
    step: dict[str, Any]
    marks: Mapping[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> Target:
        return self.runner.target

    @property
    def rec(self) -> Recorder:
        return self.runner.rec

    @property
    def saved(self) -> dict[str, Any]:
        return self.runner.ctx.saved

    def mark(self, kind: str, default: Any = None) -> Any:
        """The value ``kind``'s ``mark`` took before the previous step (e.g. the journal's head)."""
        return self.marks.get(kind, default)


Handler = Callable[[StepContext], Awaitable[None]]
# The form of handlers written before StepContext: run(runner, spec, step, since), ``since`` the
# stub journal's head before the step. Still accepted from plugins.
LegacyHandler = Callable[["Runner", Any, dict[str, Any], int], Awaitable[None]]


@dataclass(frozen=True)
class StepKind:
    """One step kind: ``run(context)`` carries it out, the rest describes it.

    ``schema`` is the JSON Schema of the kind's value (``#/$defs/...`` may name the scenario
    schema's shared definitions). ``effect`` marks a kind that checks what a write did, for the
    hollow-success lint; ``needs`` is the capability a target must offer. ``aliases`` are older
    names the same kind answers to. ``mark`` is taken before every step of a scenario that has a
    step of this kind (``wants_mark`` narrows it to steps whose value asks for it); the handler
    reads the one taken before the previous step.
    """

    name: str
    family: str
    run: Handler | LegacyHandler
    schema: dict[str, Any]
    description: str = ""
    needs: Capability | None = None
    effect: bool = False
    title: Callable[[Any], str] | None = None
    aliases: tuple[str, ...] = ()
    # What a particular value needs beyond ``needs`` (real audio in a seed needs an upload path).
    needs_more: Callable[[Any], set[Capability]] | None = None
    mark: Callable[[Runner], Awaitable[Any]] | None = None
    wants_mark: Callable[[Any], bool] | None = None
    # Without ``needs`` on the target, only this step is skipped (naming it), not the scenario.
    skippable: bool = False
    # Kept for plugins written against it; nothing is skipped for it any more (see ``needs``).
    skip_without_stub: bool = False


@dataclass(frozen=True)
class StepOption:
    """A key beside a step's kind that wraps the step, e.g. ``faults``: ``around(context, value)``
    is entered before the step runs and left after it (its exit may fail the step)."""

    name: str
    around: Callable[[StepContext, Any], AbstractAsyncContextManager[None]]
    schema: dict[str, Any]
    description: str = ""
    needs: Capability | None = None


class RegistryError(Exception):
    harness_kind = "HARNESS ERROR"


def _adapted(kind: StepKind) -> StepKind:
    """A handler of the older four-argument form, wrapped to take a StepContext."""
    try:
        parameters = inspect.signature(kind.run).parameters
    except (TypeError, ValueError):
        return kind
    if len(parameters) != 4:
        return kind
    legacy: Any = kind.run

    async def run(context: StepContext) -> None:
        await legacy(context.runner, context.spec, context.step, context.mark("libretime.journal", 0))

    return replace(kind, run=run)


def _builtin() -> list[StepKind]:
    from . import (
        commands,
        containers,
        faults,
        journal,
        libretime_checks,
        openapi_crud,
        openapi_fuzz,
        requests,
        seeding,
        stub_control,
        ui,
        values,
    )

    families = (
        requests,
        libretime_checks,
        seeding,
        values,
        faults,
        journal,
        stub_control,
        containers,
        commands,
        ui,
        openapi_fuzz,
        openapi_crud,
    )
    return [kind for family in families for kind in family.KINDS]


def _plugin_kinds() -> Iterable[StepKind]:
    for point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        loaded = point.load()
        found = loaded() if callable(loaded) else loaded
        for kind in found:
            if not isinstance(kind, StepKind):
                raise RegistryError(f"entry point {point.name} ({point.value}) gave {kind!r}, not a StepKind")
            yield kind


@cache
def kinds() -> dict[str, StepKind]:
    """Every registered kind by name, aliases included: built-in first, then entry points (no name
    may repeat)."""
    out: dict[str, StepKind] = {}
    for kind in [*_builtin(), *_plugin_kinds()]:
        for name in (kind.name, *kind.aliases):
            if name in out:
                raise RegistryError(f"step kind {name!r} is registered twice ({out[name].family}, {kind.family})")
            out[name] = _adapted(kind)
    return out


@cache
def options() -> dict[str, StepOption]:
    from . import faults

    return {option.name: option for option in faults.OPTIONS}


def names() -> tuple[str, ...]:
    return tuple(kinds())


def get(name: str) -> StepKind:
    try:
        return kinds()[name]
    except KeyError:
        raise RegistryError(f"unknown step kind {name!r} (known: {', '.join(names())})") from None


def step_kind(step: dict[str, Any]) -> str:
    """The kind a step names, as written (an alias stays an alias; the schema has checked there is
    exactly one)."""
    return next(k for k in kinds() if k in step)


@cache
def scenario_schema() -> dict[str, Any]:
    """The scenario schema: the shipped document, its step definition filled in from the registry."""
    text = resources.files("harness").joinpath("scenario.schema.json").read_text()
    schema = json.loads(text)
    step = schema["$defs"]["step"]
    step["properties"].update({name: copy.deepcopy(kind.schema) for name, kind in kinds().items()})
    for name, kind in kinds().items():
        if kind.description and "$ref" not in kind.schema:
            step["properties"][name].setdefault("description", kind.description)
        if name != kind.name:
            step["properties"][name]["description"] = f"the older name of {kind.name}"
    for name, option in options().items():
        step["properties"][name] = {**copy.deepcopy(option.schema), "description": option.description}
    step["oneOf"] = [{"required": [name]} for name in kinds()]
    schema["properties"]["requires"]["items"]["enum"] = [str(c) for c in Capability]
    return schema


__all__ = [
    "ENTRY_POINT_GROUP",
    "RegistryError",
    "StepContext",
    "StepKind",
    "StepOption",
    "get",
    "kinds",
    "names",
    "options",
    "scenario_schema",
    "step_kind",
]
