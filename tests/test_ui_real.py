"""The UI checks against the complete real LibreTime (``real-libretime up --full``): its own web
UI, read in Chromium, against a day our LibreLog published there.

The day reads the same in the UI as in LibreLog; a row deleted and a title changed through
LibreTime's API behind LibreLog's back are each named by the UI check; reading the UI changes
nothing in the station (its whole fingerprint is the same before and after, and the writes the
page itself attempts are refused by the browser's guard); wrong credentials are a clear failure.

Runs when ``REAL_LIBRETIME_URL``, ``REAL_LIBRETIME_API_KEY``, ``REAL_LIBRETIME_UI_URL``,
``LIBRETIME_UI_USER`` and ``LIBRETIME_UI_PASSWORD`` are set (``scripts/live-ci.sh`` sets them
after ``up --full``) and a browser can be started; skipped with the reason otherwise.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest

from harness.effects.common import instant
from harness.live.fingerprint import differences, take
from harness.ui import UIError, UISettings
from harness.ui.browser import unavailable
from harness.ui.checks import log_in_ui
from harness.ui.library_view import search
from harness.ui.session import open_session
from stubs.librelog import run_librelog

from .conftest import librelog_settings_for
from .station_day import STEP, StationDay

URL, KEY = os.environ.get("REAL_LIBRETIME_URL"), os.environ.get("REAL_LIBRETIME_API_KEY")
UI_URL = os.environ.get("REAL_LIBRETIME_UI_URL")
USER, PASSWORD = os.environ.get("LIBRETIME_UI_USER"), os.environ.get("LIBRETIME_UI_PASSWORD")
pytestmark = [
    pytest.mark.skipif(
        not (URL and KEY and UI_URL and USER and PASSWORD),
        reason="no complete real LibreTime: REAL_LIBRETIME_URL, REAL_LIBRETIME_API_KEY, REAL_LIBRETIME_UI_URL,"
        " LIBRETIME_UI_USER and LIBRETIME_UI_PASSWORD are not all set",
    ),
    pytest.mark.skipif(unavailable() is not None, reason=f"no browser here: {unavailable()}"),
]
DAY = date(2098, 7, 1)
DELETED, RETITLED = 5, 10  # entries of 3 minutes: 00:15:00 and 00:30:00


def _settings(password: str | None = None) -> UISettings:
    assert UI_URL and USER and PASSWORD
    return UISettings(UI_URL, USER, password or PASSWORD, timeout_s=30.0)


def _station() -> httpx.Client:
    assert URL and KEY
    return httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60)


@pytest.fixture
async def day(tmp_path: Path) -> AsyncIterator[tuple[StationDay, httpx.AsyncClient, httpx.AsyncClient]]:
    assert URL and KEY
    window = (
        datetime.combine(DAY - timedelta(days=1), time(0), tzinfo=UTC),
        datetime.combine(DAY + timedelta(days=2), time(0), tzinfo=UTC),
    )
    with _station() as sync:
        before = take(sync, window)
    settings = librelog_settings_for(URL, tmp_path, flavor="v2", api_key=KEY, timeout_s=30.0)
    async with (
        run_librelog(settings) as librelog,
        httpx.AsyncClient(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as lt,
        httpx.AsyncClient(base_url=librelog.base_url, timeout=300) as ll,
    ):
        published = StationDay(lt, ll, DAY, "UTC", count=20, own_at=RETITLED)
        try:
            await published.publish(sync_history=False)
            yield published, ll, lt
        finally:
            await published.cleanup()
    with _station() as sync:
        after = take(sync, window)
    assert differences(before, after) == [], "the station changed outside what the test created"


async def test_the_ui_shows_the_published_day_and_names_what_was_changed_behind_librelog(
    day: tuple[StationDay, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    published, ll, lt = day
    async with open_session(_settings()) as session:
        clean = await log_in_ui(session, ll, lt, published.log_id)
        assert clean.differences == []
        assert len(clean.view.items) == 20 and clean.view.zone == "UTC"
        assert {i.title for i in clean.view.items} == {"station check common", "station check own"}
        deleted_file = (await published.row(DELETED))["file"]
        await published.delete_row(DELETED)
        await published.patch_own_file(track_title="Retitled behind LibreLog's back")
        planted = await log_in_ui(session, ll, lt, published.log_id)
    assert planted.differences == [
        f"00:15:00 'station check common' (file {deleted_file}) is not in LibreTime's UI at 00:15:00",
        "at 00:30:00 the UI shows the title \"Retitled behind LibreLog's back\", LibreLog's track library has"
        " 'station check own'",
    ]
    assert planted.view.screenshot is not None and planted.view.screenshot.startswith(b"\x89PNG")
    assert instant((await published.row(RETITLED))["starts_at"]) == published.window[0] + STEP * RETITLED


async def test_reading_the_ui_changes_nothing_in_the_station(
    day: tuple[StationDay, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    published, ll, lt = day
    with _station() as sync:
        before = take(sync, [])  # every row of the station, the test's own day included
    async with open_session(_settings()) as session:
        await log_in_ui(session, ll, lt, published.log_id)
        found = await search(session, "station check own")
        blocked = list(session.guard.blocked)
    with _station() as sync:
        after = take(sync, [])
    assert differences(before, after) == []
    assert [row["Title"] for row in found.rows] == ["station check own"]
    # The page did try to write (it saves the user's table layout); the guard refused it.
    assert "POST /usersettings/set-library-datatable" in blocked


async def test_wrong_credentials_fail_naming_the_login_page() -> None:
    with pytest.raises(UIError) as failed:
        async with open_session(_settings(password="not-the-password")):
            pass
    assert str(failed.value) == (
        f"LibreTime's UI at {UI_URL}/login refused the login of user {USER!r}:"
        " Wrong username or password provided. Please try again."
    )
    assert failed.value.screenshot is not None
