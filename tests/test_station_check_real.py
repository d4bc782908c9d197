"""The schedule check against the real LibreTime (``../shared/tools/real-libretime``).

Our LibreLog in the ``v2`` flavour publishes two far-future days to the real LibreTime; one stays
clean and must give no finding, the other is broken through the stock v2 API and must give
exactly the findings made. The station is fingerprinted before and compared after: the check
only read, and the test's own rows are gone (its files hidden: LibreTime never deletes them).

Runs when ``REAL_LIBRETIME_URL`` and ``REAL_LIBRETIME_API_KEY`` are set (``scripts/live-ci.sh``
sets them after starting the real LibreTime); skipped with that reason otherwise.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from junitparser import JUnitXml
from prometheus_client.parser import text_string_to_metric_families

from harness.live.fingerprint import differences, take
from harness.seeding.rows import test_file as file_body
from harness.station.check import Options, check
from harness.station.settings import StationSettings
from harness.station.source import open_station
from stubs.librelog import run_librelog

from .conftest import librelog_settings_for
from .own_show import STEP, OwnShow
from .station_day import HARD_AT, OWN_FILE_AT, PLAIN_AT, StationDay

URL, KEY = os.environ.get("REAL_LIBRETIME_URL"), os.environ.get("REAL_LIBRETIME_API_KEY")
pytestmark = pytest.mark.skipif(
    not (URL and KEY), reason="no real LibreTime: REAL_LIBRETIME_URL and REAL_LIBRETIME_API_KEY are not set"
)
CLEAN, BROKEN = date(2098, 6, 1), date(2098, 6, 2)
TZ = "Europe/Berlin"
MINUTE = timedelta(minutes=1)


def _window() -> tuple[datetime, datetime]:
    zone = ZoneInfo(TZ)
    start = datetime.combine(CLEAN - timedelta(days=1), time(0), tzinfo=zone)
    return start, datetime.combine(BROKEN + timedelta(days=2), time(0), tzinfo=zone)


@pytest.fixture
async def days(tmp_path: Path) -> AsyncIterator[tuple[StationDay, StationDay, StationSettings]]:
    assert URL and KEY
    with httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as sync:
        before = take(sync, _window())
    settings = librelog_settings_for(URL, tmp_path, flavor="v2", api_key=KEY, timeout_s=30.0)
    async with (
        run_librelog(settings) as librelog,
        httpx.AsyncClient(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as lt,
        httpx.AsyncClient(base_url=librelog.base_url, timeout=300) as ll,
    ):
        clean, broken = StationDay(lt, ll, CLEAN, TZ), StationDay(lt, ll, BROKEN, TZ)
        config = StationSettings(URL, KEY, librelog.base_url)
        try:
            yield clean, broken, config
        finally:
            for day in (clean, broken):
                await day.cleanup()
    with httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as sync:
        after = take(sync, _window())
    assert differences(before, after) == [], "the station changed outside what the test created"


async def test_a_clean_day_and_a_broken_day_on_the_real_libretime(
    days: tuple[StationDay, StationDay, StationSettings], tmp_path: Path
) -> None:
    clean, broken, config = days
    await clean.publish()
    await broken.publish()
    # Broken through the stock v2 API, each on its own row.
    await broken.split(50)  # unexpected_entry
    await broken.move(HARD_AT, timedelta(seconds=1))  # hard_start_missed
    await broken.move(250, timedelta(seconds=1))  # wrong_time
    await broken.replace_row(PLAIN_AT, fade_in=None)  # null_fade
    await broken.stretch(350, timedelta(seconds=-10))  # gap
    await broken.stretch(400, timedelta(seconds=10))  # overlap
    await broken.delete_row(450)  # missing_entry, the row before stretched over its time
    await broken.stretch(449, 3 * MINUTE)
    await broken.replace_row(460, cue_out="00:00:00")  # empty_cue
    await broken.end_instance_early(3 * MINUTE)  # overbooked (the last row)
    await broken.patch_own_file(hidden=True, import_status=1, exists=False)  # file_hidden, _not_ready, _not_on_disk
    other = await broken.lt.post("/api/v2/files", json=file_body({"length": "00:03:00"}))
    broken.files["other"] = other.json()["id"]  # hidden again by the cleanup
    await broken.replace_row(120, file=broken.files["other"])  # wrong_media
    await broken.edit_hour(7)  # edited_since_publish

    async with open_station(config) as station:
        result = await check(station, Options(first=CLEAN, last=BROKEN, timezone=TZ))
    assert result.error is None
    first, second = result.days
    assert (first.published, first.rows, first.findings) == (True, 480, [])
    found = Counter(f.kind.value for f in second.findings)
    assert found == Counter(
        {
            "unexpected_entry": 1,
            "hard_start_missed": 1,
            "wrong_time": 1,
            "null_fade": 1,
            "gap": 1,
            "overlap": 1,
            "missing_entry": 1,
            "empty_cue": 1,
            "overbooked": 1,
            "file_hidden": 1,
            "file_not_ready": 1,
            "file_not_on_disk": 1,
            "wrong_media": 1,
            "edited_since_publish": 1,
        }
    ), [f.message for f in second.findings]
    own = [f for f in second.findings if f.kind.value.startswith("file_")]
    assert {f.row_id for f in own} == {(await broken.row(OWN_FILE_AT))["id"]}
    # Two reads per day and six per run, whatever the row count.
    assert result.requests == 6 + 2 * 2
    await _the_command_in_every_format(config, tmp_path, found)


async def _the_command_in_every_format(config: StationSettings, tmp_path: Path, found: Counter[str]) -> None:
    """``librelog-verify check`` as a user runs it, each format read back with its own parser."""
    env = {
        **os.environ,
        "LIBRELOG_URL": config.librelog_url or "",
        "LIBRETIME_URL": config.libretime_url,
        "LIBRETIME_API_KEY": config.api_key,
        "LIBRELOG_API_TOKEN": "",
    }
    outputs = {}
    for fmt in ("table", "json", "junit", "prometheus"):
        target = tmp_path / f"check.{fmt}"
        command = ["-m", "harness.cli", "check", "--from", str(CLEAN), "--to", str(BROKEN), "--timezone", TZ]
        command += ["--format", fmt, "--output", str(target), "--out", str(tmp_path / "out")]
        # Our LibreLog serves from this event loop: wait for the command without blocking it.
        proc = await asyncio.create_subprocess_exec(sys.executable, *command, env=env, stderr=asyncio.subprocess.PIPE)
        _, err = await proc.communicate()
        assert proc.returncode == 1, err.decode()
        outputs[fmt] = target.read_text()
    doc = json.loads(outputs["json"])
    assert Counter(f["kind"] for d in doc["days"] for f in d["findings"]) == found
    warnings = found["edited_since_publish"]
    assert f"FAILED: {sum(found.values()) - warnings} error(s), {warnings} warning(s) over 2 day(s)" in outputs["table"]
    (suite,) = list(JUnitXml.fromstring(outputs["junit"]))
    failed = {c.name for c in suite if c.classname == f"day.{BROKEN}" and c.result}
    assert failed == {"schedule equals the published log", "schedule is playable", "scheduled files are ready"}
    samples = {
        s.labels.get("kind", s.name): s.value
        for family in text_string_to_metric_families(outputs["prometheus"])
        for s in family.samples
    }
    assert samples["null_fade"] == 1 and samples["librelog_check_up"] == 1
    report = (tmp_path / "out" / "verification-report.html").read_text()
    assert report.count("<svg") == 2 and "Schedule check" in report
    assert config.api_key not in "".join(outputs.values()) + report


ALONE = date(2098, 6, 5)


def _now_window() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(hours=1), now + timedelta(hours=1)


@pytest.fixture
async def own(tmp_path: Path) -> AsyncIterator[tuple[OwnShow, httpx.AsyncClient]]:
    """A show of the test's own on the real LibreTime, the station fingerprinted around it: on the
    far-future day and around now (where playout is checked)."""
    assert URL and KEY
    windows = [_window(), _now_window()]
    with httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as sync:
        before = take(sync, windows)
    async with httpx.AsyncClient(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as lt:
        made = OwnShow(lt, f"librelog-verify check {os.getpid()}")
        try:
            yield made, lt
        finally:
            await made.cleanup()
    with httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as sync:
        after = take(sync, windows)
    assert differences(before, after) == [], "the station changed outside what the test created"


async def test_libretime_alone_on_the_real_libretime(own: tuple[OwnShow, httpx.AsyncClient]) -> None:
    """No LibreLog: the rows' own defects, an empty show instance, and playout that records nothing."""
    made, _ = own
    assert URL and KEY
    ready, importing = await made.file(), await made.file(import_status=1)
    ten = datetime.combine(ALONE, time(10), tzinfo=UTC)
    first = await made.instance(ten, ten + 3 * STEP)
    await made.row(first, ready, ten, 0)
    null_fade = await made.row(first, ready, ten + STEP, 1, fade_in=None)
    not_ready = await made.row(first, importing, ten + 2 * STEP, 2)
    empty = await made.instance(ten + timedelta(hours=2), ten + timedelta(hours=3))
    settings = StationSettings(URL, KEY, timezone="UTC")
    async with open_station(settings) as station:
        result = await check(station, Options(first=ALONE, last=ALONE, timezone="UTC", max_playout_silence=None))
    assert result.error is None and result.libretime_only
    found = {(f.kind.value, f.row_id) for f in result.all_findings()}
    assert found == {("null_fade", null_fade), ("file_not_ready", not_ready), ("empty_instance", None)}
    (gap,) = [f for f in result.all_findings() if f.kind.value == "empty_instance"]
    assert f"show instance {empty}" in gap.message

    # Around now: rows due for the last 12 minutes, and this LibreTime has no playout to record them.
    now = datetime.now(UTC).replace(microsecond=0)
    on_air = await made.instance(now - 4 * STEP, now + 4 * STEP)
    for i in range(8):
        await made.row(on_air, ready, now - 4 * STEP + i * STEP, i)
    today = Options(first=now.date(), last=now.date(), timezone="UTC")
    async with open_station(settings) as station:
        silent = await check(station, today)
    assert "playout_stopped" in {f.kind.value for f in silent.findings}, [f.message for f in silent.findings]
    # Plays recorded through the stock API, as playout records them: nothing to say.
    for i in range(4):
        await made.play(now - 4 * STEP + i * STEP, now - 3 * STEP + i * STEP, ready)
    async with open_station(settings) as station:
        playing = await check(station, today)
    assert "playout_stopped" not in {f.kind.value for f in playing.findings}


