"""The verification report's "Seen in LibreTime's UI": each seed row answered by the UI steps of a
run, with their pictures; a failing UI step makes its rows ❌ with what the UI showed."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from reports import verification
from reports.ui_evidence import SEED_UI_ROWS

PNG = b"\x89PNG\r\n\x1a\n" + b"picture"


def _step(folder: Path, name: str, status: str, evidence: dict[str, Any], picture: bool = True) -> dict[str, Any]:
    attachments = []
    if picture:
        source = f"{uuid.uuid4()}-attachment.png"
        (folder / source).write_bytes(PNG)
        attachments.append({"name": f"LibreTime UI: {evidence['view']}", "source": source, "type": "image/png"})
    source = f"{uuid.uuid4()}-attachment.json"
    (folder / source).write_text(json.dumps(evidence))
    attachments.append({"name": "LibreTime UI evidence", "source": source, "type": "application/json"})
    return {"name": name, "status": status, "attachments": attachments, "start": 1, "stop": 2}


def _result(folder: Path, scenario: str, feature: str, status: str, steps: list[dict[str, Any]]) -> None:
    labels = [{"name": "scenario_id", "value": scenario}, {"name": "feature", "value": feature}]
    body = {"name": scenario, "status": status, "labels": labels, "steps": steps, "start": 1, "stop": 5}
    (folder / f"{uuid.uuid4()}-result.json").write_text(json.dumps(body))


def test_seen_rows_show_their_pictures_and_a_failure_names_what_the_ui_showed(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    publish = {"view": "Scheduled Shows, 2099-01-01", "url": "u", "seed_rows": list(SEED_UI_ROWS[:2])}
    voice = {"view": "Tracks, searched for 'Break B'", "url": "u", "seed_rows": list(SEED_UI_ROWS[4:])}
    _result(results, "publish-day-v2", "Log publishing", "passed", [_step(results, "UI day", "passed", publish)])
    difference = "the library's Title reads 'Break C', LibreLog has 'Break B'"
    failing = _step(results, "UI voice", "failed", voice | {"differences": [difference]})
    _result(results, "voice-push-v2", "Voice tracks", "failed", [failing])
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
