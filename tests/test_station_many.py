"""``check --stations FILE``: many stations in one run, each output naming its station, the exit
code the worst of them, one unreachable or garbled station never hiding the others; every
mistake in the file is one line naming the station and the field; machine formats on stdout
parse with their own parsers, whole."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from junitparser import JUnitXml
from prometheus_client.parser import text_string_to_metric_families

from harness.cli import main
from harness.station import runner
from harness.station.result import CheckResult
from harness.station.settings import StationSettings
from harness.station.span import Span

from .conftest import free_port, seed, served
from .test_station_libretime_only import DAY, day_rows

ROOT = Path(__file__).parent.parent
KEY = "many-stations-key-2b7f4e"
ENV = {"ALPHA_KEY": KEY, "BRAVO_KEY": KEY, "CHARLIE_KEY": "unused-key-0001", "DELTA_KEY": "unused-key-0002"}


async def _seed(url: str) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Api-Key {KEY}"}) as http:
        await seed(http, {"reset": True, **day_rows()})


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One served LibreTime and LibreLog, a port nothing listens on, and a server of garbage."""
    folder = tmp_path_factory.mktemp("many")
    garbage = folder / "garbage"
    (garbage / "api" / "v2").mkdir(parents=True)
    for name in ("files", "show-instances", "schedule"):
        (garbage / "api" / "v2" / name).write_text("<html>502 Bad Gateway</html>")
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(garbage)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with served(folder / "librelog.sqlite3", KEY) as env:
            asyncio.run(_seed(env["LIBRETIME_URL"]))
            for _ in range(100):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
                    break
                except httpx.TransportError:
                    import time

                    time.sleep(0.05)
            yield {**env, "GARBAGE_URL": f"http://127.0.0.1:{port}", "NOWHERE_URL": f"http://127.0.0.1:{free_port()}"}
    finally:
        web.terminate()
        web.wait(timeout=10)


