"""Schemathesis checks for fuzzing the LibreTime stub (loaded through ``SCHEMATHESIS_HOOKS``).

The stub answers 500 exactly where upstream LibreTime does: that fidelity is the point of it. So
the fuzz run does not use ``not_a_server_error`` as is, but this check, which accepts a 500 only
for the upstream crashes the stub mirrors on purpose (LIBRETIME.md) and fails on any other.
"""

from __future__ import annotations

import json
import re
from typing import Any

import schemathesis

_LIBRARY = re.compile(r"^/api/v2/libraries/[^/]+$")
_SCHEDULE_ROW = re.compile(r"^/api/v2/schedule/[^/]+$")
_DOWNLOAD = re.compile(r"^/api/v2/files/[^/]+/download$")
_FAR_OFFSET = re.compile(r"[T ][0-9:.]+[+-](1[6-9]|2\d):?\d{2}$")


def _fields(case: Any) -> dict[str, Any]:
    body = case.body
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body)
        except ValueError:
            return {}
    return body if isinstance(body, dict) else {}


def upstream_crash(method: str, path: str, fields: dict[str, Any], query: dict[str, Any] | None = None) -> str | None:
    """Which upstream 500 this request reproduces, or None."""
    far = any(isinstance(v, str) and _FAR_OFFSET.search(v) for v in (query or {}).values())
    if method == "GET" and path == "/api/v2/schedule" and far:
        return "a datetime filter with a UTC offset PostgreSQL cannot hold (beyond ±15:59)"
    if (
        method == "POST"
        and path == "/api/v2/libraries"
        and (fields.get("description") is None or fields.get("name") is None)
    ):
        return "a track type without description or name (NOT NULL columns the serializer lets through)"
    if method == "POST" and path == "/api/v2/webstreams" and fields.get("owner") is None:
        return "a webstream without an owner (cc_webstream.creator_id is NOT NULL)"
    if method == "DELETE" and _LIBRARY.match(path):
        return "deleting a track type that files still use (ProtectedError)"
    if method in ("PUT", "PATCH") and _SCHEDULE_ROW.match(path) and "starts_at" in fields:
        return "changing a schedule row's starts_at (saved, then the response fails)"
    if method == "GET" and _DOWNLOAD.match(path):
        return "downloading a file that has no filepath (os.path.join with None)"
    return None


@schemathesis.check
def stub_server_error_is_upstreams(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 5xx from the stub is a stub bug unless upstream LibreTime crashes the same way."""
    if response.status_code < 500:
        return None
    crash = upstream_crash(case.method.upper(), case.formatted_path, _fields(case), case.query)
    if response.status_code == 500 and crash:
        return None
    raise AssertionError(f"{response.status_code} from the stub on {case.method.upper()} {case.formatted_path}")
