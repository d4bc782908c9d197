"""The live target: preflight, capabilities, the sandbox rail, the station fingerprint, the
ledger and ``librelog-verify cleanup`` — against services started as separate processes.

``served`` deployments have no LibreLog test reset, so their LibreTime (a stub) is treated as a
real station: the sandbox rules apply exactly as they do against a real LibreTime.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.live.capabilities import Capability, Facts
from harness.model.loader import load
from harness.model.requirements import required
from tests.conftest import served
from tests.test_harness_cli import cli as harness_cli

KEY = "live-key-98765"
AUTH = {"Authorization": f"Api-Key {KEY}"}


@pytest.fixture
def station(tmp_path: Path) -> Iterator[dict[str, str]]:
    with served(tmp_path / "station.sqlite3", KEY) as env:
        yield env


def cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with no LibreLog token of the caller's leaking in."""
    return harness_cli(*args, cwd=cwd, env={"LIBRELOG_API_TOKEN": "", **env})


def live(cwd: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """``run --target live`` over the scenarios written in ``cwd``, reports in ``cwd/out``."""
    return cli("run", "--scenarios", "scenarios", "--target", "live", "--out", "out", *extra, cwd=cwd, env=env)


def put(folder: Path, name: str, text: str) -> None:
    (folder / "scenarios").mkdir(exist_ok=True)
    (folder / "scenarios" / f"{name}.yaml").write_text(text)


def scenario(sid: str, steps: str, extra: str = "") -> str:
    head = f"id: {sid}\ntitle: Scenario {sid} checks something real\nfeature: Live\nseverity: normal\n"
    return f"{head}{extra}steps:\n{steps}"


PUBLISH = """  - libretime.provision:
      files: [{save_as: song, title: "Sandbox song", length: "00:03:00"}]
  - request:
      service: librelog
      method: POST
      path: /logs
      json: {date: "{{ sandbox_date }}", entries: [{start: "10:00:00", libretime_id: "{{ song }}"}]}
    expect: {status: 201}
    save: {log_id: id}
  - request: {service: librelog, method: POST, path: "/logs/{{ log_id }}/publish"}
    expect: {status: 200}
  - libretime.schedule_matches_log: {log_id: "{{ log_id }}"}
"""


# What the preflight finds on the stub served with a LibreLog that has no test reset.
STUB_STATION = (
    "faults, flavor_integration, history_write, integration_api, journal, libretime_reset, playout, seed,"
    " stub_control, upload"
)


def rows(env: dict[str, str], table: str) -> list[dict]:
    return httpx.get(f"{env['LIBRETIME_URL']}/api/v2/{table}", headers=AUTH).json()


def test_a_live_run_provisions_publishes_and_leaves_the_station_as_it_was(
    tmp_path: Path, station: dict[str, str]
) -> None:
    put(tmp_path, "publish", scenario("publish", PUBLISH))
    before = {table: rows(station, table) for table in ("schedule", "show-instances", "shows", "files")}
    result = live(tmp_path, station)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert f"capabilities: {STUB_STATION}" in result.stdout
    assert "stub_control" in result.stdout and "librelog_reset: LibreLog has no test reset" in result.stdout
    assert "Station unchanged outside the sandbox" in result.stdout
    after = {table: rows(station, table) for table in ("schedule", "show-instances", "shows", "files")}
    assert after["schedule"] == before["schedule"] == []
    assert after["show-instances"] == before["show-instances"] and after["shows"] == before["shows"]
    new_files = [f for f in after["files"] if f["id"] not in {g["id"] for g in before["files"]}]
    assert len(new_files) == 1 and new_files[0]["hidden"] is True and new_files[0]["genre"] == "librelog-verify"
    assert not (tmp_path / "out" / "live-ledger.jsonl").exists()  # everything cleaned, nothing left to list
    assert httpx.get(station["LIBRELOG_URL"] + "/logs").json()["total"] == 0
    safety = json.loads((tmp_path / "out" / "allure-results" / "station-safety.json").read_text())
    assert safety["checked"] is True and safety["changes"] == [] and safety["tables"]["files"] >= 14
    report = (tmp_path / "out" / "verification-report.md").read_text()
    assert "## Live Verification" in report and "✅ **Station unchanged outside the sandbox**" in report
    assert f"| what the target offers (preflight) | {STUB_STATION} |" in report


def test_a_change_outside_the_sandbox_fails_the_run_and_says_what_changed(
    tmp_path: Path, station: dict[str, str]
) -> None:
    touch = """  - name: Something writes to the station outside the sandbox
    request: {service: libretime, method: PATCH, path: /api/v2/files/3, json: {track_title: "Renamed by the run"}}
    expect: {status: 200}
  - libretime.file: {id: 3, expect: {track_title: "Renamed by the run"}}
"""
    put(tmp_path, "touch", scenario("touch", touch))
    result = live(tmp_path, station, "--allow-destructive")
    assert result.returncode == 1, result.stdout[-2000:]
    assert "the station changed outside the sandbox (1 change(s))" in result.stderr
    assert "files 3 changed (track_title:" in result.stderr and "'Renamed by the run'" in result.stderr
    safety = json.loads((tmp_path / "out" / "allure-results" / "station-safety.json").read_text())
    assert safety["changes"] and safety["changes"][0].startswith("files 3 changed")
    report = (tmp_path / "out" / "verification-report.md").read_text()
    assert "❌ **Not verified**: 0 check(s) failed, and the station changed outside the sandbox." in report
    assert "❌ files 3 changed (track_title:" in report


def test_the_rail_refuses_direct_writes_and_logs_it_did_not_create(tmp_path: Path, station: dict[str, str]) -> None:
    theirs = httpx.post(
        station["LIBRELOG_URL"] + "/logs",
        json={"date": "2099-01-01", "entries": [{"start": "09:00:00", "libretime_id": 1}]},
    ).json()
    foreign = f"""  - request: {{service: librelog, method: POST, path: "/logs/{theirs["id"]}/publish"}}
    expect: {{status: 200}}
  - libretime.schedule_matches_log: {{log_id: {theirs["id"]}}}
"""
    put(tmp_path, "foreign", scenario("foreign", foreign))
    direct = """  - request: {service: libretime, method: DELETE, path: /api/v2/files/1}
    expect: {status: 204}
  - libretime.file: {id: 1}
"""
    put(tmp_path, "direct", scenario("direct", direct))
    result = live(tmp_path, station)
    assert result.returncode == 1
    assert f"POST /logs/{theirs['id']}/publish touches a log this run did not create" in result.stdout
    assert "DELETE /api/v2/files/1 writes to LibreTime directly" in result.stdout
    assert rows(station, "schedule") == []
    assert httpx.get(f"{station['LIBRETIME_URL']}/api/v2/files/1", headers=AUTH).status_code == 200


def test_a_log_a_command_declares_it_made_is_the_runs_own(tmp_path: Path, station: dict[str, str]) -> None:
    make = (
        "import json, sys, urllib.request; r = urllib.request.Request(sys.argv[1] + '/logs', method='POST',"
        " data=json.dumps({'date': sys.argv[2], 'entries': [{'start': '10:00:00', 'libretime_id': int(sys.argv[3])}]})"
        ".encode(), headers={'Content-Type': 'application/json'}); print(json.load(urllib.request.urlopen(r))['id'])"
    )
    steps = """  - libretime.provision:
      files: [{save_as: song, title: "Sandbox song", length: "00:03:00"}]
  - command:
      run: [python3, -c, "MAKE", "{{ env.LIBRELOG_URL }}", "{{ sandbox_date }}", "{{ song }}"]
      save_as: log_id
      CREATES
  - request: {service: librelog, method: POST, path: "/logs/{{ log_id }}/publish"}
    expect: {status: 200}
  - libretime.schedule_matches_log: {log_id: "{{ log_id }}"}
""".replace("MAKE", make)
    put(tmp_path, "claimed", scenario("claimed", steps.replace("CREATES", "creates: log")))
    # The same made by a command that does not say so (another sandbox day: logs are one a day).
    unclaimed = steps.replace("      CREATES\n", "").replace("{{ sandbox_date }}", "{{ sandbox_date(+1) }}")
    put(tmp_path, "unclaimed", scenario("unclaimed", unclaimed))
    result = live(tmp_path, station, "--allow-commands")
    assert "PASSED     " in result.stdout and "Scenario claimed checks" in result.stdout, result.stdout[-3000:]
    assert "1 passed, 0 failed, 1 broken" in result.stdout
    assert "/publish touches a log this run did not create" in result.stdout
    assert rows(station, "schedule") == []  # what the claimed log published went with the sandbox


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"LIBRETIME_URL": "{LIBRELOG_URL}"}, "does not answer like LibreTime: GET /api/v2/version gave 404"),
        ({"LIBRETIME_API_KEY": "not-the-key"}, "LibreTime refused LIBRETIME_API_KEY (403)"),
        ({"LIBRELOG_URL": "{LIBRETIME_URL}"}, "does not answer like LibreLog"),
        ({"LIBRELOG_URL": "http://127.0.0.1:9"}, "LibreLog at http://127.0.0.1:9 (LIBRELOG_URL) is unreachable"),
        ({"SANDBOX": "2020-01-01"}, "--sandbox-date 2020-01-01 is not in the future"),
    ],
)
def test_preflight_problems_are_one_error_before_any_scenario(
    tmp_path: Path, station: dict[str, str], change: dict[str, str], says: str
) -> None:
    put(tmp_path, "publish", scenario("publish", PUBLISH))
    env = {**station, **{k: v.format(**station) for k, v in change.items() if k != "SANDBOX"}}
    extra = ["--sandbox-date", change["SANDBOX"]] if "SANDBOX" in change else []
    result = live(tmp_path, env, *extra)
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert KEY not in result.stdout + result.stderr
    assert rows(station, "files") and len(rows(station, "files")) == 14  # nothing was provisioned
    assert not (tmp_path / "out" / "allure-results").exists()


