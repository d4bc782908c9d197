"""The schedule check on the stub: a clean published day finds nothing; each defect, made through
LibreTime's v2 API (or the stub's control plane where the API cannot make it), finds exactly its
kind; the check only reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from harness.station.check import Options, check
from harness.station.result import CheckResult
from harness.station.settings import StationSettings
from harness.station.source import open_station
from stubs.librelog import RunningLibreLog
from stubs.libretime import RunningStub

from .conftest import API_KEY, AUTH
from .station_day import HARD_AT, OWN_FILE_AT, PLAIN_AT, StationDay

DAY = date(2099, 3, 10)
TZ = "Europe/Berlin"


@pytest.fixture
def flavor() -> str:
    return "v2"  # what a stock LibreTime station runs; the integration flavour has its own test below


@pytest.fixture
async def lt(stub: RunningStub) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stub.base_url, headers=AUTH, timeout=30) as http:
        yield http


@pytest.fixture
def station_day(lt: httpx.AsyncClient, ll: httpx.AsyncClient) -> StationDay:
    return StationDay(lt, ll, DAY, TZ)


def config_for(
    stub: RunningStub, librelog: RunningLibreLog | None, libretime_url: str | None = None
) -> StationSettings:
    return StationSettings(
        libretime_url=libretime_url or stub.base_url,
        api_key=API_KEY,
        librelog_url=librelog.base_url if librelog else None,
    )


async def run_check(
    stub: RunningStub, librelog: RunningLibreLog, first: date = DAY, last: date = DAY, **options: Any
) -> CheckResult:
    async with open_station(config_for(stub, librelog, options.pop("libretime_url", None))) as station:
        return await check(station, Options(first=first, last=last, timezone=TZ, **options))


def kinds(result: CheckResult) -> Counter[str]:
    return Counter(f.kind.value for f in result.all_findings())


async def test_a_clean_published_day_has_no_finding(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay
) -> None:
    await station_day.publish()
    result = await run_check(stub, librelog)
    assert result.error is None
    assert kinds(result) == Counter(), [f.message for f in result.all_findings()]
    (day,) = result.days
    assert (day.published, day.rows, day.log_id) == (True, 480, station_day.log_id)
    assert result.exit_code == 0


Defect = Callable[[StationDay], Awaitable[None]]
MINUTE = timedelta(minutes=1)
DEFECTS: dict[str, tuple[Defect, dict[str, int]]] = {
    # A row removed and the one before stretched over its time: only the entry is missing.
    "missing_entry": (
        lambda d: _all(d.delete_row(OWN_FILE_AT), d.stretch(OWN_FILE_AT - 1, 3 * MINUTE)),
        {"missing_entry": 1},
    ),
    "unexpected_entry": (lambda d: d.split(PLAIN_AT), {"unexpected_entry": 1}),
    "wrong_media": (lambda d: d.replace_row(OWN_FILE_AT, file=d.files["common"]), {"wrong_media": 1}),
    # One second late: the row plays, but not when the log says (and a 1 s silence is no gap).
    "wrong_time": (lambda d: d.move(PLAIN_AT, timedelta(seconds=1)), {"wrong_time": 1}),
    "hard_start_missed": (lambda d: d.move(HARD_AT, timedelta(seconds=1)), {"hard_start_missed": 1}),
    "gap": (lambda d: d.stretch(PLAIN_AT, timedelta(seconds=-10)), {"gap": 1}),
    "overlap": (lambda d: d.stretch(PLAIN_AT, timedelta(seconds=10)), {"overlap": 1}),
    # The show instance ends when the last row starts: that row never plays.
    "overbooked": (lambda d: d.end_instance_early(3 * MINUTE), {"overbooked": 1}),
    "runs_past_instance": (lambda d: d.end_instance_early(MINUTE), {"runs_past_instance": 1}),
    "null_fade": (lambda d: d.replace_row(PLAIN_AT, fade_out=None), {"null_fade": 1}),
    "empty_cue": (lambda d: d.replace_row(PLAIN_AT, cue_out="00:00:00"), {"empty_cue": 1}),
    "file_hidden": (lambda d: d.patch_own_file(hidden=True), {"file_hidden": 1}),
    "file_not_ready": (lambda d: d.patch_own_file(import_status=1), {"file_not_ready": 1}),
    "file_not_on_disk": (lambda d: d.patch_own_file(exists=False), {"file_not_on_disk": 1}),
    "edited_since_publish": (lambda d: d.edit_hour(7), {"edited_since_publish": 1}),
}


async def _all(*steps: Awaitable[None]) -> None:
    for step in steps:
        await step


@pytest.mark.parametrize("defect", sorted(DEFECTS))
async def test_each_defect_is_found_as_exactly_its_kind(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay, defect: str
) -> None:
    await station_day.publish()
    make, expected = DEFECTS[defect]
    await make(station_day)
    result = await run_check(stub, librelog)
    assert kinds(result) == Counter(expected), [f.message for f in result.all_findings()]
    (finding,) = result.all_findings()
    assert finding.kind.severity.value == (
        "warning" if defect in ("runs_past_instance", "edited_since_publish") else "error"
    )
    assert finding.message


async def test_row_findings_name_the_row_file_instant_and_title(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay
) -> None:
    await station_day.publish()
    await station_day.patch_own_file(hidden=True)
    row = await station_day.row(OWN_FILE_AT)
    (finding,) = (await run_check(stub, librelog)).all_findings()
    assert (finding.row_id, finding.file_id, finding.title) == (
        row["id"],
        station_day.files["own"],
        "station check own",
    )
    assert finding.at == datetime(2099, 3, 10, 4, 0, tzinfo=UTC)  # 05:00 in Berlin
    local = finding.as_json(ZoneInfo(TZ))
    assert (local["at_utc"], local["at_local"]) == ("2099-03-10T04:00:00Z", "2099-03-10T05:00:00+01:00")


async def test_a_file_gone_from_the_library_is_file_missing(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay, lt: httpx.AsyncClient
) -> None:
    # LibreTime's API never removes a scheduled file's row; a database edit can. The stub's
    # control plane does what such an edit does.
    await station_day.publish()
    response = await lt.delete(f"/__stub__/files/{station_day.files['own']}")
    assert response.status_code == 204, response.text
    assert (await lt.get(f"/api/v2/files/{station_day.files['own']}")).status_code == 404
    result = await run_check(stub, librelog)
    assert kinds(result) == Counter({"file_missing": 1}), [f.message for f in result.all_findings()]


async def test_a_row_with_no_file_plays_nothing(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay
) -> None:
    await station_day.publish()
    await station_day.replace_row(PLAIN_AT, file=None)
    result = await run_check(stub, librelog)
    # Nothing plays there: the file is missing, and what plays is not what the log has.
    assert kinds(result) == Counter({"file_missing": 1, "wrong_media": 1})


async def test_a_day_without_a_log_and_a_draft_day_are_not_published(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay, ll: httpx.AsyncClient
) -> None:
    await station_day.publish()
    draft = {"date": "2099-03-12", "entries": [{"start": "10:00:00", "libretime_id": station_day.files["common"]}]}
    assert (await ll.post("/logs", json=draft)).status_code == 201
    result = await run_check(stub, librelog, DAY, date(2099, 3, 12))
    assert [(d.date.isoformat(), sorted(kinds_of(d.findings))) for d in result.days] == [
        ("2099-03-10", []),
        ("2099-03-11", ["not_published"]),
        ("2099-03-12", ["not_published"]),
    ]
    assert "no log for 2099-03-11" in result.days[1].findings[0].message
    assert "draft that was never published" in result.days[2].findings[0].message


def kinds_of(findings: list[Any]) -> list[str]:
    return [f.kind.value for f in findings]


@pytest.mark.parametrize(
    ("tracks", "history", "expected"), [(False, True, "stale_track_sync"), (True, False, "stale_history_sync")]
)
async def test_a_sync_never_run_is_stale(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay, tracks: bool, history: bool, expected: str
) -> None:
    await station_day.publish(sync_tracks=tracks, sync_history=history)
    result = await run_check(stub, librelog)
    assert kinds(result) == Counter({expected: 1})
    assert result.exit_code == 0  # a warning: the day still plays


async def test_a_sync_older_than_the_limit_is_stale(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay, ll: httpx.AsyncClient
) -> None:
    await station_day.publish()
    status = (await ll.get("/sync/status")).json()
    synced = datetime.fromisoformat(status["last_track_sync"].replace("Z", "+00:00"))
    async with open_station(config_for(stub, librelog)) as station:
        options = Options(first=DAY, last=DAY, timezone=TZ, max_sync_age=timedelta(hours=2))
        later = await check(station, options, now=synced + timedelta(hours=3))
    assert sorted(kinds(later)) == ["stale_history_sync", "stale_track_sync"]
    assert "older than 2 h" in later.findings[0].message


async def test_librelog_that_cannot_reach_libretime_is_reported(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay, lt: httpx.AsyncClient
) -> None:
    await station_day.publish()
    # LibreLog's connection check asks LibreTime's version; the check itself never does.
    fault = {"match": {"method": "GET", "path": "/api/v2/version"}, "fault": "status", "status": 503}
    assert (await lt.post("/__stub__/faults", json=fault)).status_code == 201
    result = await run_check(stub, librelog)
    assert kinds(result) == Counter({"libretime_unreachable": 1})
    assert result.error is None and result.exit_code == 1


async def test_a_libretime_the_check_cannot_reach_is_exit_2_with_the_finding(
    stub: RunningStub, librelog: RunningLibreLog
) -> None:
    result = await run_check(stub, librelog, libretime_url="http://127.0.0.1:9")
    assert result.exit_code == 2
    assert result.error and "LibreTime at http://127.0.0.1:9" in result.error
    errors = [f.kind.value for f in result.all_findings() if f.severity.value == "error"]
    assert errors == ["libretime_unreachable"]
    assert result.days == []


@pytest.mark.parametrize("flavor", ["integration"])
async def test_the_integration_flavour_reads_hard_starts(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay, lt: httpx.AsyncClient
) -> None:
    await station_day.publish()
    assert kinds(await run_check(stub, librelog)) == Counter()
    # The hard start's row, rewritten through v2 without the flag the extension keeps.
    row = await station_day.row(HARD_AT)
    body = {k: v for k, v in row.items() if k not in ("id", "hard_start")}
    assert (await lt.delete(f"/api/v2/schedule/{row['id']}")).status_code == 204
    assert (await lt.post("/api/v2/schedule", json=body)).status_code == 201
    result = await run_check(stub, librelog)
    assert kinds(result) == Counter({"hard_start_missed": 1}), [f.message for f in result.all_findings()]
    assert "not as a hard start" in result.all_findings()[0].message


async def test_the_cost_grows_with_days_not_rows(
    stub: RunningStub, librelog: RunningLibreLog, station_day: StationDay
) -> None:
    await station_day.publish()
    one = await run_check(stub, librelog)
    three = await run_check(stub, librelog, DAY, DAY + timedelta(days=2))
    # Per run: LibreLog's config and sync status, LibreTime's files, instances, whether the
    # integration extension answers, and the last minutes' schedule (nothing due then: no history
    # read); per day: the day's logs and schedule. 480 rows cost the same as none.
    assert one.requests == 6 + 2
    assert three.requests == 6 + 2 * 3