def stations_file(path: Path, network: dict[str, str], **alpha: Any) -> Path:
    path.write_text(
        f"""
stations:
  - name: alpha
    libretime_url: {alpha.get("url", network["LIBRETIME_URL"])}
    libretime_api_key_env: ALPHA_KEY
    timezone: UTC
  - name: bravo
    libretime_url: {network["LIBRETIME_URL"]}
    libretime_api_key_env: BRAVO_KEY
    timezone: UTC
    librelog:
      url: {network["LIBRELOG_URL"]}
  - name: charlie
    libretime_url: {network["NOWHERE_URL"]}
    libretime_api_key_env: CHARLIE_KEY
    timezone: Europe/Berlin
  - name: delta
    libretime_url: {network["GARBAGE_URL"]}
    libretime_api_key_env: DELTA_KEY
    timezone: America/Chicago
"""
    )
    return path


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: its own process, stdout and stderr apart."""
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "check", *args, "--out", str(tmp_path / "out")],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_each_station_is_checked_and_named_and_the_worst_exit_wins(network: dict[str, str], tmp_path: Path) -> None:
    file = stations_file(tmp_path / "stations.yaml", network)
    done = run(["--stations", str(file), "--from", str(DAY), "--format", "json"], ENV, tmp_path)
    assert done.returncode == 2, done.stderr  # charlie and delta could not be checked
    doc = json.loads(done.stdout)
    assert [r["station"] for r in doc] == ["alpha", "bravo", "charlie", "delta"]
    by = {r["station"]: r for r in doc}
    kinds = {name: Counter(f["kind"] for d in r["days"] for f in d["findings"]) for name, r in by.items()}
    assert kinds["alpha"] == Counter({"null_fade": 1, "file_not_ready": 1, "empty_instance": 1})
    assert by["alpha"]["mode"] == "libretime_only" and by["bravo"]["mode"] == "with_librelog"
    # With LibreLog: the same rows, plus what LibreLog says (no log for the day, syncs never run).
    assert kinds["bravo"] == kinds["alpha"] + Counter({"not_published": 1})
    assert {f["kind"] for f in by["bravo"]["findings"]} == {"stale_track_sync", "stale_history_sync"}
    assert by["charlie"]["complete"] is False and by["charlie"]["findings"][0]["kind"] == "libretime_unreachable"
    assert by["delta"]["complete"] is False and by["delta"]["findings"][0]["kind"] == "libretime_bad_answer"
    assert "with no JSON" in by["delta"]["error"] and network["GARBAGE_URL"] in by["delta"]["error"]
    assert KEY not in done.stdout + done.stderr
    md = (tmp_path / "out" / "verification-report.md").read_text()
    assert all(f"## Schedule check: {name}" in md for name in by)


def test_prometheus_labels_every_series_and_carries_each_last_success(network: dict[str, str], tmp_path: Path) -> None:
    file = stations_file(tmp_path / "stations.yaml", network)
    target = tmp_path / "textfile" / "librelog.prom"
    args = ["--from", str(DAY), "--format", "prometheus", "--output", str(target), "--no-report"]
    first = run(["--stations", str(file), *args], ENV, tmp_path)
    assert first.returncode == 2 and first.stdout == "", first.stderr
    assert "alpha: FAILED: 3 error(s)" in first.stderr and "charlie: INCOMPLETE" in first.stderr

    def samples() -> dict[tuple[str, str], float]:
        out = {}
        for family in text_string_to_metric_families(target.read_text()):
            for s in family.samples:
                assert "station" in s.labels, s  # every series names its station
                if s.name != "librelog_check_findings":
                    out[(s.name, s.labels["station"])] = s.value
        return out

    before = samples()
    assert [before[("librelog_check_up", n)] for n in ("alpha", "bravo", "charlie", "delta")] == [1, 1, 0, 0]
    success = before[("librelog_check_last_success_timestamp_seconds", "alpha")]
    assert ("librelog_check_last_success_timestamp_seconds", "charlie") not in before
    # alpha's LibreTime goes away: up 0, and its last success is the one before.
    stations_file(file, network, url=network["NOWHERE_URL"])
    assert run(["--stations", str(file), *args], ENV, tmp_path).returncode == 2
    after = samples()
    assert after[("librelog_check_up", "alpha")] == 0
    assert after[("librelog_check_last_success_timestamp_seconds", "alpha")] == success
    assert after[("librelog_check_last_success_timestamp_seconds", "bravo")] >= success


def test_junit_has_a_suite_per_station(network: dict[str, str], tmp_path: Path) -> None:
    file = stations_file(tmp_path / "stations.yaml", network)
    done = run(["--stations", str(file), "--from", str(DAY), "--format", "junit", "--no-report"], ENV, tmp_path)
    suites = {s.name.split(":")[0]: s for s in JUnitXml.fromstring(done.stdout)}
    assert list(suites) == ["alpha", "bravo", "charlie", "delta"]
    failed = {(c.classname, c.name) for c in suites["alpha"] if c.result}
    assert failed == {(f"alpha.day.{DAY}", "schedule is playable"), (f"alpha.day.{DAY}", "scheduled files are ready")}
    assert any(c.name == "the check could finish" and c.result for c in suites["delta"])


def test_the_table_sums_the_stations_up(network: dict[str, str], tmp_path: Path) -> None:
    file = stations_file(tmp_path / "stations.yaml", network)
    done = run(["--stations", str(file), "--from", str(DAY), "--no-report"], ENV, tmp_path)
    assert "== station alpha ==" in done.stdout and "== station delta ==" in done.stdout
    assert done.stdout.rstrip().endswith("4 station(s): 0 ok, 2 with errors, 2 not checked; exit 2")


def test_libretime_only_overrides_the_file(network: dict[str, str], tmp_path: Path) -> None:
    file = stations_file(tmp_path / "stations.yaml", network)
    done = run(["--stations", str(file), "--from", str(DAY), "--format", "json", "--libretime-only"], ENV, tmp_path)
    assert {r["mode"] for r in json.loads(done.stdout)} == {"libretime_only"}


async def test_no_more_than_the_bound_run_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    running, most = 0, 0

    async def fake(settings: StationSettings, request: runner.Request) -> CheckResult:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        return CheckResult(datetime.now(UTC), date(2099, 1, 1), date(2099, 1, 1), "UTC", station=settings.name)

    monkeypatch.setattr(runner, "check_station", fake)
    stations = [StationSettings(f"http://127.0.0.1:9/{i}", "k", name=f"s{i}") for i in range(9)]
    results = await runner.check_stations(stations, runner.Request(Span("2099-01-01", None, None)), 3)
    assert most == 3 and [r.station for r in results] == [s.name for s in stations]


GOOD = """
stations:
  - name: alpha
    libretime_url: http://127.0.0.1:9
    libretime_api_key_env: ALPHA_KEY
    timezone: UTC
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace("    timezone: UTC", "    timezone: UTC\n    colour: red"),
            "station 'alpha': unknown key colour",
        ),
        (
            GOOD.replace("    timezone: UTC", "    timezone: UTC\n    librelog: {url: 'http://x', tokn_env: A}"),
            "station 'alpha': unknown key librelog.tokn_env",
        ),
        (GOOD + GOOD.replace("stations:\n", ""), "station 'alpha': name is used twice (stations #1 and #2)"),
        (GOOD.replace("ALPHA_KEY", "NOT_SET_KEY"), "station 'alpha': libretime_api_key_env names NOT_SET_KEY, which"),
        (GOOD.replace("UTC", "Mars/Base"), "station 'alpha': timezone 'Mars/Base' is not an IANA time zone"),
        (GOOD.replace("    timezone: UTC\n", ""), "station 'alpha': timezone is missing"),
        (GOOD.replace("    libretime_url: http://127.0.0.1:9\n", ""), "station 'alpha': libretime_url is missing"),
        (GOOD.replace("http://127.0.0.1:9", "ftp://x"), "station 'alpha': libretime_url: 'ftp://x' does not match"),
        ("stations: []", "stations: [] should be non-empty"),
        ("stations: [a: b", "not YAML (line 1)"),
        ("station: []", "unknown key"),
    ],
)
def test_a_bad_stations_file_is_one_line_and_exit_2(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALPHA_KEY", KEY)
    file = tmp_path / "stations.yaml"
    file.write_text(text)
    assert main(["check", "--stations", str(file), "--from", "2099-01-01", "--out", str(tmp_path / "out")]) == 2
    printed = capsys.readouterr()
    assert message in printed.err and len(printed.err.strip().splitlines()) == 1, printed.err
    assert printed.out == "" and not (tmp_path / "out").exists()


def test_a_missing_stations_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["check", "--stations", str(tmp_path / "none.yaml"), "--from", "today"]) == 2
    assert "--stations" in capsys.readouterr().err
