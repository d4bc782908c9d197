"""How much of a foreign LibreLog's API a pack looks at: each operation of its OpenAPI document,
the scenarios that call it, and whether they assert an effect or only an answer.

The document is read by the preflight (``librelog.openapi`` in pack.yaml); the calls are read
from the scenarios themselves (``request`` and ``librelog.get`` steps to LibreLog, the pack's setup
and teardown), and their outcomes from the run. A call is:

- ``effect``: its scenario also checks what the call did, with a step of an effect kind (LibreTime
  read back, the journal, a saved value, LibreLog read back through another call);
- ``answer``: only what the call answered (its JSON, JMESPath, schema) is checked;
- ``status``: only its status code is.

Operations no scenario calls are listed, with the reason the pack's coverage file gives for them
(``coverage.yaml``: ``left_out`` maps a path prefix, or ``METHOD /path``, to a reason).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .kinds.registry import get, step_kind
from .loader import iter_steps

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


def measure(
    listed: list[dict[str, str]],
    scenarios: list[tuple[str, list[dict[str, Any]]]],
    outcomes: dict[str, str],
    left_out: dict[str, str],
) -> list[Operation]:
    """Each listed operation with the scenarios calling it (``scenarios``: id and every step it
    runs, the pack's setup and teardown included) and, when none does, why it is left out."""
    ops = [Operation(o["method"], o["path"], o.get("summary", "")) for o in listed]
    for scenario_id, steps in scenarios:
        for call in calls(steps):
            found = [op for op in ops if op.method == call.method and matches(op.path, call.path)]
            # /logs/{id} and a stray /{revision_id} both match /logs/7 as templates go: the most
            # literal template is the operation called.
            best = max((literal_segments(op.path) for op in found), default=0)
            for op in (op for op in found if literal_segments(op.path) == best):
                before = op.scenarios.get(scenario_id)
                if before is None or LEVELS.index(call.level) < LEVELS.index(before):
                    op.scenarios[scenario_id] = call.level
                if scenario_id in outcomes:
                    op.outcomes[scenario_id] = outcomes[scenario_id]
    for op in ops:
        if not op.scenarios:
            op.left_out = _reason(op, left_out)
    return ops


def _reason(op: Operation, left_out: dict[str, str]) -> str | None:
    exact = left_out.get(op.key)
    if exact:
        return exact
    prefixes = [p for p in left_out if not p.split(" ", 1)[0].isupper() and op.path.startswith(p)]
    return left_out[max(prefixes, key=len)] if prefixes else None


def read_left_out(path: Path | None) -> dict[str, str]:
    if path is None or not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (data.get("left_out") or {}).items()}


def to_json(ops: list[Operation], source: str) -> dict[str, Any]:
    return {"source": source, "operations": [asdict(op) | {"level": op.level, "write": op.write} for op in ops]}
