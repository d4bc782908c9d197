"""Packs: a folder of scenarios for one LibreLog, its shared settings, setup and teardown, and
its manifest of expected outcomes; and the shipped original-librelog pack, checked offline.

The pack run here treats this project's LibreLog, served as a process, as a LibreLog the
harness knows nothing about (``contract: foreign``): the pack alone says how to reach it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.model.loader import discover, load
from harness.model.outcomes import Expected, Manifest, compare
from harness.model.pack import builtin_packs, merged, pack_at
from reports.results import Run, ScenarioResult
from reports.seed_claims import SEED_SUMMARY, blocks
from tests.conftest import served

KEY = "pack-key-24680"
TOKEN = "pack-token-0123456789"
ORIGINAL = builtin_packs()["original-librelog"]


@pytest.fixture
def station(tmp_path: Path) -> Iterator[dict[str, str]]:
    with served(tmp_path / "station.sqlite3", KEY, token=TOKEN) as env:
        yield env


def cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LIBRELOG_API_TOKEN", "PACK_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


PACK = """
name: my-librelog
librelog: {contract: foreign, health: /health}
expected: expected-outcomes.yaml
defaults:
  requires: [stub_control, commands]
  tags: [mine]
  services:
    librelog:
      headers: {X-Pack: my-librelog}
      bearer_env: PACK_TOKEN
  vars:
    marks: "{{ env.MARKS }}"
setup:
  - command: {run: [python3, -c, "import sys; open(sys.argv[1], 'a').write('setup\\\\n')", "{{ vars.marks }}"]}
teardown:
  - command: {run: [python3, -c, "import sys; open(sys.argv[1], 'a').write('teardown\\\\n')", "{{ vars.marks }}"]}
"""
SYNCS = """
id: syncs
title: The library syncs into my LibreLog
feature: Track sync
severity: normal
seed_claims: ["POST /sync/tracks"]
steps:
  - stub.seed: {fixture: small}
  - request: {service: librelog, method: POST, path: /sync/tracks}
    expect: {status: 200}
  - librelog.get: {path: /tracks, params: {limit: 1}, expect: {status: 200, json: {total: 14}}}
"""
WRONG = """
id: wrong
title: A check that my LibreLog fails
feature: Connection
severity: normal
defect: "mine 1"
seed_claims: ["GET /sync/status"]
steps:
  - librelog.get: {path: /sync/status, expect: {status: 200, json: {connection_status: false}}}
