"""The differential fuzz phase: the same Schemathesis-generated requests (fixed seed) to the stub
and to LibreTime, their status classes compared.

Only requests that cannot change what a station already holds are sent: reads of the contract's
routes that name no id, and creates on its collections, each created row removed (files hidden)
at once.
Updates and deletes of existing ids are never generated: a random id may be a station's real show.
Point it at a test LibreTime all the same: a create is briefly there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from .capture import Server
from .probe import CONTRACT

COLLECTIONS = ("files", "shows", "show-instances", "schedule", "playout-history", "libraries", "webstreams")


@dataclass(frozen=True)
class FuzzDifference:
    method: str
    path: str
    body: Any
    stub: int
    libretime: int
    stub_says: str = ""  # the start of each answer: what a reader needs to see why
    libretime_says: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            # Generated bodies hold any code point (lone surrogates too): kept as escaped JSON text.
            "body": json.dumps(self.body, ensure_ascii=True, default=repr)[:500],
            "stub": self.stub,
            "libretime": self.libretime,
            "stub_says": self.stub_says,
            "libretime_says": self.libretime_says,
        }


def _in_contract(path: str) -> bool:
    route = path.removeprefix("/api/v2/")
    return any(route == c or route.startswith(c + "/") for c in CONTRACT)


def _safe(method: str, path: str) -> bool:
    if method == "GET":
        # A random id names whatever that station happens to hold: reads of members compare data.
        return _in_contract(path) and "{" not in path
    route = path.removeprefix("/api/v2/")
    return method == "POST" and route in COLLECTIONS


def _remove(http: httpx.Client, path: str, response: Any) -> None:
    try:
        row_id = response.json().get("id")
    except (ValueError, AttributeError):
        return
    if row_id is None:
        return
    http.delete(f"{path}/{row_id}")
    if path.endswith("/files"):
        http.patch(f"{path}/{row_id}", json={"hidden": True, "library": None, "genre": "librelog-verify"})


MISSING_ROW = re.compile(r'^Invalid pk "\d+" - object does not exist\.$')


def _only_missing_rows(stub_status: int, stub_said: str) -> bool:
    """The stub refused only references to rows it does not hold, in LibreTime's own words: a
    generated id that names a row of the real station (its own content), not a contract difference."""
    if stub_status != 400:
        return False
    try:
        errors = json.loads(stub_said)
    except ValueError:
        return False
    if not isinstance(errors, dict) or not errors:
        return False
    messages = [m for value in errors.values() for m in (value if isinstance(value, list) else [value])]
    return all(isinstance(m, str) and MISSING_ROW.match(m) for m in messages)


# Schemathesis's own default is 10 s: a station's LibreTime lists a library of tens of thousands of
# files (GET /api/v2/files, unpaginated) in about as long, more while other probes run.
CALL_TIMEOUT_S = 60


def run(
    stub: Server, real: Server, examples: int, seed: int, progress: Callable[[str], None] = print
) -> list[FuzzDifference]:
    """Sync (Schemathesis and Hypothesis drive requests themselves); returns status-class differences."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed

    from stubs.libretime import openapi

    schema = schemathesis.openapi.from_dict(openapi.schema())
    found: list[FuzzDifference] = []
    key = {"Authorization": f"Api-Key {real.api_key}"}
    with (
        httpx.Client(base_url=stub.base_url, headers=key, timeout=30) as a,
        httpx.Client(base_url=real.base_url, headers=key, timeout=30) as b,
    ):
        for result in schema.get_all_operations():
            operation = result.ok()
            method, path = operation.method.upper(), operation.path
            if not _safe(method, path):
                continue

            @fixed_seed(seed)
            @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def probe(case: Any) -> None:
                answers, said = [], []
                for server, http in ((stub, a), (real, b)):
                    response = case.call(base_url=server.base_url, headers=key, timeout=CALL_TIMEOUT_S)
                    answers.append(response.status_code)
                    said.append(response.text[:200])
                    if response.status_code == 201:
                        _remove(http, case.formatted_path, response)
                if answers[0] // 100 != answers[1] // 100 and not _only_missing_rows(answers[0], said[0]):
                    body = case.body if isinstance(case.body, (dict, list, str, int, float)) else None
                    if case.query:
                        body = {"query": case.query, "body": body}
                    found.append(FuzzDifference(case.method.upper(), case.formatted_path, body, *answers, *said))

            probe()
            progress(f"fuzz {method} {path}: done")
    return found
