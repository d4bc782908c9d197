"""The ``stub`` target: both services in-process on free loopback ports, fresh for each scenario."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date
from typing import Any

from stubs.librelog import Settings, run_librelog
from stubs.libretime import StubConfig, run_stub

from ..control import HARNESS_HEADER, STUB_PREFIX, Control
from ..secrets import Masker
from .base import Target, client

STUB_KEY = "harness-stub-key-7c1f"


@asynccontextmanager
async def stub_target(settings: Mapping[str, Any], sandbox: date) -> AsyncIterator[Target]:
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
            # In memory: nothing of a scenario outlives it, and creating a database file (with its
            # write-ahead log) cost more than most scenarios' own work.
            db_path=":memory:",
        )
        ll = await stack.enter_async_context(run_librelog(librelog_settings))
        libretime = await stack.enter_async_context(
            client(lt.base_url, {"Authorization": f"Api-Key {STUB_KEY}", HARNESS_HEADER: "harness"}, in_process=True)
        )
        librelog = await stack.enter_async_context(client(ll.base_url, {}, in_process=True))
        yield Target(
            name="stub",
            librelog=librelog,
            libretime=libretime,
            librelog_url=ll.base_url,
            libretime_url=lt.base_url,
            masker=Masker([STUB_KEY]),
            sandbox_date=sandbox,
            has_control_plane=True,
            control=Control(libretime, STUB_PREFIX, "the LibreTime stub"),
            libretime_key=STUB_KEY,
        )
