"""The report's "Schedule check" section, from a saved ``librelog-verify check`` result.

Each checked day is drawn as a timeline: show instances as a band, rows as bars across the local
day (a second lane where rows overlap), hard starts ticked above their bar, gaps and overlaps
marked in red. The picture is hand-written SVG: a few rectangles need no plotting library.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .document import Block

FILE = "schedule-check.json"
BLUE, GREEN, RED, AMBER, GREY, BAND = "#3b6fd4", "#2e9d5b", "#d24c3f", "#d89b2b", "#888", "#eef2fa"
FINDINGS_SHOWN = 200


def load(out: Path) -> dict[str, Any] | list[dict[str, Any]] | None:
    path = out / FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _lanes(rows: list[list[Any]]) -> list[int]:
    """A lane per row so that rows sharing time sit on separate lines (at most three)."""
    ends: list[datetime] = []
    lanes = []
    for start, end, *_ in rows:
        s, e = _at(start), _at(end)
        lane = next((i for i, last in enumerate(ends) if last <= s), None)
        if lane is None:
            lane = min(len(ends), 2)
            if lane == len(ends):
                ends.append(e)
        ends[lane] = max(ends[lane], e)
        lanes.append(lane)
    return lanes


def timeline_svg(day: dict[str, Any]) -> str:
    timeline = day.get("timeline") or {}
    start, end = (_at(t) for t in timeline.get("window", [])) if timeline.get("window") else (None, None)
    if start is None or end is None:
        return ""
    tz = ZoneInfo(day["timezone"])
    width, left, right, top = 960, 40, 10, 26
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        seconds = min(max((at - start).total_seconds(), 0.0), span)
        return left + (width - left - right) * seconds / span

    rows = timeline.get("rows", [])
    lanes = _lanes(rows)
    lane_h, band_y = 14, top + 10
    height = band_y + 3 * (lane_h + 4) + 44
    errors = sum(1 for f in day["findings"] if f["severity"] == "error")
    caption = f"{day['date']} ({day['timezone']}): {day['rows']} rows, {errors} errors"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Schedule of {escape(caption)}">',
        f'<text x="{left}" y="16" font-size="13" font-family="sans-serif">{escape(caption)}: '
        f'<tspan fill="{GREEN}">■ row</tspan> <tspan fill="{BLUE}">▼ hard start</tspan> '
        f'<tspan fill="{RED}">■ gap / overlap / finding</tspan> <tspan fill="{GREY}">■ never plays</tspan></text>',
    ]
    for s, e, inst in timeline.get("instances", []):
        parts.append(
            f'<rect x="{x(_at(s)):.1f}" y="{band_y}" width="{max(x(_at(e)) - x(_at(s)), 1):.1f}" '
            f'height="{3 * (lane_h + 4)}" fill="{BAND}"><title>show instance {inst}: {s} to {e}</title></rect>'
        )
    for (s, e, row_id, file_id, hard, playable), lane in zip(rows, lanes, strict=True):
        y = band_y + 2 + lane * (lane_h + 4)
        x0, x1 = x(_at(s)), x(_at(e))
        colour = GREEN if playable else GREY
        local = _at(s).astimezone(tz).strftime("%H:%M:%S")
        parts.append(
            f'<rect x="{x0:.2f}" y="{y}" width="{max(x1 - x0, 0.6):.2f}" height="{lane_h}" fill="{colour}" '
            f'stroke="#fff" stroke-width="0.3"><title>row {row_id}, file {file_id}, {local}</title></rect>'
        )
        if hard:
            parts.append(f'<path d="M{x0 - 3:.1f},{y - 6} L{x0 + 3:.1f},{y - 6} L{x0:.1f},{y - 1} Z" fill="{BLUE}"/>')
    marks_y = band_y + 3 * (lane_h + 4) + 4
    for finding in day["findings"]:
        if not finding.get("at_utc"):
            continue
        at = _at(finding["at_utc"])
        until = _at(finding["until_utc"]) if finding.get("until_utc") else at
        colour = RED if finding["severity"] == "error" else AMBER
        parts.append(
            f'<rect x="{x(at):.2f}" y="{marks_y}" width="{max(x(until) - x(at), 2):.2f}" height="8" '
            f'fill="{colour}"><title>{escape(finding["kind"])}: {escape(finding["message"])}</title></rect>'
        )
    hours = int(span // 3600)
    for h in range(hours + 1):
        at = start + timedelta(hours=h)
        label = at.astimezone(tz).strftime("%H")
        parts.append(
            f'<line x1="{x(at):.1f}" y1="{band_y}" x2="{x(at):.1f}" y2="{marks_y + 10}" stroke="#ddd" '
            f'stroke-width="0.5"/><text x="{x(at):.1f}" y="{marks_y + 24}" font-size="9" text-anchor="middle" '
            f'font-family="sans-serif">{label}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 4}" font-size="10" fill="{GREY}" font-family="sans-serif">'
        "station-local hours; the band is the show instances, the marks below are findings (hover for detail)"
        "</text></svg>"
    )
    return "".join(parts)


def _local(finding: dict[str, Any]) -> str:
    text = finding.get("at_local")
    return text[:19].replace("T", " ") if text else "-"


def blocks(saved: dict[str, Any] | list[dict[str, Any]]) -> list[Block]:
    """The section of one station's check, or one per station for a check of many."""
    if isinstance(saved, list):
        return [b for result in saved for b in _station(result, f"Schedule check: {result.get('station')}")]
    return _station(saved, "Schedule check")


