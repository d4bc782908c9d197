"""What can go wrong talking to LibreTime, as exceptions callers can catch precisely.

Each carries the upstream facts (method, path, status, a body excerpt) with secrets removed,
so the HTTP layer can put them in ``details.upstream`` without leaking anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Upstream:
    method: str
    path: str
    status: int | None = None
    body: str | None = None
    attempts: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "body": self.body,
            "attempts": self.attempts,
        }


class LibreTimeError(Exception):
    """Base class. ``code`` is LibreLog's error code for it, ``status`` the HTTP status LibreLog answers."""

    code = "libretime_error"
    status = 502

    def __init__(self, message: str, upstream: Upstream | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.upstream = upstream


class LibreTimeNotConfigured(LibreTimeError):
    code = "libretime_not_configured"
    status = 503


class LibreTimeUnreachable(LibreTimeError):
    """Connection refused, reset or dropped before a response."""

    code = "libretime_unreachable"


class LibreTimeTimeout(LibreTimeError):
    code = "libretime_timeout"
    status = 504


class LibreTimeAuthFailed(LibreTimeError):
    """LibreTime answered 401/403: the API key (not LibreLog's own token) is wrong."""

    code = "libretime_auth_failed"


class LibreTimeRejected(LibreTimeError):
    """LibreTime refused the request (another 4xx): the body names why."""

    code = "libretime_rejected"


class LibreTimeBadResponse(LibreTimeError):
    """LibreTime failed (5xx) or answered something unusable (malformed JSON, wrong shape)."""

    code = "libretime_error"
