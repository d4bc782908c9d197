"""The shipped scenario suite: valid, passing on the embedded stubs, and listed in the README."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.catalog import block

ROOT = Path(__file__).resolve().parent.parent


def test_every_shipped_scenario_is_valid_and_passes_on_the_stubs(tmp_path: Path) -> None:
    validate = subprocess.run(
        [sys.executable, "-m", "harness.cli", "validate"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert validate.returncode == 0, validate.stdout
    run = subprocess.run(
        [sys.executable, "-m", "harness.cli", "run", "--results", str(tmp_path / "results")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " 0 failed" in run.stdout


def test_the_readme_lists_exactly_the_shipped_scenarios() -> None:
    readme = (ROOT / "README.md").read_text()
    assert block(ROOT / "scenarios") in readme, "run: librelog-verify catalog --write README.md"
