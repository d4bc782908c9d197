"""Property-based fuzzing with Schemathesis, from each service's own OpenAPI document.

LibreLog against the document it serves: no server error, every status and response as the
document says, schema-violating input refused, auth enforced exactly as declared. The LibreTime
stub against LibreTime's own schema: no server error beyond the upstream crashes it mirrors, and
responses in LibreTime's shapes. Fixed seed and time budget, so CI runs the same search each time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import served

ROOT = Path(__file__).resolve().parent.parent
SEED = "30719"
ST = Path(sys.executable).parent / "st"
LIBRELOG_CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
    "negative_data_rejection,unsupported_method,ignored_auth,missing_required_header"
)

pytestmark = pytest.mark.skipif(not ST.exists(), reason="Schemathesis is not installed (pip install -e '.[test]')")


def schemathesis(
    workdir: Path, *args: str, budget_s: int, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``st run`` in ``workdir`` (it keeps a crash cache in the current folder: never the checkout)."""
    fixed = ["--seed", SEED, "--max-time", str(budget_s), "--generation-database", "none"]
    return subprocess.run(
        [str(ST), "run", *args, *fixed, "--no-color", "--warnings", "off"],
        capture_output=True,
        text=True,
        timeout=budget_s + 120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        cwd=workdir,
        check=False,
    )


def verdict(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout[-6000:] + result.stderr[-2000:]


@pytest.mark.parametrize(("token", "budget_s"), [("fuzz-token-5a9c2e", 45), (None, 20)], ids=["token", "open"])
def test_librelog_honours_its_own_openapi_document(tmp_path: Path, token: str | None, budget_s: int) -> None:
    with served(tmp_path / "librelog.sqlite3", "fuzz-key-77d1", token=token) as env:
        auth = ["-H", f"Authorization: Bearer {token}"] if token else []
        result = schemathesis(
            tmp_path, env["LIBRELOG_URL"] + "/openapi.json", *auth, "--checks", LIBRELOG_CHECKS, budget_s=budget_s
        )
    assert result.returncode == 0, verdict(result)
    assert " passed" in result.stdout and "generated" in result.stdout  # it did generate and run cases


def test_the_stub_answers_in_libretimes_own_schema(tmp_path: Path) -> None:
    schema = yaml.safe_load((ROOT / "stubs/libretime/data/libretime-openapi.yml").read_text())
    # LibreTime declares fades `format: time` (RFC 3339: with an offset) but its DRF TimeField writes
    # HH:MM:SS, as the stub does: checked as the pattern LibreTime really serves.
    read = schema["components"]["schemas"]["ReadSchedule"]["properties"]
    for name in ("fade_in", "fade_out"):
        read[name] = {"anyOf": [{"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}(\.\d+)?$"}, {"type": "null"}]}
    patched = tmp_path / "libretime-openapi.yml"
    patched.write_text(yaml.safe_dump(schema))
    with served(tmp_path / "librelog.sqlite3", "fuzz-key-77d1") as env:
        result = schemathesis(
            tmp_path,
            str(patched),
            "--url",
            env["LIBRETIME_URL"],
            "-H",
            f"Authorization: Api-Key {env['LIBRETIME_API_KEY']}",
            "--checks",
            "stub_server_error_is_upstreams,response_schema_conformance",
            budget_s=60,
            env={"SCHEMATHESIS_HOOKS": "tests.fuzz_hooks"},
        )
    assert result.returncode == 0, verdict(result)
    assert " passed" in result.stdout


@pytest.mark.parametrize(
    ("method", "path", "fields", "crash"),
    [
        ("POST", "/api/v2/libraries", {"code": "VOT", "name": "Voice"}, True),
        ("POST", "/api/v2/libraries", {"code": "VOT", "name": "Voice", "description": "x"}, False),
        ("DELETE", "/api/v2/libraries/3", {}, True),
        ("PATCH", "/api/v2/schedule/5", {"starts_at": "2099-01-01T00:00:00Z"}, True),
        ("PATCH", "/api/v2/schedule/5", {"cue_in": "00:00:01"}, False),
        ("POST", "/api/v2/files", {}, False),
        ("POST", "/api/v2/webstreams", {"name": "Relay"}, True),
        ("POST", "/api/v2/webstreams", {"name": "Relay", "owner": 1}, False),
    ],
)
def test_only_the_upstream_crashes_are_excused(method: str, path: str, fields: dict, crash: bool) -> None:
    from tests.fuzz_hooks import upstream_crash

    assert (upstream_crash(method, path, fields) is not None) is crash
