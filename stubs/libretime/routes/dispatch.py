"""DRF's request order for every route: authenticate, then check the method, then handle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from aiohttp import web

from ..appkeys import CONFIG
from ..auth import authenticate_v2
from ..errors import StubError, method_not_allowed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Gate = Literal["v2", "public", "none"]


# DRF lists a view's methods in Django's http_method_names order, HEAD beside GET.
_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def endpoint(methods: dict[str, Handler], gate: Gate = "v2") -> Handler:
    offered = {*methods, "OPTIONS"} | ({"HEAD"} if "GET" in methods else set())
    allowed = ", ".join(m for m in _ORDER if m in offered)

    async def dispatch(request: web.Request) -> web.StreamResponse:
        # Every response a DRF view renders (errors included) carries Allow; a crash does not.
        try:
            response = await _handle(request)
        except StubError as exc:
            response = exc.response()
        if response.status != 500:
            response.headers["Allow"] = allowed
        return response

    async def _handle(request: web.Request) -> web.StreamResponse:
        config = request.app[CONFIG]
        if gate in ("v2", "public"):
            authenticate_v2(request, config, public=gate == "public")
        method = "GET" if request.method == "HEAD" else request.method
        handler = methods.get(method)
        if handler is None:
            if method == "OPTIONS":
                return web.Response(status=200, headers={"Allow": allowed})
            raise method_not_allowed(request.method)
        return await handler(request)

    return dispatch
