"""Step kinds by name: what each does, what its YAML looks like, and what it needs from a target.

The runner knows no kind itself: it looks the step's kind up here and calls its handler. The
built-in kinds live in one module per family (requests, LibreTime checks, stub control,
containers, commands); a pack or a user's own package adds kinds through the
``librelog_verify.step_kinds`` entry point, whose object is a list of ``StepKind`` (or a
callable returning one). The scenario schema is composed from the registrations, so a new kind
is validated like a built-in one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from typing import TYPE_CHECKING, Any

from ..capabilities import Capability

if TYPE_CHECKING:
    from ..steps import Runner

ENTRY_POINT_GROUP = "librelog_verify.step_kinds"

Handler = Callable[["Runner", Any, dict[str, Any], int], Awaitable[None]]


@dataclass(frozen=True)
class StepKind:
    """One step kind: ``run(runner, spec, step, since)`` carries it out, the rest describes it.

    ``spec`` is the step's value with its templates rendered; ``step`` the raw step (for keys
    beside the kind, such as ``expect`` and ``save``); ``since`` the stub journal's head before
    the step. ``schema`` is the JSON Schema of the kind's value (``#/$defs/...`` may name the
    scenario schema's shared definitions). ``effect`` marks a kind that checks what a write did,
    for the hollow-success lint; ``needs`` is the capability a target must offer.
    """

    name: str
    family: str
    run: Handler
    schema: dict[str, Any]
    description: str = ""
    needs: Capability | None = None
    effect: bool = False
    skip_without_stub: bool = False  # shown as skipped (not failed) where the stub's journal is absent
    title: Callable[[Any], str] | None = None


class RegistryError(Exception):
    harness_kind = "HARNESS ERROR"


def _builtin() -> list[StepKind]:
    from . import commands, containers, libretime_checks, requests, stub_control, values

    families = (requests, libretime_checks, values, stub_control, containers, commands)
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
    """Every registered kind by name: built-in first, then entry points (no name may repeat)."""
    out: dict[str, StepKind] = {}
    for kind in [*_builtin(), *_plugin_kinds()]:
        if kind.name in out:
            raise RegistryError(f"step kind {kind.name!r} is registered twice ({out[kind.name].family}, {kind.family})")
        out[kind.name] = kind
    return out


def names() -> tuple[str, ...]:
    return tuple(kinds())


def get(name: str) -> StepKind:
    try:
        return kinds()[name]
    except KeyError:
        raise RegistryError(f"unknown step kind {name!r} (known: {', '.join(names())})") from None


def step_kind(step: dict[str, Any]) -> str:
    """The kind a step names (the schema has checked there is exactly one)."""
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
    step["oneOf"] = [{"required": [name]} for name in kinds()]
    schema["properties"]["requires"]["items"]["enum"] = [str(c) for c in Capability]
    return schema
