"""How much of a foreign LibreLog's API a pack looks at: each operation of its OpenAPI document,
the scenarios that call it, and whether they assert an effect or only an answer.

The document is read by the preflight (``librelog.openapi`` in pack.yaml); the calls are read
from the scenarios themselves (``request`` and ``librelog.get`` steps to LibreLog, the pack's setup
and teardown), and their outcomes from the run. A call is:

- ``effect``: its scenario also checks what the call did, with a step of an effect kind (LibreTime
  read back, the journal, a saved value, LibreLog read back through another call);
- ``answer``: only what the call answered (its JSON, JMESPath, schema) is checked;
- ``status``: only its status code is.

Generated phases (``librelog.fuzz``, ``librelog.crud``) decide their calls from the document at run
time, so they record what they exercised (an "operations exercised" attachment, each operation with
its level) and what they could not (``not_walked`` in their findings, with the reason); the run's
results carry both here.

Operations no scenario calls are listed, with the reason the pack's coverage file gives for them
(``coverage.yaml``: ``left_out`` maps a path prefix, or ``METHOD /path``, to a reason).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .kinds.openapi_fuzz import EXERCISED
from .kinds.registry import get, step_kind
from .model.loader import iter_steps

LEVELS = ("effect", "answer", "status")  # strongest first
WRITES = ("POST", "PUT", "PATCH", "DELETE")
TEMPLATE = re.compile(r"\{\{.*?\}\}")


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # as the scenario writes it, templates and all
    level: str  # effect, answer or status


@dataclass
class Operation:
    method: str
    path: str
    summary: str = ""
    scenarios: dict[str, str] = field(default_factory=dict)  # scenario id -> the strongest level
    outcomes: dict[str, str] = field(default_factory=dict)  # scenario id -> passed/failed/...
    left_out: str | None = None
    same_as: str | None = None  # the operation whose handler this one is, mounted again elsewhere

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def write(self) -> bool:
        return self.method in WRITES

    @property
    def level(self) -> str | None:
        found = set(self.scenarios.values())
        return next((level for level in LEVELS if level in found), None)


def operations(document: dict[str, Any]) -> list[dict[str, str]]:
    """Every operation of an OpenAPI document: method, path, summary."""
    out = []
    for path, item in sorted((document.get("paths") or {}).items()):
        for method, operation in item.items():
            if method.upper() in ("GET", *WRITES):
                out.append({"method": method.upper(), "path": path, "summary": (operation or {}).get("summary", "")})
    return out


def _segments(path: str) -> list[str]:
    return [s for s in path.split("?")[0].strip("/").split("/")]


def matches(template: str, written: str) -> bool:
    """A scenario's path (its ``{{ }}`` templates standing for one segment each) against an
    operation's path template (``{id}``); a trailing slash does not matter."""
    want, have = _segments(template), _segments(TEMPLATE.sub("§", written))
    if len(want) != len(have):
        return False
    return all(w == h or (w.startswith("{") and w.endswith("}") and h != "") for w, h in zip(want, have, strict=True))


def _expect_of(step: dict[str, Any]) -> dict[str, Any] | None:
    """A call's expectations, wherever its kind keeps them (None: it has none)."""
    kind = step_kind(step)
    expect = (step.get(kind) or {}).get("expect") if kind == "librelog.get" else step.get("expect")
    return expect if isinstance(expect, dict) else None


def literal_segments(template: str) -> int:
    return sum(1 for segment in _segments(template) if not segment.startswith("{"))


def _asserts_answer(step: dict[str, Any]) -> bool:
    expect = _expect_of(step) or {}
    return any(k in expect for k in ("json", "json_exact", "jmespath", "schema"))


def _call(step: dict[str, Any]) -> tuple[str, str] | None:
    kind = step_kind(step)
    value = step[kind]
    if kind == "request" and value.get("service") == "librelog":
        return str(value.get("method", "GET")).upper(), str(value["path"])
    if kind == "librelog.get":
        return "GET", str(value["path"])
    if kind == "service.login" and value.get("service") == "librelog":
        return "POST", str(value["path"])
    return None


def calls(steps: list[dict[str, Any]]) -> list[Call]:
    """The LibreLog calls of a list of steps, each with how far its scenario checks it."""
    found = [(step, _call(step)) for _where, step in iter_steps(steps)]
    out = []
    for step, call in found:
        if call is None:
            continue
        # Another step checks an effect: a step of an effect kind that is not a call to LibreLog,
        # or, for a write, LibreLog read back by another call.
        others = [(s, c) for s, c in found if s is not step]
        effect = any(get(step_kind(s)).effect and c is None for s, c in others) or (
            call[0] in WRITES and any(c is not None and c[0] == "GET" and _expect_of(s) is not None for s, c in others)
        )
        level = "effect" if effect else ("answer" if _asserts_answer(step) else "status")
        out.append(Call(call[0], call[1], level))
    return out


