"""The terminal table: one line per day, then every finding, then the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from ..findings import Finding, Severity
from ..result import CheckResult


def _line(finding: Finding, tz: ZoneInfo | None) -> str:
    local = finding.at.astimezone(tz).strftime("%m-%d %H:%M:%S") if finding.at and tz else "-"
    return f"{finding.severity.value.upper():8} {finding.kind.value:22} {local:14} {finding.message}"


def verdict(result: CheckResult) -> str:
    """The one line that sums a station's check up."""
    counts = result.counts()
    word = "INCOMPLETE" if result.error else "FAILED" if counts[Severity.ERROR] else "OK"
    return (
        f"{word}: {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s) over"
        f" {len(result.days)} day(s); {result.requests} requests (GET only) in {result.duration_s:.1f} s"
    )


def render(results: Sequence[CheckResult], previous: Path | None = None, many: bool = False) -> str:
    if not many:
        return _station(results[0])
    blocks = [f"== station {r.station} ==\n{_station(r)}" for r in results]
    worst = max((r.exit_code for r in results), default=0)
    tally = ", ".join(f"{sum(1 for r in results if r.exit_code == code)} {word}" for code, word in _WORDS)
    return "\n".join(blocks) + f"\n{len(results)} station(s): {tally}; exit {worst}\n"


_WORDS = ((0, "ok"), (1, "with errors"), (2, "not checked"))


def _station(result: CheckResult) -> str:
    tz = ZoneInfo(result.timezone) if result.timezone else None
    mode = ", LibreTime only" if result.libretime_only else ""
    zone = result.timezone or "time zone unknown"
    lines = [f"Schedule check {result.first} to {result.last} ({zone}{mode})", ""]
    if result.days:
        lines.append(f"{'day':10}  {'log':>6}  {'published':9}  {'rows':>5}  {'errors':>6}  {'warnings':>8}")
        for day in result.days:
            errors = sum(1 for f in day.findings if f.severity is Severity.ERROR)
            published = "-" if day.published is None else "yes" if day.published else "no"
            lines.append(
                f"{day.date!s:10}  {day.log_id if day.log_id is not None else '-'!s:>6}  "
                f"{published:9}  {day.rows:>5}  {errors:>6}  {len(day.findings) - errors:>8}"
            )
        lines.append("")
    findings = result.all_findings()
    if findings:
        lines.append(f"{'severity':8} {'kind':22} {'local time':14} what")
        lines += [_line(f, tz) for f in findings]
        lines.append("")
    if result.error:
        lines.append(f"COULD NOT CHECK: {result.error}")
    lines.append(verdict(result))
    return "\n".join(lines) + "\n"
