"""``librelog-verify`` as users run it: validate, run (summary, exit status), and a live target
(both stubs served as a 'deployment') with its sandbox safety rail."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.model.templating import Context, TemplateError
from tests.conftest import served
from tests.test_harness_plugin import MATCHES, PUBLISH, scenario

CLI = [sys.executable, "-m", "harness.cli"]
ROOT = Path(__file__).resolve().parent.parent


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
    assert cli("validate", "scenarios", cwd=tmp_path).stdout.strip() == "1 scenario(s) valid"
    put(tmp_path, "hollow", scenario("hollow", PUBLISH))
    put(tmp_path, "twin", scenario("good", PUBLISH + MATCHES))
    put(tmp_path, "typo", scenario("typo", "\n  - librelog.get: {path: /tracks, expct: {status: 200}}\n"))
    result = cli("validate", "scenarios", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "scenarios/hollow.yaml:" in out and "hollow success: POST /logs/{{ log_id }}/publish" in out
    assert "scenarios/twin.yaml:1: id: 'good' is already used by" in out
    assert "scenarios/typo.yaml:9: steps[0].librelog.get: Additional properties are not allowed ('expct'" in out


def test_run_prints_a_summary_and_fails_on_any_failure(tmp_path: Path) -> None:
    put(tmp_path, "good", scenario("good", PUBLISH + MATCHES))
    ok = cli("run", "--scenarios", "scenarios", "--results", "results", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "PASSED" in ok.stdout and "1 passed, 0 failed, 0 skipped" in ok.stdout
    first = {p.name for p in (tmp_path / "results").glob("*-result.json")}
    assert len(first) == 1
    put(tmp_path, "bad", scenario("bad", "\n  - libretime.file: {id: 1, expect: {track_title: nope}}\n"))
    left = tmp_path / ".results.old-1"  # what an interrupted run left while deleting its predecessor's
    left.mkdir()
    (left / "x-result.json").write_text("{}")
    ko = cli("run", "--scenarios", "scenarios", "--results", "results", cwd=tmp_path)
    assert ko.returncode == 1
    assert "FAILED" in ko.stdout and "1 passed, 1 failed" in ko.stdout
    # The folder holds this run's results alone; the last run's, and the leftover, are deleted.
    second = {p.name for p in (tmp_path / "results").glob("*-result.json")}
    assert len(second) == 2 and not second & first
    assert not list(tmp_path.glob(".results.old-*"))


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


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Both services running as processes, as a live deployment would be."""
    with served(tmp_path / "live.sqlite3", "live-key-12345") as env:
        yield env


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
        "run",
        "--scenarios",
        "scenarios",
        "--target",
        "live",
        "--results",
        "results",
        "--sandbox-date",
        "2098-02-03",
        cwd=tmp_path,
        env=deployment,
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
    result = cli(
        "run", "--scenarios", "scenarios", "--target", "live", "--results", "results", cwd=tmp_path, env=deployment
    )
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
    result = cli(
        "run", "--scenarios", "scenarios", "--target", "live", "--results", "results", cwd=tmp_path, env=deployment
    )
    assert result.returncode == 2  # found by the preflight: nothing ran, nothing was written
    assert "LibreTime holds 1 schedule row(s) on or next to the sandbox days 2099-01-01" in result.stderr
    rows = httpx.get(deployment["LIBRETIME_URL"] + "/api/v2/schedule", headers=headers).json()
    assert len(rows) == 1  # what was there is untouched


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("validate", "/no/such/file.yaml"), 2, "/no/such/file.yaml: no such file or folder"),
        (("run", "--scenarios", "/no/such/folder"), 2, "scenario folder /no/such/folder does not exist"),
        (("run", "--scenarios", "empty"), 3, "nothing was verified: no scenario files (*.yaml) in empty"),
        (("run", "--target", "live"), 2, "--target live needs LIBRELOG_URL"),
        (("run", "--target", "live", "--sandbox-date", "soon"), 2, "--sandbox-date must be YYYY-MM-DD"),
        (("run", "--target", "bogus"), 2, "invalid choice: 'bogus'"),
        (("catalog", "--write", "NOPE.md"), 2, "NOPE.md: no such file"),
        (("run", "-n"), 2, "argument -n/--workers: expected one argument"),
        ((), 2, "the following arguments are required: command"),
        (("report", "--results", "nothing-here"), 2, "no Allure results in nothing-here"),
    ],
)
def test_usage_problems_are_one_line_and_a_documented_exit_code(
    tmp_path: Path, args: tuple[str, ...], code: int, says: str
) -> None:
    (tmp_path / "empty").mkdir()
    env = {name: "" for name in ("LIBRELOG_URL", "LIBRETIME_URL", "LIBRETIME_API_URL", "LIBRETIME_API_KEY")}
    result = cli(*args, cwd=tmp_path, env=env)
    assert result.returncode == code, result.stdout + result.stderr
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line, whatever went wrong
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "reports").exists()  # nothing written, nothing that looks like a verification


