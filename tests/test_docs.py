"""The documentation: a short README whose links resolve, generated pages that are current, and a
site MkDocs builds in strict mode (no broken link or anchor, no page left out of the navigation)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.reference import page

ROOT = Path(__file__).parent.parent
MKDOCS = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")


def test_the_step_kind_reference_is_current() -> None:
    written = (ROOT / "docs" / "step-kinds.md").read_text(encoding="utf-8")
    assert written == page(), "stale: run librelog-verify reference --write docs/step-kinds.md"


def test_the_reference_lists_every_registered_kind() -> None:
    from harness.kinds import registry

    text = page()
    for name in registry.kinds():
        assert f"`{name}`" in text


def test_the_readme_is_a_front_door_whose_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    assert links
    for link in links:
        if not link.startswith(("http://", "https://")):
            assert (ROOT / link).is_file(), f"README links to {link}, which is not there"


@pytest.mark.skipif(MKDOCS is None, reason="mkdocs is not installed (pip install '.[docs]'; setup.sh does)")
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    assert MKDOCS is not None
    done = subprocess.run(
        [MKDOCS, "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    built = {p.relative_to(tmp_path / "site").parts[0] for p in (tmp_path / "site").rglob("index.html")}
    assert {"step-kinds", "scenarios", "check", "architecture"} <= built
