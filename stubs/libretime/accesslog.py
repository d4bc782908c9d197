"""An access log that cannot leak the key: the request line goes through the journal's redactor."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from .appkeys import JOURNAL


class RedactingAccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        line = f"{request.method} {request.path_qs}"
        app = request.match_info.current_app if isinstance(request, web.Request) else None
        if app is not None and JOURNAL in app:
            line = app[JOURNAL].redactor.text(line)
        self.logger.info("%s %s %s %.1fms", request.remote, line, response.status, time * 1000)
