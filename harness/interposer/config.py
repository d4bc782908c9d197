"""Configuration of one interposer (given to ``create_app``; nothing is read from the environment)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class InterposerConfig:
    # The only place requests are forwarded to: LibreTime's base URL (nginx's, on a full install).
    upstream: str
    # Masked wherever the journal keeps text: the API key and any other credential in transit.
    secrets: tuple[str, ...] = field(default_factory=tuple)
    journal_limit: int = 10_000
    # Longest a "timeout" fault holds a request when the rule gives no delay_ms.
    timeout_fault_s: float = 30.0
    # Longest the interposer waits for LibreTime: past LibreLog's own timeouts, so theirs fire first.
    upstream_timeout_s: float = 120.0
    fault_seed: int | None = 1