def test_unreadable_scenarios_stop_the_run_before_anything_runs(tmp_path: Path) -> None:
    put(tmp_path, "broken", "id: broken\ntitle: [unclosed\n")
    result = cli("run", "--scenarios", "scenarios", cwd=tmp_path)
    assert result.returncode == 2
    assert "scenarios/broken.yaml:3: not valid YAML" in result.stdout
    assert "nothing was run" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_deployment_is_one_error_before_any_scenario(tmp_path: Path) -> None:
    put(tmp_path, "live", LIVE)
    env = {
        "LIBRELOG_URL": "http://127.0.0.1:9",
        "LIBRETIME_URL": "http://127.0.0.1:9",
        "LIBRETIME_API_KEY": "live-key-12345",
    }
    result = cli("run", "--scenarios", "scenarios", "--target", "live", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "librelog-verify: error: LibreLog at http://127.0.0.1:9 (LIBRELOG_URL) is unreachable"
    )
    assert "live-key-12345" not in result.stdout + result.stderr
    assert not (tmp_path / "reports").exists()


def test_a_run_whose_scenarios_all_skip_verified_nothing(tmp_path: Path) -> None:
    put(
        tmp_path,
        "compose-only",
        scenario("compose-only", "\n  - docker.network: {name: libretime, services: [api]}\n").replace(
            "targets: [stub]", "targets: [compose]"
        ),
    )
    result = cli("run", "--scenarios", "scenarios", cwd=tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "all 1 selected scenario(s) were skipped on the stub target" in result.stderr
    assert not (tmp_path / "reports" / "out" / "verification-report.md").exists()


def test_scenario_folders_add_to_the_builtin_suite(tmp_path: Path) -> None:
    put(tmp_path, "mine", scenario("mine-publishes", PUBLISH + MATCHES))
    result = cli(
        "run",
        "--scenarios",
        "builtin",
        "--scenarios",
        "scenarios",
        "-k",
        "mine-publishes or publish-day-v2",
        "--no-report",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 0 failed" in result.stdout


def test_pytest_asyncio_stays_quiet_wherever_the_plugin_is_installed(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "asyncio_default_fixture_loop_scope" not in result.stdout + result.stderr


def test_validate_says_2_for_a_file_that_is_not_yaml_and_1_for_a_wrong_scenario(tmp_path: Path) -> None:
    put(tmp_path, "wrong", scenario("wrong", "\n  - librelog.get: {path: /tracks, expct: {status: 200}}\n"))
    assert cli("validate", "scenarios", cwd=tmp_path).returncode == 1
    put(tmp_path, "broken", "id: broken\ntitle: [unclosed\n")
    result = cli("validate", "scenarios", cwd=tmp_path)
    assert result.returncode == 2
    assert "scenarios/broken.yaml:3: not valid YAML" in result.stdout
    assert result.stderr.strip() == "librelog-verify: error: 1 of 2 file(s) cannot be read as YAML (see above)"


def test_a_run_freezes_what_it_collected_and_hands_it_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from harness.cli import main

    put(tmp_path, "good", scenario("good", PUBLISH + MATCHES))
    # This test's own session collected no scenario: nothing of it was frozen.
    assert gc.get_freeze_count() == 0
    from harness.running import plugin

    frozen: list[int] = []
    order: list[str] = []
    freeze, load = gc.freeze, plugin._load_what_scenarios_use

    def watched() -> None:
        order.append("freeze")
        freeze()
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(gc, "freeze", watched)
    monkeypatch.setattr(plugin, "_load_what_scenarios_use", lambda target: (order.append(target), load(target)))
    args = ["run", "--scenarios", str(tmp_path / "scenarios"), "--results", str(tmp_path / "r"), "--no-report"]
    assert main([*args, "-n", "0"]) == 0
    assert len(frozen) == 1 and frozen[0] > 1000
    # What the scenarios will load is loaded first, so that it is frozen too.
    assert order == ["stub", "freeze"]
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(("target", "services"), [("stub", True), ("live", False)])
def test_what_scenarios_use_is_loaded_before_the_freeze(target: str, services: bool) -> None:
    """The stub target's services, in a fresh interpreter: loaded for the stub target alone."""
    probe = (
        "import sys\n"
        "from harness.running.plugin import _load_what_scenarios_use\n"
        f"_load_what_scenarios_use({target!r})\n"
        "print('stubs.librelog.app' in sys.modules and 'stubs.libretime.app' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(services), done.stderr
