"""What a schedule check can find: one fixed vocabulary, each kind with its severity.

The vocabulary is a contract: alerting rules, dashboards and JUnit consumers key on these names,
so a kind is never renamed. An error means air time is wrong or at risk (silence, the wrong
item, a crash); a warning means something a person should look at before it becomes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from ..effects.common import iso_z


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Kind(StrEnum):
    MISSING_ENTRY = "missing_entry"
    UNEXPECTED_ENTRY = "unexpected_entry"
    WRONG_MEDIA = "wrong_media"
    WRONG_TIME = "wrong_time"
    HARD_START_MISSED = "hard_start_missed"
    GAP = "gap"
    OVERLAP = "overlap"
    OVERBOOKED = "overbooked"
    RUNS_PAST_INSTANCE = "runs_past_instance"
    NULL_FADE = "null_fade"
    FILE_MISSING = "file_missing"
    FILE_HIDDEN = "file_hidden"
    FILE_NOT_READY = "file_not_ready"
    FILE_NOT_ON_DISK = "file_not_on_disk"
    EMPTY_CUE = "empty_cue"
    NOT_PUBLISHED = "not_published"
    EDITED_SINCE_PUBLISH = "edited_since_publish"
    EMPTY_INSTANCE = "empty_instance"
    LIBRETIME_UNREACHABLE = "libretime_unreachable"
    LIBRETIME_BAD_ANSWER = "libretime_bad_answer"
    PLAYOUT_STOPPED = "playout_stopped"
    STALE_TRACK_SYNC = "stale_track_sync"
    STALE_HISTORY_SYNC = "stale_history_sync"

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self in _WARNINGS else Severity.ERROR

    @property
    def family(self) -> str:
        """The check a kind belongs to: one JUnit test case per day and family."""
        return _FAMILY[self]


# A clamped tail loses only the end of an item, an edit may be on purpose, and a late sync does
# not change what plays: worth a look, not an alarm. Silence on air is always an error.
_WARNINGS = frozenset(
    {
        Kind.RUNS_PAST_INSTANCE,
        Kind.EDITED_SINCE_PUBLISH,
        Kind.STALE_TRACK_SYNC,
        Kind.STALE_HISTORY_SYNC,
    }
)
LOG_MATCH = "schedule equals the published log"
PLAYABLE = "schedule is playable"
FILES = "scheduled files are ready"
LIBRELOG_DAY = "log is published as it stands"
CONNECTION = "LibreLog reaches LibreTime"
PLAYOUT = "playout records what plays"
SYNCS = "LibreLog's syncs are recent"
_FAMILY = {
    **dict.fromkeys(
        (Kind.MISSING_ENTRY, Kind.UNEXPECTED_ENTRY, Kind.WRONG_MEDIA, Kind.WRONG_TIME, Kind.HARD_START_MISSED),
        LOG_MATCH,
    ),
    **dict.fromkeys(
        (
            Kind.GAP,
            Kind.OVERLAP,
            Kind.OVERBOOKED,
            Kind.RUNS_PAST_INSTANCE,
            Kind.NULL_FADE,
            Kind.EMPTY_CUE,
            Kind.EMPTY_INSTANCE,
        ),
        PLAYABLE,
    ),
    **dict.fromkeys((Kind.FILE_MISSING, Kind.FILE_HIDDEN, Kind.FILE_NOT_READY, Kind.FILE_NOT_ON_DISK), FILES),
    **dict.fromkeys((Kind.NOT_PUBLISHED, Kind.EDITED_SINCE_PUBLISH), LIBRELOG_DAY),
    **dict.fromkeys((Kind.LIBRETIME_UNREACHABLE, Kind.LIBRETIME_BAD_ANSWER), CONNECTION),
    Kind.PLAYOUT_STOPPED: PLAYOUT,
    **dict.fromkeys((Kind.STALE_TRACK_SYNC, Kind.STALE_HISTORY_SYNC), SYNCS),
}
DAY_FAMILIES = (LOG_MATCH, PLAYABLE, FILES, LIBRELOG_DAY)
RUN_FAMILIES = (CONNECTION, SYNCS, PLAYOUT)
# What a check without LibreLog can still say: LibreTime's own schedule, files and playout.
LIBRETIME_DAY_FAMILIES = (PLAYABLE, FILES)
LIBRETIME_RUN_FAMILIES = (CONNECTION, PLAYOUT)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    message: str  # one sentence: what is wrong, with the values that show it
    at: datetime | None = None  # the instant it concerns (UTC)
    row_id: int | None = None  # LibreTime's schedule row
    file_id: int | None = None
    title: str | None = None
    until: datetime | None = None  # the end of the span it concerns (a gap, an overlap)

    @property
    def severity(self) -> Severity:
        return self.kind.severity

    def as_json(self, tz: ZoneInfo | None) -> dict[str, Any]:
        local = self.at.astimezone(tz).isoformat() if self.at is not None and tz is not None else None
        return {
            "severity": self.severity.value,
            "kind": self.kind.value,
            "at_utc": iso_z(self.at) if self.at is not None else None,
            "at_local": local,
            "until_utc": iso_z(self.until) if self.until is not None else None,
            "row_id": self.row_id,
            "file_id": self.file_id,
            "title": self.title,
            "message": self.message,
        }
