"""Services a run starts for itself and keeps for its whole length, on an event loop of their own
in a background thread: the interposer in front of a real LibreTime, and this project's LibreLog
when the run is to verify it there (``--start-librelog``). Scenarios run on their own loops in
the main thread and reach these over HTTP, like any deployment."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any, TypeVar

T = TypeVar("T")
START_TIMEOUT_S = 60.0


class Background:
    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="librelog-verify-services", daemon=True)
        self._thread.start()
        self._stack = AsyncExitStack()

    def _call(self, coroutine: Awaitable[T], timeout: float = START_TIMEOUT_S) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)  # type: ignore[arg-type]

    def enter(self, context: AbstractAsyncContextManager[T]) -> T:
        """Start a service (an async context manager) and keep it until ``close``."""
        return self._call(self._stack.enter_async_context(context))

    def close(self) -> None:
        try:
            self._call(self._stack.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
