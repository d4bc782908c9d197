"""What a scenario needs from its target: what it says (``requires``) and what its steps imply.

Fixtures are seeded into LibreTime (``seed``); a flavour item needs its flavour; other settings
that differ from the deployment's need LibreLog's test reset; each step kind names what it needs
(faults, the journal, playout, the stub's own controls, containers), except that a step of a
skippable kind (the web UI's) is skipped alone where its capability is missing; a step's own
``faults`` need faults. The legacy ``targets`` list still reads: ``[compose]`` means containers, ``[stub]``
the stub.
"""

from __future__ import annotations

from ..kinds.registry import get, step_kind
from ..live.capabilities import MATCHABLE_SETTINGS, Capability, Facts, flavor_capability
from .loader import Scenario, iter_steps


def required(scenario: Scenario, facts: Facts) -> set[Capability]:
    need = {Capability(name) for name in scenario.data.get("requires", [])}
    targets = scenario.data.get("targets")
    if targets == ["compose"]:
        need.add(Capability.CONTAINERS)
    elif targets == ["stub"]:
        need.add(Capability.STUB_CONTROL)
    if scenario.data.get("fixtures"):
        need.add(Capability.SEED)
    for key, value in scenario.data.get("settings", {}).items():
        if key == "flavor":
            need.add(flavor_capability(value))  # offered where LibreLog runs it or can be reset to it
            continue
        if key in MATCHABLE_SETTINGS and facts.librelog.get(MATCHABLE_SETTINGS[key]) == value:
            continue  # the deployment already runs so
        need.add(Capability.LIBRELOG_RESET)
        if key == "libretime_face" and value == "api":
            need.add(Capability.API_FACE)
    for _where, step in iter_steps(scenario.steps):
        kind = get(step_kind(step))
        if kind.needs is not None and not kind.skippable:
            need.add(kind.needs)
        if kind.needs_more is not None:
            need |= kind.needs_more(step[step_kind(step)])
        if step.get("faults"):
            need.add(Capability.FAULTS)
    return need


def reason(missing: list[Capability], facts: Facts) -> str:
    """The skip message: each missing capability, with why the target lacks it when known."""
    parts = []
    for capability in missing:
        why = next((n.split(": ", 1)[1] for n in facts.notes if n.startswith(f"{capability}: ")), None)
        parts.append(f"{capability} ({why})" if why else str(capability))
    return f"needs {', '.join(parts)}: the {facts.target} target does not offer it"
