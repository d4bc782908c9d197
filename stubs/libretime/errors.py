"""Typed errors the routes raise, and the exact upstream bodies they turn into.

DRF errors are JSON (``{"detail": ...}`` or ``{"field": [...]}``); Django's own 404/500 pages and
nginx's 413 are HTML; the integration extension answers ``{"success": false, "error", "errors"}``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

DJANGO_404 = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n'
    "  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"
)
DJANGO_500 = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n'
    "  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n"
)
NGINX_404 = (
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
NGINX_413 = (
    "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
    "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(body, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def html_response(text: str, status: int) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def nginx_page(text: str, status: int) -> web.Response:
    """nginx's own error pages: ``text/html`` without a charset."""
    return web.Response(body=text.encode(), status=status, headers={"Content-Type": "text/html"})


class StubError(Exception):
    """Base of every error a route raises on purpose; ``response()`` is what the client sees."""

    status = 500

    def response(self) -> web.Response:
        raise NotImplementedError


class DRFError(StubError):
    """An error DRF would answer with a JSON body."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body

    def response(self) -> web.Response:
        return json_response(self.body, self.status)


def drf_detail(status: int, detail: str) -> DRFError:
    return DRFError(status, {"detail": detail})


NOT_AUTHENTICATED = "Authentication credentials were not provided."


def not_authenticated() -> DRFError:
    return drf_detail(403, NOT_AUTHENTICATED)


def not_found(model: str) -> DRFError:
    return drf_detail(404, f"No {model} matches the given query.")


def method_not_allowed(method: str) -> DRFError:
    return drf_detail(405, f'Method "{method}" not allowed.')


class ValidationFailed(DRFError):
    """DRF's ValidationError: ``{"field": ["message", ...]}``."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(400, errors)
        self.errors = errors


class HTMLError(StubError):
    def __init__(self, status: int, html: str) -> None:
        super().__init__(f"{status} html")
        self.status = status
        self.html = html

    def response(self) -> web.Response:
        return html_response(self.html, self.status)


def route_not_found() -> HTMLError:
    return HTMLError(404, DJANGO_404)


def upstream_500() -> HTMLError:
    """What LibreTime answers when Django raises (documented upstream bugs the stub mirrors)."""
    return HTMLError(500, DJANGO_500)


class IntegrationError(StubError):
    """Error of the integration extension: ``{"success": false, "error", "errors"}``."""

    def __init__(self, status: int, error: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.errors = errors or {}

    def response(self) -> web.Response:
        return json_response({"success": False, "error": self.error, "errors": self.errors}, self.status)


# What the legacy PHP app's error controller renders (LibreTime's "Oops!" page), in short.
LEGACY_ERROR_PAGE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"'
    ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml">\n\n<head>\n'
    '    <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
    "    <title>An error has occurred.</title>\n</head>\n\n<body>\n"
    '    <div class="error-content" id="error-{status}">\n'
    "        <h2>Oops!</h2>\n        <p>Something went wrong!</p>\n    </div>\n</body>\n\n</html>\n"
)
# Every answer of the legacy app carries PHP's session cache headers.
PHP_HEADERS = {
    "Expires": "Thu, 19 Nov 1981 08:52:00 GMT",
    "Cache-Control": "no-store, no-cache, must-revalidate",
    "Pragma": "no-cache",
}


def legacy_response(body: bytes | str, status: int) -> web.Response:
    """The PHP app labels everything it says, JSON included, ``text/html; charset=UTF-8``."""
    data = body.encode() if isinstance(body, str) else body
    return web.Response(body=data, status=status, headers={"Content-Type": "text/html; charset=UTF-8", **PHP_HEADERS})


class LegacyError(StubError):
    """An answer of the legacy PHP app other than a success: its text, or its error page after it
    (``page``: the error controller rendered the exception)."""

    def __init__(self, status: int, text: str = "", *, page: bool = False) -> None:
        super().__init__(text or f"{status} error page")
        self.status = status
        self.text = text
        self.page = page

    def response(self) -> web.Response:
        page = LEGACY_ERROR_PAGE.format(status=self.status) if self.page else ""
        return legacy_response(self.text + page, self.status)


class ControlError(StubError):
    """Bad request to the stub's own control plane."""

    def __init__(self, status: int, error: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.errors = errors or {}

    def response(self) -> web.Response:
        return json_response({"error": self.error, "errors": self.errors}, self.status)
