"""A live run the way it runs against a real station: a LibreTime that offers nothing but its own
API (here the stub without its control plane, as a station's LibreTime looks to a client), this
project's LibreLog started by the run behind the interposer, faults and the journal through the
interposer, data seeded through LibreTime's API, the station left as it was.

The same run against a real LibreTime is ``scripts/live-ci.sh``; these tests hold the machinery to
it on every change, without one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.test_harness_cli import cli

KEY = "station-like-key-4b1d"
AUTH = {"Authorization": f"Api-Key {KEY}"}


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError(f"{url} did not come up") from None
            time.sleep(0.1)


@pytest.fixture
def station(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A LibreTime with a small library and no control plane, as a process."""
    port = free_port()
    log = (tmp_path / "libretime.log").open("wb")
    command = [sys.executable, "-m", "stubs.libretime", "--port", str(port), "--api-key", KEY]
    proc = subprocess.Popen([*command, "--fixture", "small", "--no-control-plane"], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/api/v2/version", proc)
        yield {"LIBRETIME_URL": url, "LIBRETIME_API_KEY": KEY, "LIBRELOG_URL": "", "LIBRELOG_API_TOKEN": ""}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


SCENARIO = """id: interposed
title: A publish fails when LibreTime fails, and succeeds when it answers again
feature: Live
severity: critical
flavors: [v2]
fixtures: {fixture: small}
steps:
  - request:
      service: librelog
      method: POST
      path: /logs
      json: {date: "{{ sandbox_date }}", entries: [{start: "06:00:00", libretime_id: "{{ media.top_of_hour_id }}"}]}
    expect: {status: 201}
    save: {log_id: id}
  - name: LibreTime answers 500 to the first row
    request: {service: librelog, method: POST, path: "/logs/{{ log_id }}/publish"}
    faults: [{match: {method: POST, path: /api/v2/schedule}, fault: status, status: 500}]
    expect: {status: 502, json: {error: libretime_error}}
  - libretime.journal: {method: POST, path: /api/v2/schedule, since_step: true, count: 1}
  - request: {service: librelog, method: POST, path: "/logs/{{ log_id }}/publish"}
    expect: {status: 200}
  - libretime.schedule_matches_log: {log_id: "{{ log_id }}"}
"""


def put(folder: Path, name: str, text: str) -> None:
    (folder / "scenarios").mkdir(exist_ok=True)
    (folder / "scenarios" / f"{name}.yaml").write_text(text)


def files(env: dict[str, str]) -> list[dict[str, object]]:
    return httpx.get(env["LIBRETIME_URL"] + "/api/v2/files", headers=AUTH).json()


def test_the_run_starts_librelog_behind_the_interposer_and_leaves_the_station_as_it_was(
    tmp_path: Path, station: dict[str, str]
) -> None:
    put(tmp_path, "interposed", SCENARIO)
    before = files(station)
    result = cli(
        "run", "--scenarios", "scenarios", "--target", "live", "--start-librelog", "v2", "--out", "out",
        cwd=tmp_path, env=station,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "started the interposer at http://127.0.0.1:" in out and "started this project's LibreLog" in out
    assert "LibreLog's LibreTime traffic is journaled and faults injected" in out
    assert "1 passed, 0 failed" in out and "Station unchanged outside the sandbox" in out
    after = files(station)
    made = [f for f in after if f["id"] not in {g["id"] for g in before}]
    assert len(made) == 14 and all(f["hidden"] is True for f in made)  # the seeded library, hidden
    safety = json.loads((tmp_path / "out" / "allure-results" / "station-safety.json").read_text())
    assert safety["changes"] == [] and sorted(safety["created_files"]) == sorted(f["id"] for f in made)
    schedule = httpx.get(station["LIBRETIME_URL"] + "/api/v2/schedule", headers=AUTH).json()
    assert schedule == []


def test_a_librelog_not_behind_the_interposer_skips_what_needs_it_and_says_why(
    tmp_path: Path, station: dict[str, str]
) -> None:
    """LibreLog started on its own, pointed straight at LibreTime: the interposer sees nothing of
    it, so the preflight offers no journal or faults, and says how to route LibreLog through it."""
    port = free_port()
    env = {
        **os.environ,
        "LIBRETIME_API_URL": station["LIBRETIME_URL"],
        "LIBRETIME_API_KEY": KEY,
        "LIBRETIME_API_FLAVOR": "v2",
        "LIBRELOG_DB": str(tmp_path / "ll.sqlite3"),
        "LIBRELOG_TEST_RESET": "1",
        "LIBRELOG_API_TOKEN": "",
    }
    log = (tmp_path / "librelog.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stubs.librelog", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        _wait(f"http://127.0.0.1:{port}/health", proc)
        put(tmp_path, "interposed", SCENARIO)
        result = cli(
            "run", "--scenarios", "scenarios", "--target", "live", "--interposer", str(free_port()), "--out", "out",
            cwd=tmp_path, env={**station, "LIBRELOG_URL": f"http://127.0.0.1:{port}"},
        )  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    out = result.stdout + result.stderr
    assert result.returncode == 3, out[-3000:]  # the only scenario needed the interposer: nothing verified
    assert "does not go through the interposer at http://127.0.0.1:" in out
    assert "needs faults (LibreLog's LibreTime URL" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--interposer", "not-a-port"], "--interposer takes [HOST:]PORT, not 'not-a-port'"),
        (["--interposer", "127.0.0.1:99999"], "--interposer takes [HOST:]PORT"),
        (["--start-librelog", "v2"], "--start-librelog starts this project's LibreLog, but LIBRELOG_URL names one"),
    ],
)
def test_bad_service_options_are_one_line_and_exit_2(
    tmp_path: Path, station: dict[str, str], args: list[str], says: str
) -> None:
    put(tmp_path, "interposed", SCENARIO)
    env = {**station, "LIBRELOG_URL": "http://127.0.0.1:9"}
    result = cli("run", "--scenarios", "scenarios", "--target", "live", *args, cwd=tmp_path, env=env)
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_services_options_belong_to_a_live_run(tmp_path: Path) -> None:
    put(tmp_path, "interposed", SCENARIO)
    result = cli("run", "--scenarios", "scenarios", "--interposer", "18090", cwd=tmp_path)
    assert result.returncode == 2 and "go with --target live" in result.stderr
