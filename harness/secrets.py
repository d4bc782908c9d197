"""Masking secrets (API key, bearer token, Basic credentials) in everything the harness writes."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

MASK = "•••"


class Masker:
    def __init__(self, secrets: Iterable[str | None]) -> None:
        needles: set[str] = set()
        for secret in secrets:
            if not secret or len(secret) < 3:
                continue
            needles.add(secret)
            needles.add(json.dumps(secret)[1:-1])  # as it appears inside serialised JSON
            needles.add(base64.b64encode(f"{secret}:".encode()).decode())
            needles.add(base64.b64encode(secret.encode()).decode().rstrip("="))
        self._needles = sorted(needles, key=len, reverse=True)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 3:
            self._needles = sorted({*self._needles, secret}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for needle in self._needles:
            if needle in value:
                value = value.replace(needle, MASK)
        return value

    def exception(self, exc: BaseException) -> None:
        """Mask an exception's own text in place (Allure and pytest both read it)."""
        exc.args = tuple(self.text(a) if isinstance(a, str) else a for a in exc.args) or (self.text(str(exc)),)

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {self.text(str(k)): self.deep(v) for k, v in value.items()}
        return value
