"""Project-wide pytest configuration: where the shared reference contracts live."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent
SHARED_REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    """``../shared/reference``; tests that need it skip (with the reason) when it is absent."""
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"shared reference contracts not found at {SHARED_REFERENCE}")
    return SHARED_REFERENCE
