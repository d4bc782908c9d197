"""LibreLog's LibreTime client: one HTTP client, two API flavours, typed errors."""

from .client import LibreTimeClient
from .errors import (
    LibreTimeAuthFailed,
    LibreTimeBadResponse,
    LibreTimeError,
    LibreTimeNotConfigured,
    LibreTimeRejected,
    LibreTimeTimeout,
    LibreTimeUnreachable,
)

__all__ = [
    "LibreTimeAuthFailed",
    "LibreTimeBadResponse",
    "LibreTimeClient",
    "LibreTimeError",
    "LibreTimeNotConfigured",
    "LibreTimeRejected",
    "LibreTimeTimeout",
    "LibreTimeUnreachable",
]
