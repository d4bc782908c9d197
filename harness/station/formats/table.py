"""The terminal table: one line per day, then every finding, then the verdict."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from ..findings import Finding, Severity
from ..result import CheckResult


def _line(finding: Finding, tz: ZoneInfo | None) -> str:
    local = finding.at.astimezone(tz).strftime("%m-%d %H:%M:%S") if finding.at and tz else "-"
    return f"{finding.severity.value.upper():8} {finding.kind.value:22} {local:14} {finding.message}"


def render(result: CheckResult, previous: Path | None = None) -> str:
    tz = ZoneInfo(result.timezone) if result.timezone else None
    lines = [f"Schedule check {result.first} to {result.last} ({result.timezone or 'time zone unknown'})", ""]
    if result.days:
        lines.append(f"{'day':10}  {'log':>6}  {'published':9}  {'rows':>5}  {'errors':>6}  {'warnings':>8}")
        for day in result.days:
            errors = sum(1 for f in day.findings if f.severity is Severity.ERROR)
            lines.append(
                f"{day.date!s:10}  {day.log_id if day.log_id is not None else '-'!s:>6}  "
                f"{'yes' if day.published else 'no':9}  {day.rows:>5}  {errors:>6}  {len(day.findings) - errors:>8}"
            )
        lines.append("")
    findings = result.all_findings()
    if findings:
        lines.append(f"{'severity':8} {'kind':22} {'local time':14} what")
        lines += [_line(f, tz) for f in findings]
        lines.append("")
    counts = result.counts()
    if result.error:
        lines.append(f"COULD NOT CHECK: {result.error}")
    verdict = "FAILED" if counts[Severity.ERROR] else "OK"
    lines.append(
        f"{verdict if not result.error else 'INCOMPLETE'}: {counts[Severity.ERROR]} error(s),"
        f" {counts[Severity.WARNING]} warning(s) over {len(result.days)} day(s);"
        f" {result.requests} requests (GET only) in {result.duration_s:.1f} s"
    )
    return "\n".join(lines) + "\n"
