"""Deployments whose two services can be reset: every scenario starts from nothing.

The compose stack, or LibreLog (``LIBRELOG_TEST_RESET=1``) and the LibreTime stub started as
plain processes: the stub's ``/__stub__/reset`` and LibreLog's ``/__test__/reset`` (which also
applies the scenario's settings) give each scenario the fresh start it has on the stub target.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx

from ..control import STUB_PREFIX, Control
from ..errors import HarnessError, ServiceUnreachable
from .base import LiveConfig, Target, connect


def librelog_overrides(settings: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """A scenario's settings, as LibreLog's test reset takes them."""
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
        out["libretime_url"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    elif settings.get("libretime") == "unconfigured":
        out["libretime_url"] = None
    return out


async def reset(http: httpx.AsyncClient, path: str, body: Any, what: str) -> None:
    try:
        response = await http.post(path, json=body)
    except httpx.TransportError as exc:
        raise ServiceUnreachable(f"Unreachable: {http.base_url}: {exc!r}") from None
    if response.status_code != 200:
        raise HarnessError(
            f"the target needs {what}: POST {path} answered {response.status_code}: {response.text[:300]}"
        )


async def reset_librelog(librelog: httpx.AsyncClient, settings: Mapping[str, Any], env: Mapping[str, str]) -> None:
    body = {"settings": librelog_overrides(settings, env)}
    await reset(librelog, "/__test__/reset", body, "LibreLog's test reset (LIBRELOG_TEST_RESET=1)")


@asynccontextmanager
async def fresh_target(
    name: str,
    config: LiveConfig,
    settings: Mapping[str, Any],
    env: Mapping[str, str],
    *,
    librelog_reset: bool = True,
) -> AsyncIterator[Target]:
    """Both services reset; a LibreLog that is not this project's (a pack's) has no reset, so only
    the stub starts fresh and the pack's own setup and teardown keep LibreLog's state in hand."""
    async with connect(config) as (librelog, libretime):
        await reset(libretime, "/__stub__/reset", None, "the LibreTime stub's control plane")
        if librelog_reset:
            await reset_librelog(librelog, settings, env)
        control = Control(libretime, STUB_PREFIX, f"the LibreTime stub at {config.libretime_url}")
        yield config.target(name, librelog, libretime, has_control_plane=True, control=control)
