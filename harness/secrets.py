"""Masking secrets (API key, bearer token, Basic credentials) in everything the harness writes."""

from __future__ import annotations

from collections.abc import Iterable

from stubs.redaction import Redactor

MASK = "•••"


class Masker(Redactor):
    def __init__(self, secrets: Iterable[str | None]) -> None:
        # Very short values would mask ordinary text; real keys and tokens are long.
        super().__init__(secrets, replacement=MASK, min_length=3)

    def exception(self, exc: BaseException) -> None:
        """Mask an exception's own text in place (Allure and pytest both read it)."""
        exc.args = tuple(self.text(a) if isinstance(a, str) else a for a in exc.args) or (self.text(str(exc)),)
