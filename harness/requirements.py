"""What a scenario needs from its target: what it says (``requires``) and what its steps imply.

Fixtures assume a fresh stub and a fresh LibreLog; settings that differ from the deployment's
need LibreLog's test reset; stub steps need the stub; container steps need the containers. The
legacy ``targets`` list still reads: ``[compose]`` means containers, ``[stub]`` the stub.
"""

from __future__ import annotations

from .capabilities import MATCHABLE_SETTINGS, Capability, Facts
from .kinds.registry import get, step_kind
from .loader import Scenario, iter_steps


def required(scenario: Scenario, facts: Facts) -> set[Capability]:
    need = {Capability(name) for name in scenario.data.get("requires", [])}
    targets = scenario.data.get("targets")
    if targets == ["compose"]:
        need.add(Capability.CONTAINERS)
    elif targets == ["stub"]:
        need.add(Capability.STUB_CONTROL)
    if scenario.data.get("fixtures"):
        need |= {Capability.STUB_CONTROL, Capability.LIBRELOG_RESET}
    for key, value in scenario.data.get("settings", {}).items():
        if key in MATCHABLE_SETTINGS and facts.librelog.get(MATCHABLE_SETTINGS[key]) == value:
            continue  # the deployment already runs so
        need.add(Capability.LIBRELOG_RESET)
        if key == "libretime_face" and value == "api":
            need.add(Capability.API_FACE)
    for _where, step in iter_steps(scenario.steps):
        needs = get(step_kind(step)).needs
        if needs is not None:
            need.add(needs)
    return need


def reason(missing: list[Capability], facts: Facts) -> str:
    """The skip message: each missing capability, with why the target lacks it when known."""
    parts = []
    for capability in missing:
        why = next((n.split(": ", 1)[1] for n in facts.notes if n.startswith(f"{capability}: ")), None)
        parts.append(f"{capability} ({why})" if why else str(capability))
    return f"needs {', '.join(parts)}: the {facts.target} target does not offer it"