"""


def make_pack(folder: Path, outcomes: dict[str, str]) -> Path:
    pack = folder / "mypack"
    (pack / "checks").mkdir(parents=True)
    (pack / "pack.yaml").write_text(PACK)
    (pack / "checks" / "syncs.yaml").write_text(SYNCS)
    (pack / "checks" / "wrong.yaml").write_text(WRONG)
    manifest = {"pack": "my-librelog", "outcomes": {k: {"outcome": v} for k, v in outcomes.items()}}
    (pack / "expected-outcomes.yaml").write_text(yaml.safe_dump(manifest))
    return pack


def test_a_pack_reaches_a_foreign_librelog_through_its_own_settings_and_its_manifest_holds(
    tmp_path: Path, station: dict[str, str]
) -> None:
    pack = make_pack(tmp_path, {"syncs": "passed", "wrong": "failed"})
    marks = tmp_path / "marks.txt"
    env = {**station, "PACK_TOKEN": TOKEN, "MARKS": str(marks)}
    env.pop("LIBRELOG_API_TOKEN")  # the pack's bearer_env alone authorizes its requests
    args = ("run", "--pack", str(pack), "--target", "live", "--out", "out", "--allow-commands")
    held = cli(*args, "--expect", cwd=tmp_path, env=env)
    assert held.returncode == 0, held.stdout + held.stderr
    assert "pack my-librelog: LibreLog is not this project's" in held.stdout
    assert "Expected outcomes hold: 2 scenario(s) as expected-outcomes.yaml says (1 not passing)." in held.stdout
    # Setup and teardown ran around each scenario, the failing one included.
    assert marks.read_text().splitlines() == ["setup", "teardown"] * 2
    written = (
        held.stdout + held.stderr + "".join(p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*.*"))
    )
    assert TOKEN not in written
    report = (tmp_path / "out" / "verification-report.md").read_text()
    assert (
        "## Seed Claimed / Verified" in report and "✅ Every outcome is as `expected-outcomes.yaml` expects" in report
    )
    assert (
        "| `/sync/status` | GET | ✅ 200 OK - Connection verified | ❌ 0 of 1 scenario(s) passed | `wrong`:" in report
    )
    assert "| mine 1 | `wrong` A check that my LibreLog fails | ❌ failed |" in report
    assert "✅ **As expected** by `expected-outcomes.yaml` (my-librelog)" in report
    assert "| LibreLog | not this project's" in report
    assert "LibreTime is the stub, reset before every scenario" in report

    (pack / "expected-outcomes.yaml").write_text(
        yaml.safe_dump({"outcomes": {"syncs": "passed", "wrong": "passed", "gone": "failed"}})
    )
    differs = cli(*args, "--expect", cwd=tmp_path, env=env)
    assert differs.returncode == 1
    assert "differs from" in differs.stderr and "in 2 scenario(s)" in differs.stderr
    assert (
        "wrong: expected passed, got failed" in differs.stderr
        and "gone: expected failed, but it did not run" in differs.stderr
    )


def test_without_commands_or_the_pack_token_the_run_says_why_before_any_scenario(
    tmp_path: Path, station: dict[str, str]
) -> None:
    pack = make_pack(tmp_path, {"syncs": "passed", "wrong": "failed"})
    env = {**station, "MARKS": str(tmp_path / "m")}
    env.pop("LIBRELOG_API_TOKEN")
    missing = cli(
        "run", "--pack", str(pack), "--target", "live", "--out", "out", "--allow-commands", cwd=tmp_path, env=env
    )
    assert missing.returncode == 2 and "PACK_TOKEN is not set in the environment" in missing.stderr
    env["PACK_TOKEN"] = TOKEN
    parallel = cli("run", "--pack", str(pack), "--target", "live", "-n", "2", cwd=tmp_path, env=env)
    assert parallel.returncode == 2 and "reset before each scenario: it runs without -n" in parallel.stderr
    skipped = cli("run", "--pack", str(pack), "--target", "live", "--out", "out", cwd=tmp_path, env=env)
    assert skipped.returncode == 3 and "commands" in skipped.stdout


def test_a_pack_whose_settings_are_missing_stops_before_any_scenario(tmp_path: Path, station: dict[str, str]) -> None:
    pack = make_pack(tmp_path, {"syncs": "passed", "wrong": "failed"})
    text = (pack / "pack.yaml").read_text().replace("{X-Pack: my-librelog}", '{X-Pack: "{{ env.MY_PACK_HOST }}"}')
    (pack / "pack.yaml").write_text(text)
    env = {k: v for k, v in station.items() if k != "LIBRELOG_API_TOKEN"}
    done = cli("run", "--pack", str(pack), "--target", "live", "--out", "out", cwd=tmp_path, env=env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stdout + done.stderr
    assert "the my-librelog pack's services cannot be set up: {{ env.MY_PACK_HOST }} names nothing" in done.stderr
    assert not (tmp_path / "out" / "verification-report.md").exists()


def test_a_foreign_pack_does_not_run_against_the_embedded_stubs_and_bad_choices_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--pack", "original-librelog"]) == 2
    assert "verifies a LibreLog that is not this project's: run it with --target live" in capsys.readouterr().err
    assert main(["run", "--pack", "no-such-pack"]) == 2
    assert "neither a shipped pack (default, original-librelog) nor a folder" in capsys.readouterr().err
    assert main(["run", "--pack", "default", "--scenarios", "x"]) == 2
    (tmp_path / "m.yaml").write_text("outcomes: {a: maybe}\n")
    assert main(["run", "--expect", str(tmp_path / "m.yaml"), "-k", "nothing"]) == 2
    assert "a: outcome must be one of passed, failed, broken, skipped" in capsys.readouterr().err
    assert main(["run", "--expect"]) == 2
    assert "--expect without a file needs a pack with a manifest" in capsys.readouterr().err


def test_defaults_merge_under_a_scenario_that_keeps_its_own_values() -> None:
    defaults = {"requires": ["stub_control"], "tags": ["a"], "services": {"librelog": {"headers": {"Host": "api"}}}}
    data = {"requires": ["commands"], "tags": ["a", "b"], "services": {"librelog": {"bearer_env": "T"}}, "x": 1}
    assert merged(defaults, data) == {
        "requires": ["stub_control", "commands"],
        "tags": ["a", "b"],
        "services": {"librelog": {"headers": {"Host": "api"}, "bearer_env": "T"}},
        "x": 1,
    }


def test_a_manifest_compares_outcome_by_outcome() -> None:
    manifest = Manifest(
        Path("m.yaml"),
        None,
        {k: Expected(v) for k, v in {"a": "failed", "b": "passed", "c": "failed"}.items()},
    )
    found = compare(manifest, {"a": "passed", "b": "passed", "d": "failed"})
    assert [str(d) for d in found] == [
        "a: unexpected pass",
        "c: expected failed, but it did not run",
        "d: failed, but the manifest does not list it",
    ]
    assert [d.scenario for d in compare(manifest, {"a": "passed"}, selected_only=True)] == ["a"]


# --- the shipped original-librelog pack, offline ----------------------------------------------------


# The original pack's scenario families: its defects, extras, the seed's plan, the generated
# phases (fuzz, the resource walk) and its log editing.
PREFIXES = (
    "original-defect-",
    "original-extra-",
    "original-seed-",
    "original-fuzz-",
    "original-crud",
    "original-log-",
    "original-auth-",
    "original-settings-",
    "original-setup-",
    "original-libretime-",
    "original-voice-",
    "original-read-",
    "original-invoice-",
    "original-traffic-",
    "original-audio-",
    "original-clock-",
    "original-station-",
)


def test_the_original_pack_is_valid_and_its_manifest_lists_exactly_its_scenarios() -> None:
    pack = pack_at(ORIGINAL)
    assert pack is not None and pack.foreign and pack.manifest is not None
    scenarios = [load(p, ORIGINAL) for p in discover(ORIGINAL)]
    ids = {s.id for s in scenarios}
    manifest = Manifest.read(pack.manifest)
    assert set(manifest.outcomes) == ids
    defects = {s.data.get("defect") for s in scenarios if s.id.startswith("original-defect-")}
    # Every defect of LIBRELOG.md section 3 observable on the original: all but 14 (the Java rewrite's).
    # 6 (the URL cleanup) shows only on a port ending in 2: its own manifest, on a fixed port.
    assert {f"LIBRELOG.md 3.{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)} == defects
    # The real LibreTime's manifest names every scenario too (none is stub-only any more).
    assert set(Manifest.read(ORIGINAL / "expected-outcomes-real.yaml").outcomes) == ids
    url_strip = Manifest.read(ORIGINAL / "expected-outcomes-url-strip.yaml")
    assert {k: v.outcome for k, v in url_strip.outcomes.items()} == {"original-defect-06": "failed"}
    for s in scenarios:
        assert s.id.startswith(PREFIXES), s.id
        assert "commands" in s.data["requires"] and s.data["services"]["librelog"]["headers"]["Host"]
    assert {c for s in scenarios for c in s.data.get("seed_claims", [])} == {row for row, _ in SEED_SUMMARY}
    assert {n for s in scenarios for n in s.data.get("seed_plan", [])} == set(range(1, 9))


def _result(sid: str, status: str, claims: list[str], message: str | None = None) -> ScenarioResult:
    return ScenarioResult(sid, sid.title(), status, "F", None, "normal", [], None, [], message, 0.1, 0, [], claims)


def test_the_seed_table_shows_what_the_seed_marked_and_what_was_verified_with_evidence() -> None:
    run = Run(
        [
            _result("ok", "passed", ["GET /sync/status"]),
            _result(
                "bad",
                "failed",
                ["POST /sync/tracks"],
                "harness.running.expect.ExpectationFailed: GET /x: got 200\nmore",
            ),
        ],
        {},
        0,
        0,
    )
    table = next(b for b in blocks(run) if b.kind == "table")
    rows = {r[0]: r for r in table.rows}
    assert rows["`/sync/status`"][2:] == [
        "✅ 200 OK - Connection verified",
        "✅ 1 of 1 scenario(s) passed",
        "every claiming scenario passed: `ok`",
    ]
    assert rows["`/sync/tracks`"][3:] == ["❌ 0 of 1 scenario(s) passed", "`bad`: GET /x: got 200"]
    assert rows["`/proxy/dashboard`"][3] == "⏭️ not exercised"
    assert blocks(Run([_result("x", "passed", [])], {}, 0, 0)) == []
