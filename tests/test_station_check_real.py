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
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from junitparser import JUnitXml
from prometheus_client.parser import text_string_to_metric_families

from harness.fingerprint import differences, take
from harness.seeding.rows import test_file as file_body
from harness.station.check import Options, check
from harness.station.settings import StationSettings
from harness.station.source import open_station
from stubs.librelog import run_librelog

from .conftest import librelog_settings_for
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
