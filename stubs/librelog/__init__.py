"""LibreLog: daily logs pushed to LibreTime, done so that every push is checked and every failure is loud."""

from .app import create_app
from .config import Settings, normalise_base_url
from .server import RunningLibreLog, run_librelog

__all__ = ["RunningLibreLog", "Settings", "create_app", "normalise_base_url", "run_librelog"]
