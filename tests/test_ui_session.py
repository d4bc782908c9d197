"""The browser side of the UI checks against a small page shaped like LibreTime's login and
Scheduled Shows pane: every way the UI can fail is one clear error naming the URL and what was
expected, with a screenshot, within the timeout; and the guard keeps the page from writing.

Needs Playwright and Debian's Chromium (``.ci/run`` installs both); skipped, saying so, without.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from harness.ui import UIError, UISettings
from harness.ui.browser import unavailable
from harness.ui.schedule_view import read_day
from harness.ui.session import open_session

from .conftest import free_port

pytestmark = pytest.mark.skipif(unavailable() is not None, reason=f"no browser here: {unavailable()}")
PNG = b"\x89PNG"
LOGIN = """<html><body><div id="login"><p class="light">{message}</p>
<form method="post" action=""><input id="username" name="username"><input id="password" name="password"
type="password"><input type="submit" id="submit" value="Login"></form></div></body></html>"""
# The pane: a search button that asks the feed, then draws, or fails as LibreTime's does at a show
# without colours. On load it also tries to save a table layout, which the guard must refuse.
BUILDER = """<html><body>
<input id="sb_date_start"><input id="sb_time_start"><input id="sb_date_end"><input id="sb_time_end">
<button id="sb_submit">search</button><table id="show_builder_table"><tbody></tbody></table>
<script>
fetch('/usersettings/set-library-datatable', {method: 'POST', body: 'x=1'}).catch(() => {});
document.querySelector('#sb_submit').onclick = async () => {
  const start = document.querySelector('#sb_date_start').value;
  const answer = await fetch('/showbuilder/builder-feed', {method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'start=' + start + '+00%3A00'});
  const feed = await answer.json();
  if (DRAW) {
    document.querySelector('tbody').innerHTML = '<tr class="sb-header" si_id="1"><td><span class="show-title">LibreLog'
      + '</span><span class="show-date">' + start + '</span><span class="show-time">00:00</span></td></tr>'
      + '<tr si_id="1"><td class="sb-starts">06:00:00</td><td class="sb-ends">06:00:06</td>'
      + '<td class="sb-length">6.0</td><td class="sb-title">ID</td><td class="sb-creator">Station</td>'
      + '<td class="sb-album"></td></tr>';
  } else {
    null.substring(1);
  }
};
</script></body></html>"""


def _app(draw: bool, received: list[str]) -> web.Application:
    async def login_page(request: web.Request) -> web.Response:
        return web.Response(text=LOGIN.format(message=""), content_type="text/html")

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        if (form.get("username"), form.get("password")) == ("admin", "s3cret-ui"):
            raise web.HTTPFound("/showbuilder")
        message = "Wrong username or password provided. Please try again."
        return web.Response(text=LOGIN.format(message=message), content_type="text/html")

    async def builder(request: web.Request) -> web.Response:
        return web.Response(text=BUILDER.replace("DRAW", "true" if draw else "false"), content_type="text/html")

    async def feed(request: web.Request) -> web.Response:
        return web.json_response({"schedule": [{"header": True}, {"header": False}], "instances": [1]})

    @web.middleware
    async def journal(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        received.append(f"{request.method} {request.path}")
        return await handler(request)

    app = web.Application(middlewares=[journal])
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_get("/showbuilder", builder)
    app.router.add_post("/showbuilder/builder-feed", feed)
    app.router.add_post("/usersettings/set-library-datatable", feed)
    return app


async def _serve(draw: bool, received: list[str]) -> AsyncIterator[str]:
    server = TestServer(_app(draw, received), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
def received() -> list[str]:
    return []


@pytest.fixture
async def drawing(received: list[str]) -> AsyncIterator[str]:
    async for url in _serve(True, received):
        yield url


@pytest.fixture
async def broken(received: list[str]) -> AsyncIterator[str]:
    async for url in _serve(False, received):
        yield url


UI_PASSWORD = "s3cret-ui"  # the fake page's own


def _settings(url: str, password: str | None = None) -> UISettings:
    return UISettings(url, "admin", password or UI_PASSWORD, timeout_s=3.0)


async def test_a_drawn_day_is_read_and_the_page_could_not_write(drawing: str, received: list[str]) -> None:
    async with open_session(_settings(drawing)) as session:
        view = await read_day(session, date(2099, 1, 1))
        blocked = list(session.guard.blocked)
    assert [(i.day.isoformat(), i.starts, i.title, i.creator, i.length) for i in view.items] == [
        ("2099-01-01", "06:00:00", "ID", "Station", "6.0")
    ]
    assert view.screenshot is not None and view.screenshot.startswith(PNG)
    assert set(blocked) == {"POST /usersettings/set-library-datatable"}
    assert "POST /usersettings/set-library-datatable" not in received
    assert "POST /showbuilder/builder-feed" in received


async def test_wrong_credentials_fail_naming_the_login_page_with_a_picture(drawing: str) -> None:
    with pytest.raises(UIError) as failed:
        async with open_session(_settings(drawing, password="wrong")):
            pass
    assert str(failed.value) == (
        f"LibreTime's UI at {drawing}/login refused the login of user 'admin':"
        " Wrong username or password provided. Please try again."
    )
    assert failed.value.screenshot is not None and failed.value.screenshot.startswith(PNG)
    assert "wrong" not in str(failed.value) and "s3cret" not in str(failed.value)


async def test_a_pane_that_never_draws_fails_in_time_with_the_console_error(broken: str) -> None:
    async with open_session(_settings(broken)) as session:
        with pytest.raises(UIError) as failed:
            await read_day(session, date(2099, 1, 1))
    message = str(failed.value)
    assert message.startswith(
        f"the Scheduled Shows pane at {broken}/showbuilder did not draw 2099-01-01: its feed held 2 row(s),"
        " the table shows none after 3 s; the browser console said: script error: "
    )
    assert "Cannot read properties of null (reading 'substring')" in message
    assert failed.value.screenshot is not None and failed.value.screenshot.startswith(PNG)


async def test_a_site_that_is_not_libretime_is_named_with_what_was_expected(drawing: str) -> None:
    with pytest.raises(UIError) as failed:
        async with open_session(_settings(drawing + "/elsewhere")):
            pass
    assert str(failed.value) == (
        f"no LibreTime login form at {drawing}/elsewhere/login (HTTP 404): expected its login page"
    )


async def test_a_ui_that_does_not_answer_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(UIError) as failed:
        async with open_session(_settings(url)):
            pass
    assert str(failed.value).startswith(f"LibreTime's UI did not load at {url}/login: ")
    assert "ERR_CONNECTION_REFUSED" in str(failed.value)
