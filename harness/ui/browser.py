"""Debian's Chromium, driven by Playwright, and the guard that keeps a UI run read-only.

No browser is downloaded: Playwright is pointed at the system's Chromium (``LIBRELOG_VERIFY_CHROMIUM``
or the first of chromium / chromium-browser on the PATH). The guard sees every request the page
makes: reads (GET, HEAD) of the UI's own host go through, and of the POSTs only the login and the
two feeds the views read from (the schedule and the library); anything else the page tries to send,
such as the table layout it saves for the user, is blocked and listed, and nothing leaves for
another host.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import UIError

if TYPE_CHECKING:
    from playwright.async_api import Browser, Request, Route

# POSTs that only read: the login form, the Scheduled Shows feed, the Tracks library feed.
READ_POSTS = ("/login", "/showbuilder/builder-feed", "/library/contents-feed")
# As the probe of this machine kind starts it: no background traffic to a network that is closed.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path(env: dict[str, str] | None = None) -> str | None:
    env = dict(os.environ) if env is None else env
    given = env.get("LIBRELOG_VERIFY_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    return next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)


def unavailable(env: dict[str, str] | None = None) -> str | None:
    """Why no browser can be started here, or None when one can."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; no browser download is needed)"
    if chromium_path(env) is None:
        return "no Chromium found (Debian: apt-get install chromium; or set LIBRELOG_VERIFY_CHROMIUM)"
    return None


@dataclass
class Guard:
    """What the page asked for that the guard did not let through."""

    host: str
    blocked: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)  # the POSTs let through (login and feeds)

    async def __call__(self, route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            await route.continue_()
            return
        what = f"{request.method} {parts.path}"
        if parts.netloc != self.host:
            self.blocked.append(f"{request.method} {parts.scheme}://{parts.netloc}{parts.path} (another host)")
            await route.abort("blockedbyclient")
            return
        if request.method in ("GET", "HEAD"):
            await route.continue_()
            return
        if request.method == "POST" and parts.path.lower().rstrip("/") in READ_POSTS:
            self.writes.append(what)
            await route.continue_()
            return
        self.blocked.append(what)
        await route.abort("blockedbyclient")


@asynccontextmanager
async def launch(env: dict[str, str] | None = None) -> AsyncIterator[Browser]:
    """A headless Chromium for one scenario's UI steps, closed after them."""
    why = unavailable(env)
    if why is not None:
        raise UIError(f"cannot start a browser: {why}")
    from playwright.async_api import Error, async_playwright

    path = chromium_path(env)
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(executable_path=path, headless=True, args=list(FLAGS))
        except Error as exc:
            raise UIError(f"Chromium at {path} did not start: {str(exc).splitlines()[0]}") from None
        try:
            yield browser
        finally:
            await browser.close()
