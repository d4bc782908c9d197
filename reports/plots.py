"""Small inline SVG charts (no plotting dependency): the published day, and scenario durations."""

from __future__ import annotations

from html import escape

from .results import Run, ScenarioResult

BLUE, GREEN, RED, GREY = "#3b6fd4", "#2e9d5b", "#d24c3f", "#888"


def day_counts(scenario: ScenarioResult) -> tuple[list[int], list[int], str] | None:
    """Entries per local hour in the log (as sent) and in LibreTime (as read back)."""
    log_entries = None
    snapshot = None
    for step in scenario.steps:
        request = step.attachments.get("request")
        if isinstance(request, dict) and request.get("method") == "POST" and request.get("url", "").endswith("/logs"):
            body = request.get("json") or {}
            log_entries = body.get("entries")
        for name, value in step.attachments.items():
            if name.startswith("LibreTime schedule rows") and isinstance(value, dict):
                snapshot = value
    if not log_entries or snapshot is None:
        return None
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(snapshot.get("timezone", "UTC"))
    log_hours = [0] * 24
    for entry in log_entries:
        log_hours[int(str(entry.get("start", "0"))[:2]) % 24] += 1
    lt_hours = [0] * 24
    for row in snapshot.get("rows", []):
        local = datetime.fromisoformat(row["starts_at"].replace("Z", "+00:00")).astimezone(tz)
        lt_hours[local.hour] += 1
    return log_hours, lt_hours, f"{snapshot.get('date')} ({snapshot.get('timezone')})"


def timeline_svg(log_hours: list[int], lt_hours: list[int], caption: str) -> str:
    width, height, top, left = 760, 220, 30, 40
    peak = max([1, *log_hours, *lt_hours])
    col = (width - left - 10) / 24
    bar = col * 0.38
    plot_h = height - top - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Entries per hour, log vs LibreTime, {escape(caption)}">',
        f'<text x="{left}" y="18" font-size="13" font-family="sans-serif">Entries per hour — {escape(caption)}: '
        f'<tspan fill="{BLUE}">■ log</tspan> <tspan fill="{GREEN}">■ LibreTime</tspan></text>',
    ]
    for hour in range(24):
        x = left + hour * col
        for offset, count, colour in ((0, log_hours[hour], BLUE), (bar, lt_hours[hour], GREEN)):
            h = plot_h * count / peak
            fill = RED if colour == GREEN and count != log_hours[hour] else colour
            who = "log" if colour == BLUE else "LibreTime"
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{fill}"><title>{hour:02d}:00 {who}: {count}</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - 22}" font-size="9" text-anchor="middle" '
            f'font-family="sans-serif">{hour:02d}</text>'
        )
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="{GREY}"/>')
    parts.append(
        f'<text x="{left}" y="{height - 6}" font-size="10" fill="{GREY}" font-family="sans-serif">'
        "local hour; a red LibreTime bar differs from the log</text></svg>"
    )
    return "".join(parts)


def durations_svg(run: Run, limit: int = 25) -> str:
    ranked = sorted(run.scenarios, key=lambda s: s.duration_s, reverse=True)[:limit]
    row, left, width = 18, 330, 760
    height = 30 + row * len(ranked)
    peak = max([0.001, *(s.duration_s for s in ranked)])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        'aria-label="Scenario durations">',
        '<text x="4" y="16" font-size="13" font-family="sans-serif">Slowest scenarios (seconds)</text>',
    ]
    for i, s in enumerate(ranked):
        y = 24 + i * row
        w = (width - left - 60) * s.duration_s / peak
        colour = GREEN if s.ok else (GREY if s.status == "skipped" else RED)
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" font-size="10" text-anchor="end" font-family="sans-serif">'
            f"{escape(s.id[:48])}</text>"
            f'<rect x="{left}" y="{y + 2}" width="{max(w, 1):.1f}" height="{row - 5}" fill="{colour}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 12}" font-size="10" font-family="sans-serif">'
            f"{s.duration_s:.2f}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