def test_a_refused_librelog_token_and_an_unconfigured_librelog_stop_the_run(tmp_path: Path) -> None:
    put(tmp_path, "publish", scenario("publish", PUBLISH))
    with served(tmp_path / "secured.sqlite3", KEY, token="right-token-123") as env:
        wrong = live(tmp_path, {**env, "LIBRELOG_API_TOKEN": "wrong-token"})
    assert wrong.returncode == 2
    assert "LibreLog refused the token (401)" in wrong.stderr and "right-token-123" not in wrong.stderr
    port = _free()
    librelog = subprocess.Popen(
        [sys.executable, "-m", "stubs.librelog", "--host", "127.0.0.1", "--port", str(port)],
        env={k: v for k, v in os.environ.items() if not k.startswith(("LIBRETIME_", "LIBRELOG_"))}
        | {"LIBRELOG_DB": str(tmp_path / "bare.sqlite3")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/health")
        with served(tmp_path / "lt.sqlite3", KEY) as env:
            bare = live(tmp_path, {**env, "LIBRELOG_URL": f"http://127.0.0.1:{port}"})
    finally:
        librelog.terminate()
        librelog.wait(timeout=10)
    assert bare.returncode == 2
    assert "LibreLog has no LibreTime configured" in bare.stderr


def _free() -> int:
    from tests.conftest import free_port

    return free_port()


def _wait(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


HANG = """  - name: Wait for something that never happens (the run is killed here)
    eventually:
      timeout_s: 120
      interval_s: 0.5
      step: {librelog.get: {path: "/logs/{{ log_id }}", expect: {status: 200, json: {status: never}}}}
"""


def test_a_killed_run_leaves_a_ledger_that_cleanup_replays_exactly(tmp_path: Path, station: dict[str, str]) -> None:
    put(tmp_path, "killed", scenario("killed", PUBLISH + HANG))
    ledger = tmp_path / "out" / "live-ledger.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "run", "--scenarios", "scenarios", "--target", "live", "--out", "out"],
        cwd=tmp_path,
        env={**os.environ, "LIBRELOG_API_TOKEN": "", **station},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (ledger.exists() and rows(station, "schedule")):
        assert time.monotonic() < deadline and proc.poll() is None, "the run never reached its publish"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)  # no finally, no cleanup: as after a crash or a power cut
    proc.wait(timeout=10)
    kinds = sorted(json.loads(line)["kind"] for line in ledger.read_text().splitlines())
    assert kinds == ["file", "log", "window"]
    assert len(rows(station, "schedule")) == 1

    refused = live(tmp_path, station)
    assert refused.returncode == 2 and "librelog-verify cleanup" in refused.stderr

    cleaned = cli("cleanup", "--out", "out", cwd=tmp_path, env=station)
    assert cleaned.returncode == 0, cleaned.stdout + cleaned.stderr
    assert "removed 1 file, 1 log, 1 window" in cleaned.stdout
    assert rows(station, "schedule") == [] and rows(station, "show-instances") == [] and rows(station, "shows") == []
    test_files = [f for f in rows(station, "files") if f["genre"] == "librelog-verify"]
    assert [f["hidden"] for f in test_files] == [True]
    assert httpx.get(station["LIBRELOG_URL"] + "/logs").json()["total"] == 0
    assert not ledger.exists()
    again = cli("cleanup", "--out", "out", cwd=tmp_path, env=station)
    assert again.returncode == 0 and "nothing to clean up" in again.stdout


def test_requirements_follow_what_a_scenario_does(tmp_path: Path) -> None:
    def needs(text: str, facts: Facts) -> set[Capability]:
        extra, _, steps = text.rpartition("@")
        path = tmp_path / "s.yaml"
        path.write_text(scenario("s", steps, extra))
        return required(load(path), facts)

    live = Facts(target="live", librelog={"flavor": "v2", "station_timezone": "UTC"})
    read = "  - librelog.get: {path: /sync/status, expect: {status: 200}}\n"
    assert needs(read, live) == set()
    assert needs("fixtures: {fixture: small}\n@" + read, live) == {Capability.SEED}
    # A flavour is offered where LibreLog runs it or can be reset to it (the preflight says which).
    assert needs("settings: {flavor: v2}\n@" + read, live) == {Capability.FLAVOR_V2}
    assert needs("flavors: [integration]\n@" + read, live) == set()  # the scenario itself; its items:
    item = tmp_path / "s.yaml"
    assert required(load(item).for_flavor("integration"), live) == {Capability.FLAVOR_INTEGRATION}
    assert needs("settings: {libretime_face: api}\n@" + read, live) == {Capability.LIBRELOG_RESET, Capability.API_FACE}
    assert needs("requires: [upload]\n@" + read, live) == {Capability.UPLOAD}
    fault = "  - stub.fault: {fault: status, status: 500}\n" + read
    assert needs(fault, live) == {Capability.FAULTS}
    step_fault = "  - librelog.get: {path: /sync/status, expect: {status: 200}}\n    faults: [{fault: timeout}]\n"
    assert needs(step_fault, live) == {Capability.FAULTS}
    assert needs("  - stub.journal: {count: 0}\n", live) == {Capability.JOURNAL}
    assert needs("  - stub.tamper: {mode: drop}\n" + read, live) == {Capability.STUB_CONTROL}
    audio = "  - libretime.seed: {files: [{audio: {seconds: 1}}]}\n" + read
    assert needs(audio, live) == {Capability.SEED, Capability.UPLOAD}
    assert needs("  - docker.network: {name: libretime, services: [api]}\n", live) == {Capability.CONTAINERS}


@pytest.mark.parametrize("day", ["2098-12-31", "2099-01-04"])
def test_a_sandbox_next_to_real_days_is_refused(tmp_path: Path, station: dict[str, str], day: str) -> None:
    """A station-local day reaches into its UTC neighbours: real schedule next to the sandbox refuses it."""
    real = httpx.post(
        station["LIBRETIME_URL"] + "/api/v2/integration/schedule/replace-day",
        json={"date": day, "entries": [{"start": f"{day}T12:00:00Z", "media_id": 1}]},
        headers=AUTH,
    )
    assert real.status_code == 200
    put(tmp_path, "publish", scenario("publish", PUBLISH))
    result = live(tmp_path, station)
    assert result.returncode == 2
    assert "on or next to the sandbox days 2099-01-01 to 2099-01-03" in result.stderr
    assert len(rows(station, "schedule")) == 1 and not (tmp_path / "out" / "allure-results").exists()


def test_only_the_stubs_own_answer_marks_libretime_as_the_stub() -> None:
    import httpx

    from harness.live.preflight import is_stub_control

    assert is_stub_control(httpx.Response(200, json={"faults": []}))
    login_page = httpx.Response(200, text="<!DOCTYPE html><html>LibreTime login</html>")
    assert not is_stub_control(login_page)  # a complete LibreTime's legacy app, redirects followed
    assert not is_stub_control(httpx.Response(302, headers={"Location": "/login"}))
    assert not is_stub_control(httpx.Response(200, json={"faults": "none"}))


@pytest.mark.parametrize(
    ("status", "text", "offered", "note"),
    [
        (400, "An error occurred while processing your upload. Please try again in a few minutes.", True, None),
        (500, "ERROR: Incorrect API key.<!DOCTYPE html><html></html>", False, "legacy app refused the API key"),
        (404, "<html>404 Not Found</html>", False, "has no /rest/media (404)"),
    ],
)
def test_the_upload_path_is_offered_only_where_the_legacy_app_takes_the_key(
    status: int, text: str, offered: bool, note: str | None
) -> None:
    from harness.live.capabilities import Facts
    from harness.live.preflight import _upload

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, text=text)

    facts = Facts(target="live", librelog={"flavor": "v2"})
    with httpx.Client(base_url="http://libretime.invalid", transport=httpx.MockTransport(answer)) as client:
        _upload(client, facts, "the-key")
    assert (Capability.UPLOAD in facts.capabilities) is offered
    assert [n for n in facts.notes if note and note in n] == ([] if note is None else facts.notes)
    assert [(r.method, r.url.path) for r in seen] == [("POST", "/rest/media")]
