"""The Tracks library, searched for a title, read as a person reads it.

The library's own search box is used, as a person would; the columns a check needs that the
library hides by default (Description, say) are shown the way its Columns menu shows them (the
layout the page then tries to save for the user is refused by the browser's guard).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .session import UISession

COLUMNS = ("Title", "Creator", "Album", "Type", "Genre", "Description", "Length", "Mime")
SHOW_COLUMNS = """titles => {
  const table = $('#library_display').dataTable();
  table.fnSettings().aoColumns.forEach((column, index) => {
    if (titles.includes(column.sTitle) && !column.bVisible) { table.fnSetColumnVis(index, true, false); }
  });
  table.fnAdjustColumnSizing(false);
}"""
READ_ROWS = """() => {
  const heads = Array.from(document.querySelectorAll('#library_display thead th')).map(th => th.innerText.trim());
  return Array.from(document.querySelectorAll('#library_display tbody tr')).map(tr => {
    if (tr.querySelector('.dataTables_empty')) { return null; }
    const row = {id: tr.id};
    Array.from(tr.querySelectorAll('td')).forEach((td, i) => {
      if (heads[i]) { row[heads[i]] = td.innerText.trim(); }
    });
    return row;
  }).filter(row => row !== null);
}"""


@dataclass
class LibraryView:
    search: str
    url: str
    rows: list[dict[str, str]] = field(default_factory=list)  # column title -> the cell's text
    total: int = 0  # what the library's feed counted for the search
    screenshot: bytes | None = None


async def search(session: UISession, text: str) -> LibraryView:
    """The Tracks library filtered by ``text``, once the table has drawn the answer."""
    from playwright.async_api import Error

    page = session.page
    url = session.url("/showbuilder#tracks")
    try:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_selector("#library_display tbody tr")
        await page.evaluate(SHOW_COLUMNS, list(COLUMNS))
        box = page.locator('#library_content .dataTables_filter input[type="text"]').first
        wanted = "sSearch=" + json.dumps(text)[1:-1].replace(" ", "+")[:20]
        async with page.expect_response(
            lambda r: "contents-feed" in r.url and wanted.lower() in (r.request.post_data or "").lower()
        ) as answer:
            await box.fill(text)
            await box.press("Enter")
        response = await answer.value
        feed = json.loads(await response.text())
        total = int(feed.get("iTotalDisplayRecords", 0))
        drawn = (
            f"() => document.querySelectorAll('#library_display tbody tr[id]').length >= {min(total, 1)}"
            if total
            else "() => !!document.querySelector('#library_display .dataTables_empty')"
        )
        await page.wait_for_function(drawn)
    except Error as exc:
        first = str(exc).splitlines()[0]
        raise await session.fail(f"the Tracks library at {url} did not show a search for {text!r}: {first}") from None
    except ValueError:
        raise await session.fail(f"the Tracks library's feed for {text!r} is not JSON") from None
    view = LibraryView(text, url, await page.evaluate(READ_ROWS), total)
    view.screenshot = await session.screenshot()
    return view
