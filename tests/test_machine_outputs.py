"""Machine formats on stdout are that format alone: each command runs in its own process, as a
script would pipe it, and its whole stdout goes into the format's own parser (every line for a
person, the report's whereabouts among them, goes to stderr)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from junitparser import JUnitXml
from prometheus_client.parser import text_string_to_metric_families

from .conftest import seed, served
from .test_station_libretime_only import DAY, day_rows

ROOT = Path(__file__).parent.parent
KEY = "machine-outputs-key-4410"


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    async def populate(url: str) -> None:
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Api-Key {KEY}"}) as http:
            await seed(http, {"reset": True, **day_rows()})

    with served(tmp_path_factory.mktemp("machine") / "librelog.sqlite3", KEY) as env:
        asyncio.run(populate(env["LIBRETIME_URL"]))
        yield env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


def _prometheus(text: str) -> Any:
    families = list(text_string_to_metric_families(text))
    assert {f.name for f in families} >= {"librelog_check_up", "librelog_check_findings"}
    return families


PARSERS: dict[str, Callable[[str], Any]] = {
    "json": json.loads,
    "junit": JUnitXml.fromstring,
    "prometheus": _prometheus,
}


@pytest.mark.parametrize("fmt", list(PARSERS))
@pytest.mark.parametrize("mode", ["with-librelog", "libretime-only"])
def test_check_writes_only_its_format_to_stdout(station: dict[str, str], fmt: str, mode: str, tmp_path: Path) -> None:
    env = {k: v for k, v in station.items() if mode == "with-librelog" or k != "LIBRELOG_URL"}
    args = ["check", "--from", str(DAY), "--timezone", "UTC", "--format", fmt, "--out", str(tmp_path)]
    done = _run(args, env)
    assert done.returncode == 1, done.stderr  # the seeded day has errors: a result, not a failure
    PARSERS[fmt](done.stdout)
    assert "Verification report:" in done.stderr and (tmp_path / "verification-report.md").is_file()
    assert "Verification report" not in done.stdout and KEY not in done.stdout + done.stderr


def test_drift_json_is_only_json_on_stdout(station: dict[str, str], tmp_path: Path) -> None:
    """The stub against another stub: whatever it finds, stdout is the JSON document alone."""
    out = tmp_path / "drift.json"
    args = ["drift", "--libretime", station["LIBRETIME_URL"], "--format", "json", "--output", str(out)]
    done = _run([*args, "--contract-only", "-k", "version"], {"LIBRETIME_API_KEY": KEY})
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads(done.stdout)
    assert doc["probes"] and json.loads(out.read_text()) == doc
