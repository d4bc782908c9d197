"""``librelog-verify check`` end to end: both services as processes, a clean day and a broken one,
every output format read back with its own parser, exit codes, the report section, no secrets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from junitparser import Failure, JUnitXml
from prometheus_client.parser import text_string_to_metric_families

from harness.cli import main
from harness.station.findings import Kind

from .conftest import served
from .station_day import PLAIN_AT, StationDay

CLEAN, BROKEN = date(2099, 5, 4), date(2099, 5, 5)
TZ = "America/New_York"
KEY = "check-cli-key-7c1e0b9a44"
TOKEN = "check-cli-token-31d9aa02"


async def _populate(env: dict[str, str]) -> None:
    async with (
        httpx.AsyncClient(base_url=env["LIBRETIME_URL"], headers={"Authorization": f"Api-Key {KEY}"}) as lt,
        httpx.AsyncClient(base_url=env["LIBRELOG_URL"], headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as ll,
    ):
        await StationDay(lt, ll, CLEAN, TZ).publish()
        broken = StationDay(lt, ll, BROKEN, TZ)
        await broken.publish()
        await broken.replace_row(PLAIN_AT, fade_in=None)


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with served(tmp_path_factory.mktemp("check") / "librelog.sqlite3", KEY, token=TOKEN) as env:
        asyncio.run(_populate(env))
        yield env


@pytest.fixture
def env(station: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in station.items():
        monkeypatch.setenv(name, value)
    return station


def check(tmp_path: Path, *args: str) -> list[str]:
    return ["check", *args, "--timezone", TZ, "--out", str(tmp_path / "out")]


def test_a_clean_day_is_exit_0_with_a_table(env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(check(tmp_path, "--from", str(CLEAN))) == 0
    out = capsys.readouterr().out
    assert "2099-05-04" in out and " 480 " in out
    assert "OK: 0 error(s)" in out and "GET only" in out


def test_json_names_each_finding(env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(check(tmp_path, "--from", str(CLEAN), "--days", "2", "--format", "json", "--no-report")) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["from"], doc["to"], doc["timezone"], doc["complete"]) == ("2099-05-04", "2099-05-05", TZ, True)
    assert [(d["date"], d["published"], d["rows"], len(d["findings"])) for d in doc["days"]] == [
        ("2099-05-04", True, 480, 0),
        ("2099-05-05", True, 480, 1),
    ]
    (finding,) = doc["days"][1]["findings"]
    assert (finding["severity"], finding["kind"]) == ("error", "null_fade")
    assert (finding["at_utc"], finding["at_local"]) == ("2099-05-05T19:00:00Z", "2099-05-05T15:00:00-04:00")
    assert finding["title"] == "station check common" and finding["row_id"] and finding["file_id"]
    assert doc["summary"]["errors"] == 1 and doc["summary"]["by_kind"] == {"null_fade": 1}
    assert set(doc) >= {"checked_at", "from", "to", "days", "summary"}


def test_junit_has_a_case_per_day_and_check(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "check.xml"
    assert (
        main(check(tmp_path, "--from", str(CLEAN), "--to", str(BROKEN), "--format", "junit", "--output", str(target)))
        == 1
    )
    (suite,) = list(JUnitXml.fromfile(str(target)))
    cases = {(c.classname, c.name): c for c in suite}
    assert len(cases) == 3 + 2 * 4  # the run's three checks, then four per day
    failed = [key for key, c in cases.items() if any(isinstance(r, Failure) for r in c.result)]
    assert failed == [("day.2099-05-05", "schedule is playable")]
    assert "null_fade" in cases[failed[0]].result[0].text


def test_prometheus_exports_every_kind_and_carries_the_last_success(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    target = tmp_path / "textfile" / "librelog.prom"
    args = check(tmp_path, "--from", str(BROKEN), "--format", "prometheus", "--output", str(target), "--no-report")
    assert main(args) == 1
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(target.read_text())
        for s in family.samples
    }
    findings = {dict(labels)["kind"]: v for (name, labels), v in samples.items() if name == "librelog_check_findings"}
    assert len(findings) == len(Kind) and findings["null_fade"] == 1 and sum(findings.values()) == 1
    assert samples[("librelog_check_up", ())] == 1 and samples[("librelog_check_days_checked", ())] == 1
    success = samples[("librelog_check_last_success_timestamp_seconds", ())]
    printed = capsys.readouterr()
    assert "FAILED: 1 error(s)" in printed.err and printed.out == ""  # the format went to the file
    # LibreTime gone: exit 2, up 0, and the last success is the one before.
    monkeypatch.setenv("LIBRETIME_URL", "http://127.0.0.1:9")
    assert main(args) == 2
    again = {s.name: s.value for f in text_string_to_metric_families(target.read_text()) for s in f.samples}
    assert again["librelog_check_up"] == 0 and again["librelog_check_last_success_timestamp_seconds"] == success
    assert [p.name for p in target.parent.iterdir()] == ["librelog.prom"]  # written by rename, no leftovers


def test_the_report_gains_a_schedule_check_section(env: dict[str, str], tmp_path: Path) -> None:
    assert (
        main(
            check(
                tmp_path, "--from", str(CLEAN), "--days", "2", "--format", "json", "--output", str(tmp_path / "c.json")
            )
        )
        == 1
    )
    md = (tmp_path / "out" / "verification-report.md").read_text()
    html = (tmp_path / "out" / "verification-report.html").read_text()
    assert "## Schedule check" in md and "| ✅ 2099-05-04 |" in md and "| ❌ 2099-05-05 |" in md
    assert "`null_fade`" in md
    assert html.count("<svg") == 2 and 'aria-label="Schedule of 2099-05-05' in html
    assert html.count("<rect") >= 2 * 480  # every row drawn


def test_no_secret_reaches_any_output(env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for fmt in ("table", "json", "junit", "prometheus"):
        main(check(tmp_path, "--from", str(BROKEN), "--format", fmt, "--output", str(tmp_path / f"o.{fmt}")))
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    printed = capsys.readouterr()
    for secret in (KEY, TOKEN):
        assert secret not in written + printed.out + printed.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2099-13-01"], "--from must be YYYY-MM-DD"),
        (["--from", "2099-05-05", "--to", "2099-05-04"], "--to 2099-05-04 is before --from 2099-05-05"),
        (["--from", "2099-05-05", "--days", "0"], "--days must be at least 1"),
        (["--from", "2099-05-05", "--days", "400"], "at most 366 days"),
        (["--from", "2099-05-05", "--max-sync-age", "soon"], "--max-sync-age must be a positive duration"),
        (["--from", "2099-05-05", "--max-gap", "-1"], "--max-gap must be 0 or more"),
        (["--from", "2099-05-05", "--timezone", "Mars/Base"], "'Mars/Base' is not an IANA time zone"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    env: dict[str, str], args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["check", *args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not any(tmp_path.iterdir())  # nothing written


def test_missing_settings_are_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    for name in ("LIBRELOG_URL", "LIBRETIME_URL", "LIBRETIME_API_URL", "LIBRETIME_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["check", "--from", "today"]) == 2
    err = capsys.readouterr().err
    assert "check needs LIBRETIME_URL (or LIBRETIME_API_URL), LIBRETIME_API_KEY in the environment" in err
    assert len(err.strip().splitlines()) == 1


def test_relative_days_resolve_in_the_station_zone(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(check(tmp_path, "--from", "tomorrow", "--format", "json", "--no-report")) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tomorrow = datetime.now(ZoneInfo(TZ)).date() + timedelta(days=1)
    assert doc["from"] == doc["to"] == tomorrow.isoformat()


def test_a_refused_librelog_token_is_exit_2_and_still_written(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("LIBRELOG_API_TOKEN", "not-the-token-0000")
    target = tmp_path / "librelog.prom"
    args = ["check", "--from", str(CLEAN), "--format", "prometheus", "--output", str(target), "--no-report"]
    assert main(args) == 2
    samples = {s.name: s.value for f in text_string_to_metric_families(target.read_text()) for s in f.samples}
    assert samples["librelog_check_up"] == 0 and samples["librelog_check_days_checked"] == 0
    assert "INCOMPLETE" in capsys.readouterr().err
    assert main(["check", "--from", str(CLEAN), "--no-report"]) == 2
    out = capsys.readouterr().out
    assert "COULD NOT CHECK: LibreLog at" in out and "answered GET /sync/libretime/config with 401" in out
