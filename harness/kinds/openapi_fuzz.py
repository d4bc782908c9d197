"""``librelog.fuzz``: Schemathesis against a LibreLog's own OpenAPI document, through the
scenario's LibreLog client (its headers and the token ``service.login`` gave it).

Nobody here wrote the cases: Hypothesis generates them from the document, with a fixed seed, so a
run repeats the same search. Every server error and every answer that contradicts the document
(a status it does not list, another content type, a body outside its schema) is a finding; the
findings are attached to the step ("fuzz findings") and fail it. Reads only by default: writes are
fuzzed only when the step names their methods, against an instance kept for verification.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ..effects.common import read_json
from ..running.expect import ExpectationFailed
from .registry import StepContext, StepKind

DEFAULT_SEED = 30719
EXERCISED = "operations exercised"  # the record the API coverage reads: operation and how far checked


@dataclass
class Finding:
    method: str
    path: str  # the operation's template
    called: str  # the path as called
    status: int
    kind: str  # server error, or what of the document the answer contradicts
    detail: str


def _checks() -> list[Callable[..., Any]]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _operation(
    operation: Any, base_url: str, headers: dict[str, str], examples: int, seed: int
) -> tuple[list[Finding], int]:
    """One operation's findings (one per kind of failure and status) and the cases sent."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed
    from schemathesis.core.failures import Failure, FailureGroup

    checks = _checks()
    method, path = operation.method.upper(), operation.path
    found: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    sent = 0

    @fixed_seed(seed)
    @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def probe(case: Any) -> None:
        nonlocal sent
        sent += 1
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=checks)
        except (Failure, FailureGroup) as exc:
            for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                kind = getattr(failure, "title", type(failure).__name__)
                if (kind, response.status_code) not in seen:
                    seen.add((kind, response.status_code))
                    detail = (getattr(failure, "message", "") or response.text or "")[:300]
                    found.append(Finding(method, path, case.formatted_path, response.status_code, kind, detail))

    probe()
    return found, sent


def fuzz(
    document: dict[str, Any],
    base_url: str,
    headers: dict[str, str],
    methods: set[str],
    examples: int,
    seed: int,
    exclude: list[str],
) -> tuple[list[Finding], list[tuple[str, str]], int]:
    """Findings, the operations fuzzed, cases sent (sync: Schemathesis and Hypothesis drive requests)."""
    import schemathesis

    schema = schemathesis.openapi.from_dict(document)
    found: list[Finding] = []
    operations: list[tuple[str, str]] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in methods or any(operation.path.startswith(p) for p in exclude):
            continue
        operations.append((operation.method.upper(), operation.path))
        findings, cases = _operation(operation, base_url, headers, examples, seed)
        found += findings
        sent += cases
    return found, operations, sent


async def _fuzz(context: StepContext) -> None:
    spec = context.spec
    client = context.target.librelog
    document = await read_json(client, spec.get("openapi", "/openapi.json"))
    headers = {k: v for k, v in client.headers.items() if k.lower() in ("authorization", "host")}
    methods = {m.upper() for m in spec.get("methods", ["GET"])}
    findings, operations, sent = await asyncio.to_thread(
        fuzz,
        document,
        str(client.base_url).rstrip("/"),
        headers,
        methods,
        int(spec.get("examples", 5)),
        int(spec.get("seed", DEFAULT_SEED)),
        list(spec.get("exclude", [])),
    )
    context.rec.json(
        "fuzz findings", {"operations": len(operations), "cases": sent, "findings": [asdict(f) for f in findings]}
    )
    # Each answer is checked against the document's schema for it: an answer, not an effect.
    context.rec.json(EXERCISED, [{"method": m, "path": p, "level": "answer"} for m, p in operations])
    context.rec.table(
        "fuzz findings, one by one",
        ["operation", "called", "status", "finding", "detail"],
        [[f"{f.method} {f.path}", f.called, f.status, f.kind, f.detail] for f in findings],
    )
    if not operations:
        raise ExpectationFailed("the fuzz phase found no operation to fuzz: nothing was verified")
    if findings:
        errors = sum(1 for f in findings if f.status >= 500)
        kinds = sorted({f.kind for f in findings})
        raise ExpectationFailed(
            f"{len(findings)} finding(s) over {len(operations)} operation(s) and {sent} generated case(s):"
            f" {errors} server error(s); kinds: {', '.join(kinds)}; first: {findings[0].method} {findings[0].called}"
            f" answered {findings[0].status} ({findings[0].kind})"
        )


KINDS = [
    StepKind(
        "librelog.fuzz",
        "openapi_fuzz",
        _fuzz,
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "openapi": {"type": "string", "pattern": "^/", "description": "where LibreLog serves its document"},
                "methods": {
                    "type": "array",
                    "items": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                    "description": "the methods fuzzed (default GET: reads only)",
                },
                "examples": {"type": "integer", "minimum": 1, "description": "cases per operation (default 5)"},
                "seed": {"type": "integer", "description": "Hypothesis's seed (default 30719)"},
                "exclude": {"type": "array", "items": {"type": "string"}, "description": "path prefixes left out"},
            },
        },
        description="Schemathesis against LibreLog's own OpenAPI document: every server error and every answer"
        " that contradicts the document is a finding",
        effect=True,
        title=lambda spec: (
            f"fuzz LibreLog's {', '.join(spec.get('methods', ['GET']))} operations from its own document"
        ),
    ),
]
