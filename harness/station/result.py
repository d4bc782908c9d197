"""What a schedule check found, per day and per run, and its JSON form (the other formats read it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..effects.common import iso_z
from .findings import Finding, Severity

OK, ERRORS, CANNOT_CHECK = 0, 1, 2


@dataclass
class Bar:
    """One row on a day's timeline."""

    start: datetime
    end: datetime
    row_id: int
    file_id: int | None
    hard_start: bool
    playable: bool  # False: overbooked, never played

    def as_json(self) -> list[Any]:
        return [iso_z(self.start), iso_z(self.end), self.row_id, self.file_id, self.hard_start, self.playable]


@dataclass
class DayResult:
    date: date
    timezone: str
    published: bool | None  # None: checked without LibreLog
    log_id: Any
    rows: int
    findings: list[Finding]
    window: tuple[datetime, datetime]  # the local day in UTC
    bars: list[Bar] = field(default_factory=list)
    instances: list[tuple[datetime, datetime, int]] = field(default_factory=list)

    def as_json(self, timeline: bool = False) -> dict[str, Any]:
        tz = ZoneInfo(self.timezone)
        out: dict[str, Any] = {
            "date": self.date.isoformat(),
            "timezone": self.timezone,
            "published": self.published,
            "log_id": self.log_id,
            "rows": self.rows,
            "findings": [f.as_json(tz) for f in self.findings],
        }
        if timeline:
            out["timeline"] = {
                "window": [iso_z(self.window[0]), iso_z(self.window[1])],
                "instances": [[iso_z(s), iso_z(e), i] for s, e, i in self.instances],
                "rows": [b.as_json() for b in self.bars],
            }
        return out


@dataclass
class CheckResult:
    checked_at: datetime
    first: date
    last: date
    timezone: str | None
    days: list[DayResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # once per run: connection and syncs
    duration_s: float = 0.0
    requests: int = 0
    error: str | None = None  # set when the check could not finish
    libretime_only: bool = False  # checked without LibreLog: no log comparison, no syncs
    station: str | None = None  # the station's name, where many are checked

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for d in self.days for f in d.findings)]

    def counts(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.all_findings())

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return CANNOT_CHECK
        return ERRORS if self.counts()[Severity.ERROR] else OK

    def as_json(self, timeline: bool = False) -> dict[str, Any]:
        tz = ZoneInfo(self.timezone) if self.timezone else None
        counts = self.counts()
        return {
            "station": self.station,
            "mode": "libretime_only" if self.libretime_only else "with_librelog",
            "checked_at": iso_z(self.checked_at),
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "timezone": self.timezone,
            "complete": self.error is None,
            "error": self.error,
            "days": [d.as_json(timeline) for d in self.days],
            "findings": [f.as_json(tz) for f in self.findings],
            "summary": {
                "errors": counts[Severity.ERROR],
                "warnings": counts[Severity.WARNING],
                "by_kind": dict(sorted(Counter(f.kind.value for f in self.all_findings()).items())),
                "days_checked": len(self.days),
                "requests": self.requests,
                "duration_s": round(self.duration_s, 3),
            },
        }
