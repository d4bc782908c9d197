"""What goes wrong in the UI, with the picture of it."""

from __future__ import annotations

from ..errors import HarnessError


class UIError(HarnessError):
    """The UI could not be read: it did not load, refused the login, or did not draw a view in
    time. Carries the screenshot taken when it happened and what the browser console said."""

    def __init__(self, message: str, screenshot: bytes | None = None, console: list[str] | None = None) -> None:
        super().__init__(message)
        self.screenshot = screenshot
        self.console = console or []
