"""Removing secrets from text: the secret itself and the forms it travels in.

Shared by the stub's journal, LibreLog's client and the harness's masking, so a new encoded
form (say, another header scheme) is handled everywhere at once.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any


class Redactor:
    def __init__(self, secrets: Iterable[str | None], replacement: str = "[REDACTED]", min_length: int = 1) -> None:
        self.replacement = replacement
        self.min_length = min_length
        self._needles: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if not secret or len(secret) < self.min_length:
            return
        forms = {
            secret,
            json.dumps(secret)[1:-1],  # inside serialised JSON
            base64.b64encode(f"{secret}:".encode()).decode(),  # Basic "<key>:"
            base64.b64encode(secret.encode()).decode().rstrip("="),
        }
        # Longest first, so a base64 form is not half-replaced through a shorter needle.
        self._needles = sorted({*self._needles, *forms}, key=len, reverse=True)

    def found_in(self, value: str) -> bool:
        return any(needle in value for needle in self._needles)

    def text(self, value: str) -> str:
        for needle in self._needles:
            if needle in value:
                value = value.replace(needle, self.replacement)
        return value

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {self.text(str(k)): self.deep(v) for k, v in value.items()}
        return value
