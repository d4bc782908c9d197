"""Helpers shared by the route modules."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .. import ids
from ..errors import NotFound, invalid


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(body).encode(), status=status, content_type="application/json")


async def read_json(request: web.Request, *, required: bool = True) -> Any:
    raw = await request.read()
    if not raw.strip():
        if required:
            raise invalid("body", "Required: a JSON body.")
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("body", f"Malformed JSON: {exc}") from None


def path_id(request: web.Request, name: str = "id") -> int:
    raw = request.match_info[name]
    value = ids.path_id(raw)
    if value is None:
        raise NotFound(f"No such {name}: {raw[:40]!r}.")
    return value


def query_int(request: web.Request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:  # present but empty is a value, and not an integer
        return default
    value = ids.query_int(raw)
    if value is None or not low <= value <= high:
        raise invalid(name, f"An integer from {low} to {high}.")
    return value
