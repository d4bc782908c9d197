"""Expectations on a response: status, JSON subset, JMESPath assertions, schemas, headers.

Every expectation is checked and every failure reported together, so one run shows the whole
difference, not just the first.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import jmespath

_MISSING = object()


class ExpectationFailed(AssertionError):
    """The system under test did not do what the scenario says (a product defect)."""

    harness_kind = "FAILED CHECK"


@dataclass
class Observed:
    status: int
    headers: httpx.Headers
    text: str
    _json: Any = _MISSING
    content: bytes = b""

    @classmethod
    def of(cls, response: httpx.Response) -> Observed:
        return cls(response.status_code, response.headers, response.text, content=response.content)

    @property
    def json(self) -> Any:
        if self._json is _MISSING:
            try:
                self._json = json.loads(self.text) if self.text else None
            except ValueError:
                self._json = None
        return self._json


def subset_diff(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """Differences where ``actual`` does not contain ``expected`` (dicts: keys given; lists: same length)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {json.dumps(actual)[:120]}"]
        out = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{where}.{key}: missing (expected {json.dumps(value)[:120]})")
            else:
                out += subset_diff(value, actual[key], f"{where}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            size = len(actual) if isinstance(actual, list) else "not a list"
            return [f"{where}: expected {len(expected)} items, got {size}"]
        return [
            d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in subset_diff(e, a, f"{where}[{i}]")
        ]
    if expected != actual or (type(expected) is bool and type(actual) is not bool):
        return [f"{where}: expected {json.dumps(expected)}, got {json.dumps(actual)[:200]}"]
    return []


def jmespath_failures(rules: list[dict[str, Any]], document: Any) -> list[str]:
    out = []
    for rule in rules:
        path = rule["path"]
        value = jmespath.search(path, document)
        shown = json.dumps(value)[:200]
        if "exists" in rule and (value is not None) != rule["exists"]:
            out.append(f"{path}: expected {'a value' if rule['exists'] else 'nothing'}, got {shown}")
        if "equals" in rule and value != rule["equals"]:
            out.append(f"{path}: expected {json.dumps(rule['equals'])}, got {shown}")
        if "contains" in rule and (not isinstance(value, (list, str)) or rule["contains"] not in value):
            out.append(f"{path}: expected to contain {json.dumps(rule['contains'])}, got {shown}")
        if "not_contains" in rule and isinstance(value, (list, str)) and rule["not_contains"] in value:
            out.append(f"{path}: expected not to contain {json.dumps(rule['not_contains'])}, got {shown}")
        if "length" in rule and (not hasattr(value, "__len__") or len(value) != rule["length"]):
            out.append(f"{path}: expected length {rule['length']}, got {shown}")
        for op, test in (("gte", lambda a, b: a >= b), ("lte", lambda a, b: a <= b)):
            if op in rule and (not isinstance(value, (int, float)) or not test(value, rule[op])):
                out.append(f"{path}: expected {op} {rule[op]}, got {shown}")
        if "matches" in rule and (not isinstance(value, str) or not re.search(rule["matches"], value)):
            out.append(f"{path}: expected to match /{rule['matches']}/, got {shown}")
        if "each_matches" in rule:
            if not isinstance(value, list) or not value:
                out.append(f"{path}: expected a list of strings, each matching /{rule['each_matches']}/, got {shown}")
            else:
                bad = [v for v in value if not isinstance(v, str) or not re.search(rule["each_matches"], v)]
                if bad:
                    out.append(f"{path}: {len(bad)} of {len(value)} do not match /{rule['each_matches']}/: {bad[:3]}")
    return out


@cache
def _openapi() -> dict[str, Any]:
    from stubs.libretime.openapi import schema

    return schema()


def libretime_schema_failures(operation: str, status: int, document: Any) -> list[str]:
    """Validate against LibreTime's own OpenAPI response schema, e.g. ``GET /api/v2/files/{id}``."""
    from openapi_schema_validator import OAS30Validator

    method, _, path = operation.partition(" ")
    spec = _openapi()
    try:
        schema = spec["paths"][path][method.lower()]["responses"][str(status)]["content"]["application/json"]["schema"]
    except KeyError:
        return [f"LibreTime's schema has no {operation} → {status} JSON response"]
    validator = OAS30Validator({**schema, "components": spec["components"]})
    return [f"LibreTime schema: {list(e.path)}: {e.message}" for e in validator.iter_errors(document)][:10]


def failures(expect: dict[str, Any], observed: Observed) -> list[str]:
    out: list[str] = []
    status = expect.get("status")
    allowed = status if isinstance(status, list) else [status] if status is not None else None
    if allowed is not None and observed.status not in allowed:
        out.append(f"status: expected {' or '.join(map(str, allowed))}, got {observed.status}: {observed.text[:300]}")
    needs_json = any(k in expect for k in ("json", "json_exact", "jmespath", "schema", "libretime_schema"))
    document = observed.json
    if needs_json and document is None and observed.text.strip() not in ("null",):
        out.append(f"body: expected JSON, got {observed.text[:200]!r}")
        return out
    if "json" in expect:
        out += subset_diff(expect["json"], document)
    if "json_exact" in expect and document != expect["json_exact"]:
        out.append(f"body: expected exactly {json.dumps(expect['json_exact'])[:300]}, got {observed.text[:300]}")
    if "jmespath" in expect:
        out += jmespath_failures(expect["jmespath"], document)
    if "schema" in expect:
        from jsonschema import Draft202012Validator

        out += [
            f"schema: {list(e.path)}: {e.message}" for e in Draft202012Validator(expect["schema"]).iter_errors(document)
        ]
    if "libretime_schema" in expect:
        out += libretime_schema_failures(expect["libretime_schema"], observed.status, document)
    for name, value in expect.get("headers", {}).items():
        actual = observed.headers.get(name)
        if value is None and actual is not None:
            out.append(f"header {name}: expected absent, got {actual!r}")
        elif value is not None and (actual is None or value not in actual):
            out.append(f"header {name}: expected {value!r}, got {actual!r}")
    if "body_md5" in expect:
        digest = hashlib.md5(observed.content).hexdigest()  # noqa: S324 - LibreTime's checksum
        if digest != expect["body_md5"]:
            out.append(f"body: md5 {digest} ({len(observed.content)} bytes), expected {expect['body_md5']}")
    if "body_contains" in expect and expect["body_contains"] not in observed.text:
        out.append(f"body: expected to contain {expect['body_contains']!r}")
    if "body_not_contains" in expect and expect["body_not_contains"] in observed.text:
        out.append(f"body: expected not to contain {expect['body_not_contains']!r}")
    return out
