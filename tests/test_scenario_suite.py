"""The shipped scenario suite: inside the package, valid, passing on the embedded stubs wherever
the package is installed, and listed in the README."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.model.catalog import block
from harness.model.loader import discover, load

ROOT = Path(__file__).resolve().parent.parent


def stub_runnable() -> int:
    """Scenario items the stub target runs (one per flavour; container checks need the compose target)."""
    from harness.live.capabilities import full, missing
    from harness.model.requirements import required

    stub = full("stub")
    items = []
    for path in discover(ROOT / "scenarios"):
        scenario = load(path, ROOT)
        items += [scenario.for_flavor(f) for f in scenario.flavors] or [scenario]
    return sum(1 for item in items if not missing(required(item, stub), stub))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as a wheel installs it (no checkout on the path), in a folder of its own."""
    folder = tmp_path_factory.mktemp("installed")
    source = folder / "source"  # built from a copy: a build writes build/ and egg-info next to its sources
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for name in ("stubs", "harness", "reports", "scenarios"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "out"))
    pip("wheel", "--no-deps", "-q", "-w", str(folder), str(source))
    (built,) = folder.glob("librelog_verify-*.whl")
    site = folder / "site"
    pip("install", "--no-deps", "-q", "--target", str(site), str(built))
    return site


def pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


def outside(site: Path, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``librelog-verify`` from the installed copy, run in a folder that is not the checkout, with
    no Allure command line in reach (no node_modules there, none on PATH)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )


def test_installed_package_runs_the_whole_suite_from_any_folder(installed: Path, tmp_path: Path) -> None:
    shipped = {p.relative_to(installed / "scenarios") for p in discover(installed / "scenarios")}
    assert shipped == {p.relative_to(ROOT / "scenarios") for p in discover(ROOT / "scenarios")}
    where = outside(installed, tmp_path, "--debug", "catalog")  # any command: which copy answers?
    assert where.returncode == 0, where.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import harness.model.suite as s; print(s.builtin_suite())"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()) == installed / "scenarios"
    validate = outside(installed, tmp_path, "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    run = outside(installed, tmp_path, "run")
    output = run.stdout + run.stderr
    # Every scenario passed; the missing Allure CLI is a warning with its fix, not a failure.
    assert run.returncode == 0, output[-4000:]
    assert f"{stub_runnable()} passed, 0 failed" in run.stdout
    assert "warning: Allure HTML report not built" in run.stderr and "npm" in run.stderr
    assert "Traceback" not in output and "PytestDeprecationWarning" not in output
    out = tmp_path / "reports" / "out"
    report = (out / "verification-report.md").read_text() + (out / "verification-report.html").read_text()
    assert "Publishing" in report
    assert "{{" not in report  # step titles name the real log ids and paths, not their templates
    for result in (out / "allure-results").glob("*-result.json"):
        assert "{{" not in result.read_text(), result.name


def test_installed_run_that_selects_nothing_fails_and_writes_no_report(installed: Path, tmp_path: Path) -> None:
    run = outside(installed, tmp_path, "run", "-k", "nothing-matches")
    assert run.returncode == 3
    assert "nothing was verified: -k 'nothing-matches' selected none of" in run.stderr
    assert not (tmp_path / "reports" / "out" / "verification-report.md").exists()
    required = outside(installed, tmp_path, "run", "--require-allure", "-k", "publish-day")
    assert required.returncode == 2
    assert required.stderr.strip().endswith("`npm install --global allure@3`)")


def test_a_run_leaves_the_checkout_clean(tmp_path: Path) -> None:
    """Outputs, trend history included, stay under the output folder: verifying never dirties git."""
    git = shutil.which("git")
    status = [str(git), "status", "--porcelain"]
    before = subprocess.run(status, cwd=ROOT, capture_output=True, text=True, check=False)
    if git is None or before.returncode != 0:
        pytest.skip("not a git checkout")
    run = subprocess.run(
        [sys.executable, "-m", "harness.cli", "run", "-k", "publish-day", "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    after = subprocess.run(status, cwd=ROOT, capture_output=True, text=True, check=False)
    assert after.stdout == before.stdout
    assert (tmp_path / "out" / "allure-history.jsonl").exists() or "Allure HTML report not built" in run.stderr


def test_the_catalogue_lists_exactly_the_shipped_scenarios() -> None:
    catalogue = (ROOT / "docs" / "scenarios.md").read_text()
    assert block(ROOT / "scenarios") in catalogue, "run: librelog-verify catalog --write docs/scenarios.md"


def _broken(document: dict) -> list[object]:
    """Variants of a clean scenario the schema must fault, each broken in one place."""
    first = document["steps"][0]
    return [
        {k: v for k, v in document.items() if k != "title"},
        {**document, "severity": "urgent"},
        {**document, "id": "has spaces"},
        {**document, "unknown_field": 1},
        {**document, "steps": [{}]},
        {**document, "steps": [{**first, "name": 7}]},
        {**document, "steps": [{**first, "unknown.kind": {}}]},
        {**document, "title": "x\n"},
        {**document, "sandbox": {"date": __import__("datetime").date(2026, 1, 1)}},
        [document],
    ]


def test_the_fast_schema_check_clears_only_what_jsonschema_finds_clean() -> None:
    """jsonschema-rs decides the clean files and jsonschema every other: the two must agree that a
    file is clean, on every shipped scenario and on the same files broken in one place."""
    import yaml

    from harness.model import loader

    validator = loader._validator()
    files = discover(ROOT / "scenarios") + [p for p in (ROOT / "packs").rglob("*.yaml") if p.name != "pack.yaml"]
    cleared = 0
    for path in files:
        document = yaml.safe_load(path.read_text())
        if not isinstance(document, dict) or "steps" not in document:
            continue
        clean = not list(validator.iter_errors(document))
        assert loader._clean(document) == clean, path
        cleared += clean
        for variant in _broken(document):
            if loader._clean(variant):
                assert not list(validator.iter_errors(variant)), (path, variant)
    assert cleared >= 70  # the shipped scenarios are clean: the fast path is the one they take
    steps = type(validator)(loader._steps_schema())
    packs = [loader.pack_at(f.parent) for f in [ROOT / "scenarios" / "pack.yaml", *(ROOT / "packs").rglob("pack.yaml")]]
    assert len(packs) >= 2
    for pack in (p for p in packs if p):
        for part in (pack.setup, pack.teardown):
            assert loader._clean(part, "steps") == (not list(steps.iter_errors(part))), pack.name
        for variant in ([{}], [{"name": 1}], {"steps": pack.setup}, [*pack.setup, {"unknown.kind": {}}]):
            assert not loader._clean(variant, "steps") and list(steps.iter_errors(variant)), variant
