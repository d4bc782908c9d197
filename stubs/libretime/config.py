"""Configuration of one stub instance (passed to ``create_app``; nothing is read from the environment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Face = Literal["nginx", "api"]


@dataclass(frozen=True)
class StubConfig:
    api_key: str = "stub-api-key"
    # nginx: LibreTime behind its nginx front (X-Accel-Redirect resolved, legacy /rest/media served).
    # api: the API port itself (empty download bodies, no legacy PHP routes).
    face: Face = "nginx"
    station_name: str = "LibreTime Stub"
    api_version: str = "2.0.0"
    # LibreTime users accepted through HTTP Basic (username -> password).
    users: dict[str, str] = field(default_factory=lambda: {"admin": "admin"})
    # nginx's client_max_body_size in front of LibreTime.
    max_body_bytes: int = 512 * 1024 * 1024
    # Seconds between a legacy /rest/media upload and the analyzer marking it imported.
    analyze_delay_s: float = 0.0
    # Longest a "timeout" fault holds a request when the rule gives no delay_ms.
    timeout_fault_s: float = 30.0
    # Seed for fault probabilities, so a run with probability < 1 can be replayed.
    fault_seed: int | None = None
    journal_limit: int = 10_000
    # Optional JSON file: loaded at start-up when it exists, written at shutdown.
    state_file: Path | None = None
    fixture: str | None = None
    # The control plane (/__stub__/): off, the stub looks like a station's LibreTime to a client,
    # which can then seed and break it only as it would a real one (its API, an interposer).
    control_plane: bool = True