async def test_many_stations_on_the_real_libretime(
    days: tuple[StationDay, StationDay, StationSettings], tmp_path: Path
) -> None:
    """One stations file: the real LibreTime alone, the same with our LibreLog, and a station that
    is not there; each result under its name, the JSON whole on stdout, the worst exit code."""
    clean, _, config = days
    await clean.publish()
    stations = tmp_path / "stations.yaml"
    stations.write_text(
        f"""
stations:
  - name: real-alone
    libretime_url: {URL}
    libretime_api_key_env: REAL_KEY
    timezone: {TZ}
  - name: real-with-librelog
    libretime_url: {URL}
    libretime_api_key_env: REAL_KEY
    timezone: {TZ}
    librelog: {{url: {config.librelog_url}}}
  - name: gone
    libretime_url: http://127.0.0.1:9
    libretime_api_key_env: REAL_KEY
    timezone: UTC
"""
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REAL_KEY": config.api_key}
    command = ["-m", "harness.cli", "check", "--stations", str(stations), "--from", str(CLEAN), "--format", "json"]
    command += ["--max-playout-silence", "off", "--no-report"]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    assert proc.returncode == 2, err.decode()
    doc = {r["station"]: r for r in json.loads(out)}
    assert list(doc) == ["real-alone", "real-with-librelog", "gone"]
    for name in ("real-alone", "real-with-librelog"):
        (day,) = doc[name]["days"]
        assert (day["rows"], day["findings"]) == (480, []), name
    assert doc["real-alone"]["mode"] == "libretime_only" and doc["real-alone"]["days"][0]["published"] is None
    assert doc["real-with-librelog"]["days"][0]["published"] is True
    assert doc["gone"]["findings"][0]["kind"] == "libretime_unreachable"
    assert config.api_key not in out.decode() + err.decode()
