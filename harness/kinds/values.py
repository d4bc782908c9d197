"""Step kinds on values a scenario saved (from a response, a command, a LibreTime read):
``value.expect`` checks one with the response vocabulary, ``value.collections_match`` checks
that one collection holds another item by item (missing, duplicated, differing fields)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jmespath
from jmespath.exceptions import JMESPathError

from ..errors import HarnessError
from ..running.expect import ExpectationFailed, Observed, failures
from .registry import StepContext, StepKind


async def _expect(context: StepContext) -> None:
    spec = context.spec
    value = spec["value"]
    context.rec.json(spec.get("what", "the value"), value)
    expect = {k: v for k, v in spec.items() if k not in ("value", "what")}
    problems = failures(expect, Observed(200, httpx.Headers(), json.dumps(value)))
    if problems:
        raise ExpectationFailed(f"{spec.get('what', 'the value')}: " + "; ".join(problems))


def _search(expression: str, item: Any) -> Any:
    try:
        return jmespath.search(expression, item)
    except JMESPathError as exc:
        raise HarnessError(f"{expression!r} is not a valid JMESPath expression: {exc}") from None


def _key(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def collection_differences(spec: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Problems in words, and the evidence table (one row per expected item)."""
    expected, actual = spec["expected"], spec["actual"]
    for name, value in (("expected", expected), ("actual", actual)):
        if not isinstance(value, list):
            raise HarnessError(f"value.collections_match: {name} is {type(value).__name__}, not a list")
    held: dict[str, list[Any]] = {}
    for item in actual:
        held.setdefault(_key(_search(spec["actual_key"], item)), []).append(item)
    fields: dict[str, str] = spec.get("fields", {})
    problems: list[str] = []
    table = []
    seen = set()
    for item in expected:
        key = _key(_search(spec["expected_key"], item))
        seen.add(key)
        found = held.get(key, [])
        if not found:
            problems.append(f"{key}: missing")
            table.append([key, "missing", ""])
            continue
        if len(found) > 1:
            problems.append(f"{key}: held {len(found)} times")
        wrong = []
        for want_path, got_path in fields.items():
            want, got = _search(want_path, item), _search(got_path, found[0])
            if want != got:
                wrong.append(f"{got_path} {json.dumps(got)}, expected {json.dumps(want)} ({want_path})")
        problems += [f"{key}: {text}" for text in wrong]
        table.append([key, "held" if len(found) == 1 else f"held {len(found)} times", "; ".join(wrong) or "✓"])
    if spec.get("exact"):
        extra = sorted(k for k in held if k not in seen)
        problems += [f"{k}: not expected" for k in extra]
        table += [[k, "not expected", ""] for k in extra]
    return problems, table


async def _collections(context: StepContext) -> None:
    spec = context.spec
    problems, table = collection_differences(spec)
    what = spec.get("what", "the collection")
    context.rec.table(f"{what}: item by item", ["key", "found", "differences"], table)
    if problems:
        shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more" if len(problems) > 6 else "")
        raise ExpectationFailed(
            f"{what}: {len(problems)} difference(s) over {len(spec['expected'])} expected item(s): {shown}"
        )


EXPECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["value"],
    "properties": {
        "value": {"description": "the value checked, usually a template: '{{ rows }}'"},
        "what": {"type": "string", "description": "how the evidence and failures name the value"},
        "json": {},
        "json_exact": {},
        "jmespath": {"$ref": "#/$defs/expect/properties/jmespath"},
    },
    "additionalProperties": False,
}
COLLECTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["expected", "actual", "expected_key", "actual_key"],
    "additionalProperties": False,
    "properties": {
        "expected": {"description": "the items that must be held (a list, usually a template)"},
        "actual": {"description": "the items held (a list)"},
        "expected_key": {"type": "string", "description": "JMESPath: an expected item's key"},
        "actual_key": {"type": "string", "description": "JMESPath: a held item's key (keys compare as text)"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "JMESPath in an expected item: JMESPath in the held item; the values must be equal",
        },
        "exact": {"type": "boolean", "description": "nothing else may be held (default false)"},
        "what": {"type": "string"},
    },
}

KINDS = [
    StepKind(
        "value.expect",
        "values",
        _expect,
        EXPECT_SCHEMA,
        description="check a saved value with the response expectations (json, json_exact, jmespath)",
        effect=True,
        title=lambda spec: f"check {spec.get('what', 'a saved value')}",
    ),
    StepKind(
        "value.collections_match",
        "values",
        _collections,
        COLLECTIONS_SCHEMA,
        description="one saved collection holds another's items, once each, with equal fields",
        effect=True,
        title=lambda spec: f"{spec.get('what', 'the collection')}: every expected item held once, fields equal",
    ),
]
