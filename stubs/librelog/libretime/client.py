"""The HTTP client: pooling, timeouts, retries of transient failures, typed errors.

Retried: connect errors, timeouts, dropped connections, 429, 502, 503, 504 — with exponential
backoff and jitter (``Retry-After`` honoured up to the cap). Never retried: other 4xx and 500.
The API key goes only into the Authorization header; it is removed from every error text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
import time
from functools import cache
from typing import Any

import httpx

from ...redaction import Redactor
from ..config import Settings
from .errors import (
    LibreTimeAuthFailed,
    LibreTimeBadResponse,
    LibreTimeError,
    LibreTimeNotConfigured,
    LibreTimeRejected,
    LibreTimeTimeout,
    LibreTimeUnreachable,
    Upstream,
)

log = logging.getLogger("librelog.libretime")
RETRY_STATUSES = {429, 502, 503, 504}
EXCERPT = 500
# How the legacy PHP app's answer to a wrong key begins (its status is 500, its error page follows).
LEGACY_KEY_REFUSED = "ERROR: Incorrect API key."


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: building one reads the CA bundle, and LibreLog may be started
    many times in one process (the harness starts one per scenario)."""
    return httpx.create_ssl_context()


class LibreTimeClient:
    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.base_url = settings.libretime_url
        self._redactor = Redactor([settings.api_key])
        self._http = httpx.AsyncClient(
            base_url=self.base_url or "http://libretime.invalid",
            timeout=httpx.Timeout(settings.timeout_s),
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
            headers={"Authorization": f"Api-Key {settings.api_key}", "Accept": "application/json"},
            transport=transport,
            verify=_tls(),
        )
        self._random = random.Random()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def configured(self) -> bool:
        return self.base_url is not None

    def redact(self, text: str) -> str:
        return self._redactor.text(text)

    # --- core ----------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        files: Any = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        retry: bool = True,
        expect: tuple[int, ...] = (200, 201, 204),
    ) -> httpx.Response:
        """Send one request (retrying transient failures); raise a typed error unless ``expect`` holds."""
        method = method.upper()  # as sent on the wire, and so in every error text
        if not self.configured:
            raise LibreTimeNotConfigured(
                "No LibreTime URL configured: set LIBRETIME_INTERNAL_URL or LIBRETIME_API_URL.",
                Upstream(method, path),
            )
        attempts = 1 + (self.settings.retries if retry else 0)
        last: LibreTimeError | None = None
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            try:
                response = await self._http.request(
                    method, path, params=params, json=json_body, files=files, data=data, headers=headers
                )
            except httpx.TimeoutException as exc:
                last = LibreTimeTimeout(
                    f"LibreTime did not answer {method} {path} within {self.settings.timeout_s:g} s"
                    f" ({type(exc).__name__})",
                    Upstream(method, path, attempts=attempt),
                )
            except httpx.TransportError as exc:
                last = LibreTimeUnreachable(
                    f"Cannot reach LibreTime at {self.base_url}: {self.redact(str(exc)) or type(exc).__name__}",
                    Upstream(method, path, attempts=attempt),
                )
            else:
                log.debug(
                    "%s %s -> %s in %.1f ms", method, path, response.status_code, (time.perf_counter() - started) * 1000
                )
                if response.status_code in expect:
                    return response
                last = self._status_error(method, path, response, attempt)
                if response.status_code not in RETRY_STATUSES:
                    raise last
            if attempt < attempts:
                delay = self.backoff(attempt, last)
                log.warning("%s (attempt %d/%d); retrying in %.2f s", last.message, attempt, attempts, delay)
                await asyncio.sleep(delay)
        assert last is not None
        raise last

    def backoff(self, attempt: int, error: LibreTimeError | None = None) -> float:
        base = min(self.settings.backoff_cap_s, self.settings.backoff_base_s * 2 ** (attempt - 1))
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(self.settings.backoff_cap_s, retry_after)
        return base + self._random.uniform(0, base)

    def _status_error(self, method: str, path: str, response: httpx.Response, attempt: int) -> LibreTimeError:
        status = response.status_code
        excerpt = self.redact(response.text[:EXCERPT])
        upstream = Upstream(method, path, status, excerpt, attempt)
        if status in (401, 403):
            return LibreTimeAuthFailed(
                f"LibreTime refused the API key ({status}) on {method} {path}: check LIBRETIME_API_KEY", upstream
            )
        if status == 500 and response.text.startswith(LEGACY_KEY_REFUSED):
            # The legacy app (/rest/*) throws on a wrong key and renders it as a server error.
            return LibreTimeAuthFailed(
                f"LibreTime's legacy app refused the API key on {method} {path}"
                f" (500 {LEGACY_KEY_REFUSED!r}): check LIBRETIME_API_KEY",
                upstream,
            )
        if status < 500 and status != 429:
            return LibreTimeRejected(f"LibreTime rejected {method} {path} ({status}): {excerpt[:200]}", upstream)
        error = LibreTimeBadResponse(f"LibreTime failed on {method} {path} ({status})", upstream)
        raw = response.headers.get("Retry-After", "")
        if raw.isdigit():
            error.retry_after = float(raw)  # type: ignore[attr-defined]
        return error

    def json_of(self, response: httpx.Response, *, shape: type | tuple[type, ...] = (dict, list)) -> Any:
        """Decode a JSON body; malformed or wrongly shaped bodies are LibreTime errors, not ours."""
        method, path = response.request.method, response.request.url.path
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise LibreTimeBadResponse(
                f"LibreTime answered {method} {path} with malformed JSON ({exc})",
                Upstream(method, path, response.status_code, self.redact(response.text[:EXCERPT])),
            ) from None
        if not isinstance(body, shape):
            raise LibreTimeBadResponse(
                f"LibreTime answered {method} {path} with an unexpected {type(body).__name__}",
                Upstream(method, path, response.status_code, self.redact(response.text[:EXCERPT])),
            )
        return body

    async def get_json(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.json_of(await self.request("GET", path, params=params), **kwargs)

    def stream(self, method: str, path: str) -> Any:
        """A streaming request context (proxying file bytes without holding them in memory)."""
        if not self.configured:
            raise LibreTimeNotConfigured(
                "No LibreTime URL configured: set LIBRETIME_INTERNAL_URL or LIBRETIME_API_URL.", Upstream(method, path)
            )
        return self._http.stream(method, path)

    def status_error(self, method: str, path: str, response: httpx.Response) -> LibreTimeError:
        return self._status_error(method, path, response, 1)
