"""DRF's request order for every route: authenticate, then check the method, then handle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from aiohttp import web

from ..appkeys import CONFIG
from ..auth import authenticate_legacy, authenticate_v2
from ..errors import LegacyError, method_not_allowed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Gate = Literal["v2", "public", "legacy", "none"]


def endpoint(methods: dict[str, Handler], gate: Gate = "v2") -> Handler:
    allowed = ", ".join(sorted({*methods, "OPTIONS"} | ({"HEAD"} if "GET" in methods else set())))

    async def dispatch(request: web.Request) -> web.StreamResponse:
        config = request.app[CONFIG]
        if gate in ("v2", "public"):
            authenticate_v2(request, config, public=gate == "public")
        elif gate == "legacy":
            authenticate_legacy(request, config)
        method = "GET" if request.method == "HEAD" else request.method
        handler = methods.get(method)
        if handler is None:
            if method == "OPTIONS":
                return web.Response(status=200, headers={"Allow": allowed})
            if gate == "legacy":
                raise LegacyError(405, f"ERROR: Method {request.method} not allowed.")
            raise method_not_allowed(request.method)
        return await handler(request)

    return dispatch