def _station(result: dict[str, Any], title: str) -> list[Block]:
    summary = result.get("summary", {})
    alone = result.get("mode") == "libretime_only"
    planned = "scheduled" if alone else "logged"
    errors, warnings = summary.get("errors", 0), summary.get("warnings", 0)
    if not result.get("complete", False):
        verdict = f"❌ **Could not finish**: {result.get('error')}"
    elif errors:
        verdict = f"❌ **{errors} error(s)** and {warnings} warning(s): the station will not play as {planned}."
    else:
        verdict = f"✅ **No errors** ({warnings} warning(s)): the checked days will play as {planned}."
    what = (
        "LibreTime alone (no LibreLog): each day's playability (gaps, overlaps, overbooked rows, rows past their"
        " show, null fades, empty cues, empty show instances) and its files (missing, hidden, importing, not on"
        " disk); whether playout still records what plays."
        if alone
        else "Each day: LibreTime's schedule against LibreLog's published log (missing, unexpected, wrong media,"
        " wrong time, hard starts), the schedule's playability (gaps, overlaps, overbooked rows, rows past"
        " their show, null fades, empty cues, empty show instances) and its files (missing, hidden, importing,"
        " not on disk)."
    )
    out = [
        Block("h2", title),
        Block(
            "p",
            f"**Checked:** {result.get('checked_at')} · **Days:** {result.get('from')} to {result.get('to')}"
            f" ({result.get('timezone')}) · **Cost:** {summary.get('requests')} GET requests in"
            f" {summary.get('duration_s')} s (read-only: the check cannot write)",
        ),
        Block("p", verdict),
        Block("p", what),
    ]
    days = result.get("days", [])
    if days:
        rows = []
        for day in days:
            day_errors = sum(1 for f in day["findings"] if f["severity"] == "error")
            mark = "❌" if day_errors else "✅"
            rows.append(
                [
                    f"{mark} {day['date']}",
                    str(day.get("log_id") if day.get("log_id") is not None else "-"),
                    "-" if day.get("published") is None else "yes" if day.get("published") else "no",
                    str(day.get("rows")),
                    str(day_errors),
                    str(len(day["findings"]) - day_errors),
                ]
            )
        out.append(Block("table", header=["day", "log", "published", "rows", "errors", "warnings"], rows=rows))
    for day in days:
        svg = timeline_svg(day)
        if svg:
            out.append(Block("svg", svg))
    findings = [*result.get("findings", []), *(f for d in days for f in d["findings"])]
    if findings:
        shown = findings[:FINDINGS_SHOWN]
        out.append(
            Block(
                "table",
                header=["severity", "kind", "local time", "row", "file", "title", "what"],
                rows=[
                    [
                        f["severity"],
                        f"`{f['kind']}`",
                        _local(f),
                        str(f.get("row_id") or "-"),
                        str(f.get("file_id") or "-"),
                        str(f.get("title") or "-"),
                        f["message"],
                    ]
                    for f in shown
                ],
            )
        )
        if len(findings) > len(shown):
            out.append(Block("p", f"… and {len(findings) - len(shown)} more in `{FILE}`."))
    return out
