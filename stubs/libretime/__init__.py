"""A LibreTime stub faithful to upstream's quirks, with fault injection and a request journal."""

from .app import create_app
from .config import StubConfig
from .server import RunningStub, run_stub

__all__ = ["RunningStub", "StubConfig", "create_app", "run_stub"]
