"""The request journal: what the stub received, for tests to assert on (WireMock's requests log).

Secrets never enter it: Authorization and Cookie headers are redacted, and any occurrence of the
API key (or its Basic/base64 form) elsewhere in a request is replaced before the entry is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import time
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from ..redaction import Redactor

REDACTED = "[REDACTED]"
SECRET_HEADERS = {"authorization", "cookie", "proxy-authorization", "x-api-key"}
EXCERPT_LIMIT = 4096
JSON_LIMIT = 2 * 1024 * 1024


class Journal:
    def __init__(self, limit: int, redactor: Redactor) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._ids = itertools.count(1)
        self.redactor = redactor

    def record(
        self,
        *,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: Iterable[tuple[str, str]],
        body: bytes | None,
        body_summary: Any,
        content_type: str,
        status: int | None,
        fault: str | None,
        started: float,
        duration_ms: float,
        remote: str | None,
    ) -> dict[str, Any]:
        redact = self.redactor
        entry: dict[str, Any] = {
            "id": next(self._ids),
            "timestamp": datetime.fromtimestamp(started, UTC).isoformat().replace("+00:00", "Z"),
            "method": method,
            "path": redact.text(path),
            "query": {},
            "headers": {},
            "body_size": len(body) if body is not None else None,
            # What was sent, comparable without keeping it (uploads are megabytes).
            "body_sha256": hashlib.sha256(body).hexdigest() if body else None,
            "body_excerpt": None,
            "json": None,
            "status": status,
            "fault": fault,
            "duration_ms": round(duration_ms, 3),
            "remote": remote,
        }
        for key, value in query:
            entry["query"].setdefault(redact.text(key), []).append(redact.text(value))
        entry["query"] = {k: v[0] if len(v) == 1 else v for k, v in entry["query"].items()}
        for key, value in headers:
            entry["headers"][key] = REDACTED if key.lower() in SECRET_HEADERS else redact.text(value)
        if body_summary is not None:
            entry["json"] = redact.deep(body_summary)
        elif body:
            entry["body_excerpt"] = redact.text(body[:EXCERPT_LIMIT].decode("utf-8", "replace"))
            if content_type == "application/json" and len(body) <= JSON_LIMIT:
                # A malformed body stays visible through body_excerpt.
                with contextlib.suppress(ValueError):
                    entry["json"] = redact.deep(json.loads(body))
        self._entries.append(entry)
        return entry

    def record_request(
        self,
        request: web.Request,
        *,
        body: bytes | None,
        body_summary: Any,
        status: int | None,
        fault: str | None,
        started: float,
        perf_started: float,
    ) -> dict[str, Any]:
        """``record`` with what the request itself says (the stub's and the interposer's journal)."""
        return self.record(
            method=request.method,
            path=request.path,
            query=list(request.query.items()),
            headers=request.headers.items(),
            body=body,
            body_summary=body_summary,
            content_type=request.content_type,
            status=status,
            fault=fault,
            started=started,
            duration_ms=(time.perf_counter() - perf_started) * 1000,
            remote=request.remote,
        )

    def entries(self, *, method: str | None = None, path: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        return [
            e
            for e in self._entries
            if e["id"] > since
            and (method is None or e["method"] == method.upper())
            and (path is None or e["path"] == path or (path.endswith("*") and e["path"].startswith(path[:-1])))
        ]

    def clear(self) -> None:
        self._entries.clear()