@dataclass(frozen=True)
class Recorded:
    """What a run's generated phases recorded: (scenario id, exact operation, level) calls and the
    reasons they gave for operations they could not reach."""

    calls: list[tuple[str, Call]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # "METHOD /path" -> why not called


def recorded(steps: Iterable[tuple[str, dict[str, Any]]]) -> Recorded:
    """The records of a run's steps, given as (scenario id, the step's attachments by name)."""
    out = Recorded()
    for scenario_id, attachments in steps:
        for entry in attachments.get(EXERCISED) or []:
            out.calls.append((scenario_id, Call(entry["method"], entry["path"], entry["level"])))
        for value in attachments.values():
            if isinstance(value, dict):
                for entry in value.get("not_walked") or []:
                    out.reasons.setdefault(f"{entry['method']} {entry['path']}", f"not walked: {entry['reason']}")
    return out


def _credit(op: Operation, scenario_id: str, level: str, outcomes: dict[str, str]) -> None:
    before = op.scenarios.get(scenario_id)
    if before is None or LEVELS.index(level) < LEVELS.index(before):
        op.scenarios[scenario_id] = level
    if scenario_id in outcomes:
        op.outcomes[scenario_id] = outcomes[scenario_id]


def measure(
    listed: list[dict[str, str]],
    scenarios: list[tuple[str, list[dict[str, Any]]]],
    outcomes: dict[str, str],
    left_out: dict[str, str],
    run: Recorded | None = None,
    same_handler: dict[str, str] | None = None,
) -> list[Operation]:
    """Each listed operation with the scenarios calling it (``scenarios``: id and every step it
    runs, the pack's setup and teardown included; ``run``: what generated phases recorded) and,
    when none does, why it is left out. ``same_handler`` maps a path prefix to the prefix its
    router is also mounted at: an operation no scenario calls takes its twin's calls, marked so."""
    run = run or Recorded()
    ops = [Operation(o["method"], o["path"], o.get("summary", "")) for o in listed]
    by_key = {op.key: op for op in ops}
    for scenario_id, call in run.calls:
        if f"{call.method} {call.path}" in by_key:
            _credit(by_key[f"{call.method} {call.path}"], scenario_id, call.level, outcomes)
    for scenario_id, steps in scenarios:
        for call in calls(steps):
            found = [op for op in ops if op.method == call.method and matches(op.path, call.path)]
            # /logs/{id} and a stray /{revision_id} both match /logs/7 as templates go: the most
            # literal template is the operation called.
            best = max((literal_segments(op.path) for op in found), default=0)
            for op in (op for op in found if literal_segments(op.path) == best):
                _credit(op, scenario_id, call.level, outcomes)
    for op in ops:
        twin = by_key.get(f"{op.method} {_twin(op.path, same_handler or {})}")
        if not op.scenarios and twin is not None and twin is not op and twin.scenarios:
            op.scenarios, op.outcomes, op.same_as = dict(twin.scenarios), dict(twin.outcomes), twin.key
    for op in ops:
        if not op.scenarios:
            op.left_out = run.reasons.get(op.key) or _reason(op, left_out)
    return ops


def _twin(path: str, same_handler: dict[str, str]) -> str:
    for prefix, other in same_handler.items():
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return other.rstrip("/") + path[len(prefix.rstrip("/")) :]
    return path


def _reason(op: Operation, left_out: dict[str, str]) -> str | None:
    exact = left_out.get(op.key)
    if exact:
        return exact
    prefixes = [p for p in left_out if not p.split(" ", 1)[0].isupper() and op.path.startswith(p)]
    return left_out[max(prefixes, key=len)] if prefixes else None


def read_coverage(path: Path | None) -> tuple[dict[str, str], dict[str, str]]:
    """A pack's coverage file: its ``left_out`` reasons and its ``same_handler`` prefixes."""
    if path is None or not path.is_file():
        return {}, {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    left_out = {str(k): str(v) for k, v in (data.get("left_out") or {}).items()}
    return left_out, {str(k): str(v) for k, v in (data.get("same_handler") or {}).items()}


def to_json(ops: list[Operation], source: str) -> dict[str, Any]:
    return {"source": source, "operations": [asdict(op) | {"level": op.level, "write": op.write} for op in ops]}
