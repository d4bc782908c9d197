"""Fault injection: rules that make chosen requests slow, failing or broken (WireMock's faults).

A rule matches on method and path (exact ``path`` or regex ``path_pattern``), lets the first
``skip`` matching requests through, then fires at most ``times`` times (unlimited when absent)
with ``probability`` (default 1); the newest matching rule wins, as in WireMock.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .errors import ControlError

FAULT_TYPES = (
    "delay",
    "status",
    "connection_reset",
    "empty_response",
    "malformed_json",
    "timeout",
    "garbled",
    "wrong_content_type",
)


@dataclass
class FaultRule:
    id: int
    fault: str
    method: str | None = None
    path: str | None = None
    path_pattern: str | None = None
    delay_ms: int | None = None
    status: int | None = None
    body: Any = None
    content_type: str | None = None
    times: int | None = None
    probability: float = 1.0
    skip: int = 0
    seen: int = 0
    hits: int = 0
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path is not None and self.path != path:
            return False
        return self._regex is None or self._regex.fullmatch(path) is not None

    def passes_skip(self) -> bool:
        """The first ``skip`` matching requests go through untouched (e.g. fail the 3rd POST)."""
        self.seen += 1
        return self.seen > self.skip

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "match": {"method": self.method, "path": self.path, "path_pattern": self.path_pattern},
            "fault": self.fault,
            "delay_ms": self.delay_ms,
            "status": self.status,
            "body": self.body,
            "content_type": self.content_type,
            "times": self.times,
            "probability": self.probability,
            "skip": self.skip,
            "hits": self.hits,
            "remaining": None if self.times is None else max(0, self.times - self.hits),
        }


def _int_field(raw: dict[str, Any], name: str, errors: dict[str, list[str]], *, low: int, high: int) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[name] = [f"must be an integer from {low} to {high}"]
        return None
    return value


class FaultRegistry:
    def __init__(self, seed: int | None) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._random = random.Random(seed)
        self.shutdown = asyncio.Event()

    def add(self, raw: Any) -> FaultRule:
        """Validate a rule from the control plane; every bad field is reported at once."""
        if not isinstance(raw, dict):
            raise ControlError(400, "a fault rule must be a JSON object")
        errors: dict[str, list[str]] = {}
        match = raw.get("match", {})
        if not isinstance(match, dict):
            errors["match"] = ["must be an object with method, path or path_pattern"]
            match = {}
        fault = raw.get("fault")
        if fault not in FAULT_TYPES:
            errors["fault"] = [f"must be one of {', '.join(FAULT_TYPES)}"]
        method = match.get("method")
        if method is not None and not isinstance(method, str):
            errors["match.method"] = ["must be a string"]
        path = match.get("path")
        if path is not None and not (isinstance(path, str) and path.startswith("/")):
            errors["match.path"] = ["must be a path starting with /"]
        pattern = match.get("path_pattern")
        regex = None
        if pattern is not None:
            try:
                regex = re.compile(pattern)
            except (re.error, TypeError) as exc:
                errors["match.path_pattern"] = [f"invalid regular expression: {exc}"]
        delay_ms = _int_field(raw, "delay_ms", errors, low=0, high=600_000)
        status = _int_field(raw, "status", errors, low=100, high=599)
        times = _int_field(raw, "times", errors, low=1, high=1_000_000)
        skip = _int_field(raw, "skip", errors, low=0, high=1_000_000) or 0
        probability = raw.get("probability", 1.0)
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
            errors["probability"] = ["must be a number from 0 to 1"]
        if fault == "status" and status is None and "status" not in errors:
            errors["status"] = ["is required for a status fault"]
        if fault == "delay" and delay_ms is None and "delay_ms" not in errors:
            errors["delay_ms"] = ["is required for a delay fault"]
        content_type = raw.get("content_type")
        if content_type is not None and not isinstance(content_type, str):
            errors["content_type"] = ["must be a string"]
        if errors:
            raise ControlError(400, "invalid fault rule", errors)
        rule = FaultRule(
            id=next(self._ids),
            fault=fault,
            method=method.upper() if method else None,
            path=path,
            path_pattern=pattern,
            delay_ms=delay_ms,
            status=status,
            body=raw.get("body"),
            content_type=content_type,
            times=times,
            probability=float(probability),
            skip=skip,
            _regex=regex,
        )
        self._rules.append(rule)
        return rule

    def pick(self, method: str, path: str) -> FaultRule | None:
        for rule in reversed(self._rules):
            if rule.matches(method, path):
                if not rule.passes_skip():
                    continue
                if rule.probability < 1 and self._random.random() >= rule.probability:
                    continue
                rule.hits += 1
                return rule
        return None

    def rules(self) -> list[FaultRule]:
        return list(self._rules)

    def remove(self, rule_id: int) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        return len(self._rules) != before

    def clear(self) -> None:
        self._rules.clear()


def _drop_connection(request: web.Request, *, reset: bool) -> None:
    transport = request.transport
    if transport is None:
        return
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # SO_LINGER with a zero timeout turns close() into a TCP RST.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()


class ConnectionDropped(Exception):
    """Raised after a fault closed the connection: there is no response to send."""


# The fault a request met, for its journal entry.
FAULT_KEY = web.RequestKey("fault", str)


def middleware(
    registry_key: web.AppKey[FaultRegistry], control_prefix: str, default_timeout_s: Callable[[web.Application], float]
) -> Middleware:
    """Apply the app's fault rules to every request but its control plane's (the stub's and the
    interposer's alike); a "timeout" rule without a delay holds the request ``default_timeout_s``."""

    @web.middleware
    async def faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(control_prefix):
            return await handler(request)
        registry = request.app[registry_key]
        rule = registry.pick(request.method, request.path)
        if rule is None:
            return await handler(request)
        request[FAULT_KEY] = rule.fault
        return await apply(rule, request, handler, registry, default_timeout_s(request.app))

    return faults


async def apply(
    rule: FaultRule,
    request: web.Request,
    handler: Any,
    registry: FaultRegistry,
    default_timeout_s: float,
) -> web.StreamResponse:
    if rule.fault == "delay":
        await _wait(request, registry, (rule.delay_ms or 0) / 1000, stop_when_client_leaves=False)
        return await handler(request)
    if rule.fault == "status":
        assert rule.status is not None
        body = rule.body if rule.body is not None else {"detail": f"Injected fault: HTTP {rule.status}"}
        if isinstance(body, (dict, list)):
            return web.Response(status=rule.status, body=json.dumps(body).encode(), content_type="application/json")
        return web.Response(status=rule.status, text=str(body), content_type=rule.content_type or "text/html")
    if rule.fault == "malformed_json":
        if rule.body is not None:
            raw = str(rule.body).encode()
            status = rule.status or 200
        else:
            real = await handler(request)
            whole = real.body if isinstance(real, web.Response) and isinstance(real.body, bytes) else b"{}"
            raw = whole[: max(1, len(whole) // 2)]  # cut mid-document, like a proxy dropping the tail
            status = rule.status or real.status
        return web.Response(status=status, body=raw, content_type="application/json")
    if rule.fault in ("garbled", "wrong_content_type"):
        real = await handler(request)
        whole = real.body if isinstance(real, web.Response) and isinstance(real.body, bytes) else b""
        if rule.fault == "garbled":
            # Same length, no longer readable: every byte flipped, as a broken proxy or disk would.
            return web.Response(status=real.status, body=bytes(b ^ 0xA5 for b in whole), content_type=real.content_type)
        # The real answer under a content type no client expects (an HTML error page's, by default).
        return web.Response(status=real.status, body=whole, content_type=rule.content_type or "text/html")
    if rule.fault == "timeout":
        limit = rule.delay_ms / 1000 if rule.delay_ms is not None else default_timeout_s
        await _wait(request, registry, limit, stop_when_client_leaves=True)
        _drop_connection(request, reset=False)
        raise ConnectionDropped()
    _drop_connection(request, reset=rule.fault == "connection_reset")
    raise ConnectionDropped()


async def _wait(
    request: web.Request, registry: FaultRegistry, seconds: float, *, stop_when_client_leaves: bool
) -> None:
    """Sleep, but wake at stub shutdown (and when the client hung up, for timeouts)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0 and not registry.shutdown.is_set():
        if stop_when_client_leaves and (request.transport is None or request.transport.is_closing()):
            return
        try:
            await asyncio.wait_for(registry.shutdown.wait(), timeout=min(left, 0.1))
        except TimeoutError:
            continue
