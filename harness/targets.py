"""Where scenarios run: the embedded stubs (fresh per scenario) or a live deployment.

Live safety rail: a live run only writes inside its sandbox dates (``--sandbox-date`` plus the
next ``SANDBOX_DAYS - 1`` days). Before a scenario the harness checks LibreTime holds nothing
there; afterwards it removes what it scheduled there and the logs it created. Anything else
that writes is refused unless ``--allow-destructive``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from stubs.librelog import Settings, run_librelog
from stubs.libretime import StubConfig, run_stub

from .errors import ConfigError, HarnessError, ServiceUnreachable
from .secrets import Masker

SANDBOX_DAYS = 3
DEFAULT_SANDBOX = date(2099, 1, 1)
STUB_KEY = "harness-stub-key-7c1f"


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
    created_logs: list[int] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "librelog_url": self.librelog_url, "libretime_url": self.libretime_url}

    def sandbox_window(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self.sandbox_date - timedelta(days=1), time(0), tzinfo=UTC)
        return start, start + timedelta(days=SANDBOX_DAYS + 2)  # a day's margin for every zone

    def check_write(self, service: str, method: str, path: str, body: Any) -> None:
        """The live safety rail, asked before every writing request."""
        if self.allow_destructive or method in ("GET", "HEAD"):
            return
        if service == "libretime":
            raise HarnessError(f"{method} {path} writes to LibreTime directly: a live run needs --allow-destructive")
        if method == "POST" and path == "/logs":
            day = body.get("date") if isinstance(body, dict) else None
            allowed = {(self.sandbox_date + timedelta(days=i)).isoformat() for i in range(SANDBOX_DAYS)}
            if day not in allowed:
                raise HarnessError(
                    f"a live run only creates logs on its sandbox dates {sorted(allowed)}, not {day!r}"
                    " (use {{ sandbox_date }}, or --allow-destructive)"
                )
            return
        if path.startswith("/logs/"):
            log_id = path.split("/")[2]
            if not log_id.isdigit() or int(log_id) not in self.created_logs:
                raise HarnessError(f"{method} {path} touches a log this run did not create (--allow-destructive)")


async def _seed(libretime: httpx.AsyncClient, fixtures: Any) -> None:
    """Load a scenario's fixtures through the stub's control plane."""
    if not fixtures:
        return
    response = await libretime.post("/__stub__/seed", json=fixtures)
    if response.status_code != 201:
        raise HarnessError(f"the scenario's fixtures were refused by the stub: {response.text[:500]}")


def _client(base_url: str, headers: dict[str, str], timeout: float = 30.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)


@asynccontextmanager
async def stub_target(settings: Mapping[str, Any], fixtures: Any, sandbox: date) -> AsyncIterator[Target]:
    """Both services in-process on free loopback ports, fresh for this scenario."""

    async with AsyncExitStack() as stack:
        face = settings.get("libretime_face", "nginx")
        lt = await stack.enter_async_context(run_stub(StubConfig(api_key=STUB_KEY, face=face, fault_seed=1)))
        availability = settings.get("libretime", "up")
        url: str | None = lt.base_url
        if availability == "down":
            async with run_stub(StubConfig(api_key=STUB_KEY)) as gone:
                url = gone.base_url  # a port that was just closed
        elif availability == "unconfigured":
            url = None
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lv-")))
        librelog_settings = Settings(
            libretime_url=url,
            url_source="LIBRETIME_INTERNAL_URL" if url else None,
            api_key=STUB_KEY if settings.get("api_key", "right") == "right" else "wrong-key-for-this-check",
            flavor=settings.get("flavor", "integration"),
            station_timezone=settings.get("station_timezone", "UTC"),
            retries=settings.get("retries", 2),
            timeout_s=settings.get("timeout_s", 2.0),
            backoff_base_s=0.01,
            backoff_cap_s=0.05,
            db_path=str(folder / "librelog.sqlite3"),
        )
        ll = await stack.enter_async_context(run_librelog(librelog_settings))
        libretime = await stack.enter_async_context(_client(lt.base_url, {"Authorization": f"Api-Key {STUB_KEY}"}))
        librelog = await stack.enter_async_context(_client(ll.base_url, {}))
        await _seed(libretime, fixtures)
        yield Target(
            name="stub",
            librelog=librelog,
            libretime=libretime,
            librelog_url=ll.base_url,
            libretime_url=lt.base_url,
            masker=Masker([STUB_KEY]),
            sandbox_date=sandbox,
            has_control_plane=True,
        )


@dataclass(frozen=True)
class LiveConfig:
    librelog_url: str
    libretime_url: str
    api_key: str
    token: str | None
    sandbox_date: date
    allow_destructive: bool

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
        )


@asynccontextmanager
async def live_target(config: LiveConfig, name: str = "live") -> AsyncIterator[Target]:
    """A deployment reached over HTTP, inside the sandbox safety rail."""
    headers = {"Authorization": f"Bearer {config.token}"} if config.token else {}
    async with (
        _client(config.librelog_url, headers) as librelog,
        _client(config.libretime_url, {"Authorization": f"Api-Key {config.api_key}"}) as libretime,
    ):
        control = False
        with contextlib.suppress(httpx.HTTPError):
            control = (await libretime.get("/__stub__/faults")).status_code == 200
        target = Target(
            name=name,
            librelog=librelog,
            libretime=libretime,
            librelog_url=config.librelog_url,
            libretime_url=config.libretime_url,
            masker=Masker([config.api_key, config.token]),
            sandbox_date=config.sandbox_date,
            has_control_plane=control,
            allow_destructive=config.allow_destructive,
        )
        occupied = await _sandbox_rows(target)
        if occupied:
            raise HarnessError(
                f"LibreTime already holds {len(occupied)} schedule rows around the sandbox date"
                f" {config.sandbox_date}: the harness only writes to an empty day. Pick another --sandbox-date."
            )
        try:
            yield target
        finally:
            await _clean_sandbox(target)


def librelog_overrides(settings: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """A scenario's stub-target settings, as LibreLog's test reset takes them on the compose stack."""
    out: dict[str, Any] = {
        k: settings[k] for k in ("flavor", "station_timezone", "retries", "timeout_s") if k in settings
    }
    if settings.get("api_key") == "wrong":
        out["api_key"] = "wrong-key-for-this-check"
    if settings.get("libretime_face") == "api":
        if not env.get("LIBRETIME_API_FACE_URL"):
            raise HarnessError("this scenario needs LibreTime's API port: set LIBRETIME_API_FACE_URL")
        out["libretime_url"] = env["LIBRETIME_API_FACE_URL"]
    if settings.get("libretime") == "down":
        out["libretime_url"] = "http://127.0.0.1:9"  # nothing listens on the discard port in LibreLog's container
    elif settings.get("libretime") == "unconfigured":
        out["libretime_url"] = None
    return out


@asynccontextmanager
async def compose_target(
    config: LiveConfig, fixtures: Any, settings: Mapping[str, Any], env: Mapping[str, str]
) -> AsyncIterator[Target]:
    """The compose test stack: its stub's control plane and LibreLog's test reset (which also
    applies the scenario's settings) give every scenario a fresh start, as on the stub target."""
    async with (
        _client(config.librelog_url, {}) as librelog,
        _client(config.libretime_url, {"Authorization": f"Api-Key {config.api_key}"}) as libretime,
    ):
        overrides = {"settings": librelog_overrides(settings, env)}
        for client, path, body, what in (
            (libretime, "/__stub__/reset", None, "the LibreTime stub's control plane"),
            (librelog, "/__test__/reset", overrides, "LibreLog's test reset (LIBRELOG_TEST_RESET=1)"),
        ):
            try:
                response = await client.post(path, json=body)
            except httpx.TransportError as exc:
                raise ServiceUnreachable(f"Unreachable: {client.base_url}: {exc!r}") from None
            if response.status_code != 200:
                raise HarnessError(
                    f"the compose target needs {what}: POST {path} answered {response.status_code}:"
                    f" {response.text[:300]}"
                )
        await _seed(libretime, fixtures)
        yield Target(
            name="compose",
            librelog=librelog,
            libretime=libretime,
            librelog_url=config.librelog_url,
            libretime_url=config.libretime_url,
            masker=Masker([config.api_key, config.token]),
            sandbox_date=config.sandbox_date,
            has_control_plane=True,
        )


async def _sandbox_rows(target: Target) -> list[dict[str, Any]]:
    start, end = target.sandbox_window()
    try:
        response = await target.libretime.get(
            "/api/v2/schedule",
            params={"starts_after": start.isoformat(), "starts_before": end.isoformat()},
        )
    except httpx.TransportError as exc:
        raise ServiceUnreachable(f"Unreachable: LibreTime at {target.libretime_url}: {exc}") from None
    if response.status_code != 200:
        raise HarnessError(f"cannot read LibreTime's schedule ({response.status_code}): {response.text[:200]}")
    rows = response.json()
    # LibreTime's filter is inclusive and ignores nothing else: check each row ourselves.
    return [r for r in rows if start <= datetime.fromisoformat(r["starts_at"].replace("Z", "+00:00")) < end]


async def _clean_sandbox(target: Target) -> None:
    """Put the sandbox back as it was (empty): the rows the run scheduled and the logs it made."""
    for row in await _sandbox_rows(target):
        await target.libretime.delete(f"/api/v2/schedule/{row['id']}")
    for log_id in target.created_logs:
        await target.librelog.post(f"/logs/{log_id}/unlock")
        await target.librelog.delete(f"/logs/{log_id}")


def env_sandbox(value: str | None) -> date:
    if not value:
        return DEFAULT_SANDBOX
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--sandbox-date must be YYYY-MM-DD, not {value!r}") from None


def environment() -> dict[str, str]:
    return dict(os.environ)


def check_reachable(config: LiveConfig, timeout_s: float = 5.0) -> None:
    """Both services answer at all (before any scenario runs): otherwise one clear error, not forty failures."""
    probes = (
        ("LibreLog", config.librelog_url, "/health", "LIBRELOG_URL"),
        ("LibreTime", config.libretime_url, "/api/v2/version", "LIBRETIME_URL"),
    )
    for name, base, path, variable in probes:
        try:
            httpx.get(base + path, timeout=timeout_s)
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise ConfigError(f"{name} at {base} ({variable}) is unreachable: {reason}") from None
        except httpx.InvalidURL as exc:
            raise ConfigError(f"{variable} is not a usable URL: {base!r} ({exc})") from None
