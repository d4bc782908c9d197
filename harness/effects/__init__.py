"""Domain checks that replace the seed's manual LibreTime UI checks, one module per concern:
``schedule`` (the day LibreTime will play), ``library`` (files and synced tracks), ``deployment``
(how LibreLog reaches LibreTime)."""

from __future__ import annotations

from .deployment import librelog_placement, proxy_matches_libretime
from .library import file_check, tracks_match_libretime
from .schedule import Snapshot, schedule_diff, schedule_matches_log, snapshot

__all__ = [
    "Snapshot",
    "file_check",
    "librelog_placement",
    "proxy_matches_libretime",
    "schedule_diff",
    "schedule_matches_log",
    "snapshot",
    "tracks_match_libretime",
]
