"""The Scheduled Shows pane (the show builder) for one day, read as a person reads it.

The pane is asked for the day from 00:00 to 00:00 the next day with its own date and time
fields and search button, as a person does (the fields are set without opening their pickers).
Its rows are shows (title, date, start and end) holding items (start, end, duration, title,
creator, album), all in the zone the UI displays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .session import UISession

# Every row of the pane as the page shows it: its cells' text, and which kind of row it is.
READ_ROWS = """() => Array.from(document.querySelectorAll('#show_builder_table tbody tr')).map(tr => {
  const text = sel => { const el = tr.querySelector(sel); return el ? el.innerText.trim() : null; };
  return {
    header: tr.classList.contains('sb-header'),
    footer: tr.classList.contains('sb-footer'),
    empty: tr.classList.contains('sb-empty') || !!tr.querySelector('.dataTables_empty'),
    instance: tr.getAttribute('si_id'),
    show: text('.show-title'),
    show_date: text('.show-date'),
    show_times: Array.from(tr.querySelectorAll('.show-time')).map(e => e.innerText.trim()),
    starts: text('td.sb-starts'), ends: text('td.sb-ends'), length: text('td.sb-length'),
    title: text('td.sb-title'), creator: text('td.sb-creator'), album: text('td.sb-album'),
    all: tr.innerText.trim(),
  };
})"""
SET_RANGE = """([start, end]) => {
  const set = (id, value) => { document.querySelector(id).value = value; };
  set('#sb_date_start', start); set('#sb_time_start', '00:00');
  set('#sb_date_end', end); set('#sb_time_end', '00:00');
}"""
# The zone the page displays times in (the logged-in user's), as LibreTime's layout embeds it.
READ_ZONE = """() => {
  try { return schedulePreLoaded.entries.timezone || null; } catch (e) { return null; }
}"""


@dataclass(frozen=True)
class UIItem:
    """One scheduled item as the pane shows it."""

    day: date  # the date the item starts on, from its show's date and the times before it
    starts: str  # HH:MM:SS
    ends: str
    length: str  # LibreTime's own format: 7.0, 3:00.0, 1:00:00.0
    title: str
    creator: str
    album: str
    show: str


@dataclass
class ScheduleView:
    day: date
    zone: str | None
    url: str
    items: list[UIItem] = field(default_factory=list)
    shows: list[str] = field(default_factory=list)  # "title (date start-end)" of each show drawn
    rows: list[dict[str, Any]] = field(default_factory=list)  # the raw rows, for the report
    screenshot: bytes | None = None


def _items(rows: list[dict[str, Any]], day: date) -> tuple[list[UIItem], list[str]]:
    items, shows = [], []
    show, current, last = "", day, ""
    for row in rows:
        if row["header"]:
            show = row["show"] or ""
            current = date.fromisoformat(row["show_date"]) if row["show_date"] else day
            last = (row["show_times"] or [""])[0]
            shows.append(f"{show} ({row['show_date']} {'-'.join(row['show_times'])})")
            continue
        if row["footer"] or row["empty"] or not row["starts"]:
            continue
        if last and row["starts"] < last:  # the clock went past midnight inside the show
            current += timedelta(days=1)
        last = row["starts"]
        items.append(
            UIItem(
                current,
                row["starts"],
                row["ends"] or "",
                row["length"] or "",
                row["title"] or "",
                row["creator"] or "",
                row["album"] or "",
                show,
            )
        )
    return items, shows


async def read_day(session: UISession, day: date) -> ScheduleView:
    """The pane for ``day`` (00:00 to 00:00 in the UI's zone), once it has drawn."""
    from playwright.async_api import Error

    page = session.page
    url = session.url("/showbuilder")
    try:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_selector("#sb_submit", state="visible")
        # The fields' values set without focusing them: a focused field opens its date or time
        # picker, which would then cover the table in the screenshot.
        await page.evaluate(SET_RANGE, [day.isoformat(), (day + timedelta(days=1)).isoformat()])
        wanted = f"start={day.isoformat()}+00%3A00"
        async with page.expect_response(
            lambda r: "builder-feed" in r.url and wanted in (r.request.post_data or "")
        ) as answer:
            await page.click("#sb_submit")
        response = await answer.value
    except Error as exc:
        first = str(exc).splitlines()[0]
        raise await session.fail(f"the Scheduled Shows pane at {url} did not show {day}: {first}") from None
    if response.status != 200:
        raise await session.fail(f"the Scheduled Shows pane's feed answered HTTP {response.status} for {day}")
    try:
        feed = json.loads(await response.text())
        wanted_rows = len(feed.get("schedule", []))
    except (ValueError, AttributeError):
        raise await session.fail(f"the Scheduled Shows pane's feed for {day} is not JSON") from None
    # Drawn: as many rows as the feed gave (or the empty message when it gave none).
    drawn = (
        f"() => document.querySelectorAll('#show_builder_table tbody tr[si_id]').length >= {wanted_rows}"
        if wanted_rows
        else "() => !!document.querySelector('#show_builder_table .dataTables_empty')"
    )
    try:
        await page.wait_for_function(drawn)
    except Error:
        raise await session.fail(
            f"the Scheduled Shows pane at {url} did not draw {day}: its feed held {wanted_rows} row(s),"
            f" the table shows none after {session.settings.timeout_s:g} s"
        ) from None
    rows = await page.evaluate(READ_ROWS)
    items, shows = _items(rows, day)
    view = ScheduleView(day, await page.evaluate(READ_ZONE), url, items, shows, rows)
    view.screenshot = await session.screenshot()
    return view
