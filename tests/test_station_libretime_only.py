"""The schedule check of LibreTime alone (no LibreLog), on the stub: each invariant that needs no
log finds exactly its rows, playout that stopped recording is found from the history, garbage
answers are named, and the command works without any LibreLog setting."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from harness.seeding.rows import test_file as file_body
from harness.station.check import Options, check
from harness.station.result import CheckResult
from harness.station.settings import StationSettings
from harness.station.source import open_station
from stubs.libretime import RunningStub

from .conftest import API_KEY, AUTH, instance, schedule_row, seed, show

DAY = date(2099, 7, 1)
TZ = "UTC"


def at(hour: int, minute: int = 0, day: date = DAY) -> str:
    return f"{day}T{hour:02d}:{minute:02d}:00Z"


def z(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def files() -> list[dict[str, Any]]:
    return [
        {"id": 1, **file_body({"title": "Ready"})},
        {"id": 2, **file_body({"title": "Importing"}), "import_status": 1},
    ]


def day_rows() -> dict[str, Any]:
    """Instance 1 (10:00-10:09) holds three rows: clean, null fade, file still importing.
    Instance 2 (12:00-13:00) holds nothing."""
    return {
        "files": files(),
        "shows": [{"id": 1, **show()}],
        "show_instances": [
            {"id": 1, **instance(1, at(10), at(10, 9))},
            {"id": 2, **instance(1, at(12), at(13))},
        ],
        "schedule": [
            {"id": 1, **schedule_row(1, 1, at(10), at(10, 3), position=0)},
            {"id": 2, **schedule_row(1, 1, at(10, 3), at(10, 6), position=1, fade_in=None)},
            {"id": 3, **schedule_row(1, 2, at(10, 6), at(10, 9), position=2)},
        ],
    }


@pytest.fixture
async def lt(stub: RunningStub) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stub.base_url, headers=AUTH, timeout=30) as http:
        yield http


async def run_check(base_url: str, **options: Any) -> CheckResult:
    settings = StationSettings(libretime_url=base_url, api_key=API_KEY, timezone=TZ)
    async with open_station(settings) as station:
        assert not station.with_librelog
        return await check(station, Options(first=options.pop("first", DAY), last=options.pop("last", DAY), **options))


def kinds(result: CheckResult) -> Counter[str]:
    return Counter(f.kind.value for f in result.all_findings())


async def test_each_invariant_finds_its_rows_without_librelog(stub: RunningStub, lt: httpx.AsyncClient) -> None:
    await seed(lt, day_rows())
    result = await run_check(stub.base_url, timezone=TZ)
    assert result.error is None and result.libretime_only
    assert kinds(result) == Counter({"null_fade": 1, "file_not_ready": 1, "empty_instance": 1})
    by_kind = {f.kind.value: f for f in result.all_findings()}
    assert by_kind["null_fade"].row_id == 2 and by_kind["file_not_ready"].row_id == 3
    assert by_kind["file_not_ready"].title == "Importing"
    empty = by_kind["empty_instance"]
    assert (z(empty.at), z(empty.until)) == (at(12), at(13)) and "show instance 2" in empty.message
    (day,) = result.days
    assert (day.published, day.log_id, day.rows) == (None, None, 3)
    doc = result.as_json()
    assert doc["mode"] == "libretime_only" and doc["days"][0]["published"] is None


async def test_a_gap_and_an_overlap_without_librelog(stub: RunningStub, lt: httpx.AsyncClient) -> None:
    rows = day_rows()
    rows["schedule"][1] = {"id": 2, **schedule_row(1, 1, at(10, 4), at(10, 7), position=1)}  # 60 s after row 1
    rows["schedule"][2] = {"id": 3, **schedule_row(1, 1, at(10, 6), at(10, 9), position=2)}  # 60 s into row 2
    rows["show_instances"].pop()
    await seed(lt, rows)
    result = await run_check(stub.base_url, timezone=TZ)
    assert kinds(result) == Counter({"gap": 1, "overlap": 1})


async def test_without_a_zone_it_will_not_guess(stub: RunningStub) -> None:
    from harness.errors import ConfigError

    settings = StationSettings(libretime_url=stub.base_url, api_key=API_KEY)
    async with open_station(settings) as station:
        result = check(station, Options(first=DAY, last=DAY))
        with pytest.raises(ConfigError, match="needs the station's time zone: pass --timezone"):
            await result


def playing_now(now: datetime) -> dict[str, Any]:
    """An instance around now, with a 3-minute row every 3 minutes from 12 minutes ago."""
    start = now - timedelta(minutes=12)
    rows = [
        {
            "id": 10 + i,
            **schedule_row(
                5, 1, z(start + i * timedelta(minutes=3)), z(start + (i + 1) * timedelta(minutes=3)), position=i
            ),
        }
        for i in range(8)
    ]
    return {
        "files": files()[:1],
        "shows": [{"id": 5, **show(name="On air now")}],
        "show_instances": [{"id": 5, **instance(5, z(start), z(start + timedelta(minutes=24)))}],
        "schedule": rows,
    }


@pytest.mark.parametrize("extension", [True, False], ids=["windowed-history", "stock-history"])
async def test_playout_that_records_nothing_is_playout_stopped(
    stub: RunningStub, lt: httpx.AsyncClient, extension: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not extension:  # a stock LibreTime: the whole history read, no windowed read
        from harness.station.source import Station

        async def stock(self: Station) -> bool:
            return False

        monkeypatch.setattr(Station, "has_integration", stock)
    now = datetime.now(UTC).replace(microsecond=0)
    await seed(lt, {**playing_now(now), "playout_history": [{"starts": z(now - timedelta(hours=3)), "file": 1}]})
    result = await run_check(stub.base_url, timezone=TZ, first=DAY, last=DAY)
    (stopped,) = [f for f in result.findings if f.kind.value == "playout_stopped"]
    assert stopped.severity.value == "error"
    assert "no play in the last 15 min while 5 scheduled row(s) were due" in stopped.message
    since = "no play is on record since" if extension else f"the last play started {z(now - timedelta(hours=3))}"
    assert since in stopped.message
    # Playout records what it plays (the stub's simulated playout): nothing to say.
    played = await lt.post("/__stub__/playout", json={"start": z(now - timedelta(minutes=12)), "end": z(now)})
    assert played.status_code == 200, played.text
    assert played.json()["created"] == 4
    again = await run_check(stub.base_url, timezone=TZ)
    assert "playout_stopped" not in kinds(again)
    # Turned off: not read at all.
    off = await run_check(stub.base_url, timezone=TZ, max_playout_silence=None)
    assert off.requests == again.requests - 2  # the last minutes' schedule and the history


async def test_nothing_due_means_the_history_is_not_read(stub: RunningStub, lt: httpx.AsyncClient) -> None:
    await seed(lt, day_rows())
    result = await run_check(stub.base_url, timezone=TZ)
    # files, instances, the extension probe, the last minutes' schedule; the day's schedule.
    assert result.requests == 5 and "playout_stopped" not in kinds(result)


async def _garbage_server(body: bytes, content_type: str) -> tuple[web.AppRunner, str]:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type)

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("body", "content_type", "said"),
    [
        (b"<html>Bad gateway</html>", "text/html", "with no JSON"),
        (b'{"detail": "ok"}', "application/json", "with a dict, not a list"),
        (b'[{"id": 1}]', "application/json", "with a row without 'starts_at'"),
        (b'[{"id": 1, "starts_at": "soon", "ends_at": "later"}]', "application/json", "not an instant"),
    ],
)
async def test_a_station_that_answers_garbage_is_named_so(body: bytes, content_type: str, said: str) -> None:
    runner, url = await _garbage_server(body, content_type)
    try:
        result = await run_check(url, timezone=TZ)
    finally:
        await runner.cleanup()
    assert result.exit_code == 2 and result.error is not None and said in result.error
    assert [f.kind.value for f in result.findings] == ["libretime_bad_answer"]


def test_the_command_checks_libretime_alone_without_librelog_settings(tmp_path: Path) -> None:
    """No LIBRELOG_URL: the command says so on stderr, and stdout is the JSON alone."""
    from .conftest import served

    with served(tmp_path / "ll.sqlite3", "lt-only-key-58d0a1") as env:
        asyncio.run(_seed_url(env["LIBRETIME_URL"], "lt-only-key-58d0a1"))
        run_env = {
            "PATH": "/usr/bin:/bin",
            "LIBRETIME_URL": env["LIBRETIME_URL"],
            "LIBRETIME_API_KEY": "lt-only-key-58d0a1",
        }
        command = [sys.executable, "-m", "harness.cli", "check", "--from", str(DAY), "--timezone", TZ]
        done = subprocess.run(
            [*command, "--format", "json", "--out", str(tmp_path / "out")],
            env=run_env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).parent.parent,
        )
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)  # stdout is the JSON and nothing else
    assert doc["mode"] == "libretime_only"
    assert Counter(f["kind"] for d in doc["days"] for f in d["findings"]) == Counter(
        {"null_fade": 1, "file_not_ready": 1, "empty_instance": 1}
    )
    assert "checking LibreTime alone" in done.stderr and "Verification report:" in done.stderr
    assert "lt-only-key-58d0a1" not in done.stdout + done.stderr
    md = (tmp_path / "out" / "verification-report.md").read_text()
    assert "LibreTime alone (no LibreLog)" in md and "`empty_instance`" in md


async def _seed_url(url: str, key: str) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Api-Key {key}"}) as http:
        await seed(http, {"reset": True, **day_rows()})
