"""One logged-in browser page on LibreTime's UI, and the evidence it keeps.

A session is opened once per scenario (the first UI step logs in) and closed after its last step.
Every wait has the settings' timeout; what the browser console reported (script errors above all)
is kept, so a view that fails to draw is reported with the reason the page gave.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .browser import Guard, launch
from .errors import UIError
from .settings import UISettings

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage, Error, Page

VIEWPORT = {"width": 1400, "height": 900}


class UISession:
    def __init__(self, settings: UISettings, page: Page, guard: Guard) -> None:
        self.settings = settings
        self.page = page
        self.guard = guard
        self.console: list[str] = []  # script errors and console errors, in order
        page.on("console", self._console)
        page.on("pageerror", self._page_error)
        page.set_default_timeout(settings.timeout_s * 1000)

    def _console(self, message: ConsoleMessage) -> None:
        # The guard's own refusals show up as failed loads: they are the guard's to report.
        if message.type == "error" and "ERR_BLOCKED_BY_CLIENT" not in message.text:
            self.console.append(f"console error: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.console.append(f"script error: {error.message}")

    @property
    def timeout_ms(self) -> float:
        return self.settings.timeout_s * 1000

    def url(self, path: str) -> str:
        return self.settings.url + path

    async def screenshot(self) -> bytes | None:
        try:
            return await self.page.screenshot(full_page=True, timeout=self.timeout_ms)
        except Exception:
            return None

    async def fail(self, message: str) -> UIError:
        """The error for ``message``, with the page's picture and the console's errors."""
        # The page's own script errors say why a view did not draw; the rest stays in ``console``.
        errors = [line for line in self.console if line.startswith("script error")]
        if errors:
            message += f"; the browser console said: {' | '.join(errors[:3])}"
        return UIError(message, await self.screenshot(), list(self.console))

    async def login(self) -> None:
        from playwright.async_api import Error

        login = self.url("/login")
        try:
            response = await self.page.goto(login, wait_until="domcontentloaded")
        except Error as exc:
            raise await self.fail(f"LibreTime's UI did not load at {login}: {str(exc).splitlines()[0]}") from None
        status = response.status if response is not None else None
        if status != 200 or not await self.page.locator("#username").count():
            raise await self.fail(f"no LibreTime login form at {login} (HTTP {status}): expected its login page")
        await self.page.fill("#username", self.settings.user)
        await self.page.fill("#password", self.settings.password)
        try:
            async with self.page.expect_navigation(wait_until="domcontentloaded"):
                await self.page.click("#submit")
        except Error as exc:
            first = str(exc).splitlines()[0]
            raise await self.fail(f"LibreTime's UI did not answer the login at {login}: {first}") from None
        if urlsplit(self.page.url).path.rstrip("/").endswith("/login"):
            said = await self.page.locator("#login p.light, #login .errors").all_inner_texts()
            raise await self.fail(
                f"LibreTime's UI at {login} refused the login of user {self.settings.user!r}: "
                + (" ".join(t.strip() for t in said if t.strip())[:200] or "no message")
            )


@asynccontextmanager
async def open_session(settings: UISettings) -> AsyncIterator[UISession]:
    """A browser, a guarded page, logged in."""
    async with launch() as browser:
        context = await browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)  # type: ignore[arg-type]
        guard = Guard(urlsplit(settings.url).netloc)
        await context.route("**/*", guard)
        session = UISession(settings, await context.new_page(), guard)
        try:
            await session.login()
            yield session
        finally:
            await context.close()
