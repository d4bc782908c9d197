"""The verification report's "Seen in LibreTime's UI": each seed row answered by the UI steps of a
run, with their pictures; a failing UI step makes its rows ❌ with what the UI showed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports import verification
from reports.ui_evidence import SEED_UI_ROWS
from tests.allure_results import attach, result, step

PNG = b"\x89PNG\r\n\x1a\n" + b"picture"


def _step(folder: Path, name: str, status: str, evidence: dict[str, Any], picture: bool = True) -> dict[str, Any]:
    pictures = [attach(folder, f"LibreTime UI: {evidence['view']}", PNG)] if picture else []
    return step(name, status, [*pictures, attach(folder, "LibreTime UI evidence", evidence)])


def test_seen_rows_show_their_pictures_and_a_failure_names_what_the_ui_showed(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    publish = {"view": "Scheduled Shows, 2099-01-01", "url": "u", "seed_rows": list(SEED_UI_ROWS[:2])}
    voice = {"view": "Tracks, searched for 'Break B'", "url": "u", "seed_rows": list(SEED_UI_ROWS[4:])}
    result(results, "publish-day-v2", "Log publishing", "passed", [_step(results, "UI day", "passed", publish)])
    difference = "the library's Title reads 'Break C', LibreLog has 'Break B'"
    failing = _step(results, "UI voice", "failed", voice | {"differences": [difference]})
    result(results, "voice-push-v2", "Voice tracks", "failed", [failing])
    stale = tmp_path / "ui-evidence" / "00-from-an-earlier-run.png"
    stale.parent.mkdir()
    stale.write_bytes(PNG)
    md_path, html_path = verification.write(results, tmp_path)
    md, page = md_path.read_text(), html_path.read_text()
    rows = {line.split(" | ")[0][2:]: line for line in md.splitlines() if line.startswith("| ") and "⏳" in line}
    assert "✅ seen in LibreTime's UI: `publish-day-v2`" in rows[SEED_UI_ROWS[0]]
    assert "⏭️ not seen" in rows[SEED_UI_ROWS[2]]  # no UI step answered the hour rows in this run
    assert f"❌ LibreTime's UI differs: `voice-push-v2`: {difference}" in rows[SEED_UI_ROWS[5]]
    pictures = sorted((tmp_path / "ui-evidence").glob("*.png"))
    assert [p.read_bytes() for p in pictures] == [PNG, PNG]
    assert all(f"](ui-evidence/{p.name})" in md for p in pictures)
    assert page.count('<img src="data:image/png;base64,') == 2
