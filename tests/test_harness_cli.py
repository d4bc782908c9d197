"""``librelog-verify`` as users run it: validate, run (summary, exit status), and a live target
(both stubs served as a 'deployment') with its sandbox safety rail."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.templating import Context, TemplateError
from tests.test_harness_plugin import MATCHES, PUBLISH, scenario

CLI = [sys.executable, "-m", "harness.cli"]


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def put(folder: Path, name: str, text: str) -> None:
    (folder / "scenarios").mkdir(exist_ok=True)
    (folder / "scenarios" / f"{name}.yaml").write_text(text)


def test_validate_accepts_good_and_names_every_problem(tmp_path: Path) -> None:
    put(tmp_path, "good", scenario("good", PUBLISH + MATCHES))
    assert cli("validate", cwd=tmp_path).stdout.strip() == "1 scenario(s) valid"
    put(tmp_path, "hollow", scenario("hollow", PUBLISH))
    put(tmp_path, "twin", scenario("good", PUBLISH + MATCHES))
    put(tmp_path, "typo", scenario("typo", "\n  - librelog.get: {path: /tracks, expct: {status: 200}}\n"))
    result = cli("validate", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "scenarios/hollow.yaml:" in out and "hollow success: POST /logs/{{ log_id }}/publish" in out
    assert "scenarios/twin.yaml:1: id: 'good' is already used by" in out
    assert "scenarios/typo.yaml:9: steps[0].librelog.get: Additional properties are not allowed ('expct'" in out


def test_run_prints_a_summary_and_fails_on_any_failure(tmp_path: Path) -> None:
    put(tmp_path, "good", scenario("good", PUBLISH + MATCHES))
    ok = cli("run", "--results", "results", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "PASSED" in ok.stdout and "1 passed, 0 failed, 0 skipped" in ok.stdout
    assert any((tmp_path / "results").glob("*-result.json"))
    put(tmp_path, "bad", scenario("bad", "\n  - libretime.file: {id: 1, expect: {track_title: nope}}\n"))
    ko = cli("run", "--results", "results", cwd=tmp_path)
    assert ko.returncode == 1
    assert "FAILED" in ko.stdout and "1 passed, 1 failed" in ko.stdout


def test_templates() -> None:
    from datetime import date

    ctx = Context(sandbox_date=date(2099, 1, 1), env={"X": "y"}, target={"name": "stub"}, vars={"n": 3})
    ctx.saved["log"] = {"id": 7, "entries": [{"start": "06:00:00"}]}
    assert ctx.render("{{ log.id }}") == 7  # a whole template keeps its type
    assert ctx.render("/logs/{{ log.id }}/publish") == "/logs/7/publish"
    assert ctx.render("{{ saved.log.entries[0].start }}") == "06:00:00"
    assert ctx.render(["{{ sandbox_date(+2) }}", "{{ env.X }}", "{{ vars.n }}"]) == ["2099-01-03", "y", 3]
    assert len(ctx.render("{{ uuid }}")) == 36
    with pytest.raises(TemplateError, match="names nothing"):
        ctx.render("{{ missing }}")


def _free() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Both services running as processes, as a live deployment would be."""
    lt, ll = _free(), _free()
    proc = subprocess.Popen(
        [
            *CLI,
            "serve",
            "--libretime-port",
            str(lt),
            "--librelog-port",
            str(ll),
            "--api-key",
            "live-key-12345",
            "--db",
            str(tmp_path / "live.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    env = {
        "LIBRELOG_URL": f"http://127.0.0.1:{ll}",
        "LIBRETIME_URL": f"http://127.0.0.1:{lt}",
        "LIBRETIME_API_KEY": "live-key-12345",
    }
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(env["LIBRELOG_URL"] + "/health", timeout=0.5)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError("serve did not start") from None
            time.sleep(0.1)
    try:
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)


LIVE = (
    "id: live\ntitle: Publishing on a live deployment lands in its schedule\nfeature: Live\nseverity: critical\n"
    "targets: [stub, live]\nsteps:\n  - request: {service: librelog, method: POST, path: /sync/tracks}\n"
    "    expect: {status: 200}"
    + PUBLISH
    + MATCHES
    + "  - stub.journal: {path: /api/v2/integration/schedule/replace-day, count: 1}\n"
)


def test_live_target_runs_inside_the_sandbox_and_cleans_up(tmp_path: Path, deployment: dict[str, str]) -> None:
    put(tmp_path, "live", LIVE)
    result = cli(
        "run", "--target", "live", "--results", "results", "--sandbox-date", "2098-02-03", cwd=tmp_path, env=deployment
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    headers = {"Authorization": "Api-Key live-key-12345"}
    rows = httpx.get(deployment["LIBRETIME_URL"] + "/api/v2/schedule", headers=headers).json()
    assert rows == []  # the run removed what it scheduled in its sandbox
    assert httpx.get(deployment["LIBRELOG_URL"] + "/logs").json()["total"] == 0
    assert "live-key-12345" not in "".join(p.read_text(errors="replace") for p in (tmp_path / "results").iterdir())


def test_live_target_refuses_to_write_outside_the_sandbox(tmp_path: Path, deployment: dict[str, str]) -> None:
    put(tmp_path, "live", LIVE.replace('"{{ sandbox_date }}"', '"2026-11-25"'))
    result = cli("run", "--target", "live", "--results", "results", cwd=tmp_path, env=deployment)
    assert result.returncode == 1
    assert "only creates logs on its sandbox dates" in result.stdout
    assert httpx.get(deployment["LIBRELOG_URL"] + "/logs").json()["total"] == 0


def test_live_target_refuses_an_occupied_sandbox(tmp_path: Path, deployment: dict[str, str]) -> None:
    headers = {"Authorization": "Api-Key live-key-12345"}
    occupied = httpx.post(
        deployment["LIBRETIME_URL"] + "/api/v2/integration/schedule/replace-day",
        json={"date": "2099-01-01", "entries": [{"start": "2099-01-01T10:00:00Z", "media_id": 1}]},
        headers=headers,
    )
    assert occupied.status_code == 200
    put(tmp_path, "live", LIVE)
    result = cli("run", "--target", "live", "--results", "results", cwd=tmp_path, env=deployment)
    assert result.returncode == 1
    assert "already holds 1 schedule rows around the sandbox date" in result.stdout
    rows = httpx.get(deployment["LIBRETIME_URL"] + "/api/v2/schedule", headers=headers).json()
    assert len(rows) == 1  # what was there is untouched
