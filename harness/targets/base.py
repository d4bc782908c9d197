"""What every target is: two HTTP clients, the masker for their secrets, and the sandbox dates.

A live run writes only on its sandbox dates (``--sandbox-date`` and the next ``SANDBOX_DAYS - 1``
days); ``LiveConfig`` reads where the deployment is from the environment.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from .. import tls
from ..control import HARNESS_HEADER
from ..errors import ConfigError
from ..secrets import Masker
from ..ui.settings import UISettings

SANDBOX_DAYS = 3
DEFAULT_SANDBOX = date(2099, 1, 1)


@dataclass
class Target:
    name: str
    librelog: httpx.AsyncClient
    libretime: httpx.AsyncClient
    librelog_url: str
    libretime_url: str
    masker: Masker
    sandbox_date: date
    has_control_plane: bool
    allow_destructive: bool = True
    may_run_commands: bool = False  # the run allows ``command`` steps (--allow-commands)
    created_logs: list[Any] = field(default_factory=list)  # LibreLog's ids: integers or UUIDs
    created_voice: list[Any] = field(default_factory=list)
    # Set on sandboxed live targets: the rail asked before every writing request, and the ledger
    # that records everything the run creates (see sandbox.py and ledger.py).
    rail: Any = None
    ledger: Any = None
    # The fault and journal control plane: the stub's own, or the interposer's (harness/control.py).
    control: Any = None
    libretime_key: str = field(default="", repr=False)  # for LibreTime's legacy upload (Basic auth)
    played: set[int] = field(default_factory=set)  # schedule rows a simulated playout has played
    ui: UISettings | None = None  # LibreTime's web UI, where the deployment has one and its login is given

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "librelog_url": self.librelog_url, "libretime_url": self.libretime_url}

    def sandbox_days(self) -> list[date]:
        return [self.sandbox_date + timedelta(days=i) for i in range(SANDBOX_DAYS)]

    def sandbox_window(self) -> tuple[datetime, datetime]:
        """The sandbox days in UTC, with a day's margin either side for every time zone."""
        start = datetime.combine(self.sandbox_date - timedelta(days=1), time(0), tzinfo=UTC)
        return start, start + timedelta(days=SANDBOX_DAYS + 2)

    async def check_write(self, service: str, method: str, path: str, body: Any) -> None:
        """Asked before every writing request; only sandboxed live targets refuse anything."""
        if self.rail is not None and not self.allow_destructive and method not in ("GET", "HEAD"):
            await self.rail.check(self, service, method, path, body)


def scenario_sandbox(base: date, spec: Mapping[str, Any] | None) -> date:
    """The sandbox date of a scenario that asks for its own (``sandbox: {dst_change, timezone}``):
    the first station-local day on or after ``base`` on which the zone's clocks go back (``fall``)
    or forward (``spring``). Without a request, the run's own."""
    if not spec:
        return base
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(spec["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"sandbox.timezone {spec['timezone']!r} is not an IANA time zone") from None
    for offset in range(0, 800):
        day = base + timedelta(days=offset)
        start = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).utcoffset()
        assert start is not None and end is not None
        if (spec["dst_change"] == "fall" and end < start) or (spec["dst_change"] == "spring" and end > start):
            return day
    raise ConfigError(f"{spec['timezone']} changes its clocks ({spec['dst_change']}) on no day after {base}")


def client(
    base_url: str, headers: dict[str, str], timeout: float = 30.0, *, in_process: bool = False
) -> httpx.AsyncClient:
    """An HTTP client for one service. ``in_process``: the service runs on this loop (the stub
    target), where aiohttp's client, a quarter of httpcore's cost per request, carries httpx's API."""
    transport = None
    if in_process:
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(verify=tls.context(), trust_env=False)
    return httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=timeout, verify=tls.context(), transport=transport
    )


def libretime_of(env: Mapping[str, str], who: str = "a live run") -> tuple[str, str]:
    """LibreTime's base URL (normalised) and API key from the environment (``who`` needs them)."""
    from stubs.librelog.config import normalise_base_url

    url = env.get("LIBRETIME_URL") or env.get("LIBRETIME_API_URL", "")
    missing = [] if url else ["LIBRETIME_URL (or LIBRETIME_API_URL)"]
    if not env.get("LIBRETIME_API_KEY"):
        missing.append("LIBRETIME_API_KEY")
    if missing:
        raise ConfigError(f"{who} needs {', '.join(missing)} in the environment")
    return normalise_base_url(url), env["LIBRETIME_API_KEY"]


@dataclass(frozen=True)
class LiveConfig:
    librelog_url: str
    libretime_url: str
    api_key: str
    token: str | None
    sandbox_date: date
    allow_destructive: bool
    ui: UISettings | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str], sandbox: date, allow_destructive: bool) -> LiveConfig:
        # The harness reads LibreTime where LibreLog's own public setting points, unless told otherwise.
        libretime_url = env.get("LIBRETIME_URL") or env.get("LIBRETIME_API_URL", "")
        missing = [n for n in ("LIBRELOG_URL", "LIBRETIME_API_KEY") if not env.get(n)]
        if not libretime_url:
            missing.insert(1, "LIBRETIME_URL (or LIBRETIME_API_URL)")
        if missing:
            raise ConfigError(f"--target live needs {', '.join(missing)} in the environment")
        from stubs.librelog.config import normalise_base_url

        return cls(
            librelog_url=env["LIBRELOG_URL"].rstrip("/"),
            libretime_url=normalise_base_url(libretime_url),
            api_key=env["LIBRETIME_API_KEY"],
            token=env.get("LIBRELOG_API_TOKEN") or None,
            sandbox_date=sandbox,
            allow_destructive=allow_destructive,
            ui=UISettings.from_env(env, normalise_base_url(libretime_url)),
        )

    def masker(self) -> Masker:
        return Masker([self.api_key, self.token, self.ui.password if self.ui else None])

    @property
    def librelog_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @property
    def libretime_headers(self) -> dict[str, str]:
        # Marked as the harness's own: where LibreTime journals everything (the stub), a journal
        # step leaves these out and counts what LibreLog sent.
        return {"Authorization": f"Api-Key {self.api_key}", HARNESS_HEADER: "harness"}

    def target(self, name: str, librelog: httpx.AsyncClient, libretime: httpx.AsyncClient, **kind: Any) -> Target:
        """A Target on this deployment; ``kind`` says what the target kind adds (control plane, rail)."""
        return Target(
            name=name,
            librelog=librelog,
            libretime=libretime,
            librelog_url=self.librelog_url,
            libretime_url=self.libretime_url,
            masker=self.masker(),
            sandbox_date=self.sandbox_date,
            libretime_key=self.api_key,
            ui=self.ui,
            **kind,
        )


@asynccontextmanager
async def connect(config: LiveConfig) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Clients for a deployment's LibreLog and LibreTime, with their credentials."""
    async with (
        client(config.librelog_url, config.librelog_headers) as librelog,
        client(config.libretime_url, config.libretime_headers) as libretime,
    ):
        yield librelog, libretime


def env_sandbox(value: str | None) -> date:
    if not value:
        return DEFAULT_SANDBOX
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--sandbox-date must be YYYY-MM-DD, not {value!r}") from None


def environment() -> dict[str, str]:
    return dict(os.environ)
