"""Forwarding one request to LibreTime and its answer back, unchanged but for hop-by-hop headers.

Only the configured LibreTime is ever contacted: an absolute-form request naming another origin
(a client using the interposer as an open proxy) is refused. When LibreTime cannot be reached the
answer is the interposer's own 502 (504 when it is too slow), saying so, so that no report blames
LibreTime for what the interposer could not do.
"""

from __future__ import annotations

import json

import aiohttp
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

from .keys import CONFIG, SESSION

NAME = "librelog-verify interposer"
# RFC 9110 7.6.1: meaningful for one connection only; never passed on. Host and length are the
# client library's to set for the new connection.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
MARK_HEADER = "X-Librelog-Verify-Interposer"


def own_answer(status: int, detail: str, why: str) -> web.Response:
    """An answer the interposer makes itself, marked as such (DRF's error shape, so clients read it)."""
    return web.Response(
        status=status,
        body=json.dumps({"detail": f"{NAME}: {detail}"}).encode(),
        content_type="application/json",
        headers={MARK_HEADER: why},
    )


def _same_origin(a: URL, b: URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


async def forward(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    upstream = URL(config.upstream)
    asked = URL(request.raw_path)  # absolute-form ("GET http://host/...") when used as a proxy
    if request.method == "CONNECT" or (asked.is_absolute() and not _same_origin(asked, upstream)):
        return own_answer(
            400,
            f"forwards only to LibreTime at {upstream}, not to {asked.origin() if asked.is_absolute() else asked}",
            "refused",
        )
    target = upstream.with_path(upstream.path.rstrip("/") + request.rel_url.path, encoded=False).with_query(
        request.rel_url.query
    )
    headers = CIMultiDict((k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP)
    body = await request.read()
    try:
        async with request.app[SESSION].request(
            request.method, target, headers=headers, data=body or None, allow_redirects=False
        ) as answer:
            payload = await answer.read()
            out = CIMultiDict((k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP)
            return web.Response(status=answer.status, body=payload, headers=out)
    except TimeoutError:
        return own_answer(
            504, f"LibreTime at {upstream} did not answer in {config.upstream_timeout_s:g} s", "upstream_timeout"
        )
    except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        return own_answer(502, f"LibreTime at {upstream} is unreachable: {reason}", "upstream_unreachable")
