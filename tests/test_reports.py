"""The reports a run leaves behind, read as a person would: rendered in headless Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.targets import STUB_KEY
from reports.allure_html import external_references, strip_tracking
from tests.browser import looks_blank, render

ROOT = Path(__file__).resolve().parent.parent
SUBSET = "publish-day or hour-only-12 or track-sync-small or voice-push or history-sync or errors-libretime-500"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real run of a scenario subset plus one planted failure, with every report built."""
    out = tmp_path_factory.mktemp("reports")
    scenarios = out / "scenarios"
    scenarios.mkdir()
    for path in (ROOT / "scenarios").rglob("*.yaml"):
        (scenarios / path.name).write_text(path.read_text())
    (scenarios / "planted.yaml").write_text(
        "id: planted-failure\ntitle: A check that fails on purpose to fill Known Issues\nfeature: Track sync\n"
        "severity: minor\ntargets: [stub]\nfixtures: {fixture: small}\nsteps:\n"
        "  - libretime.file: {id: 1, expect: {track_title: Not Harbour Lights}}\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "run",
            "--scenarios",
            str(scenarios),
            "-k",
            f"{SUBSET} or planted",
            "--results",
            str(out / "results"),
            "--out",
            str(out),
            "--history",
            str(out / "history.jsonl"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]  # the planted failure
    assert "Allure report:" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def test_one_run_leaves_all_three_reports(built: Path) -> None:
    for name in ("allure-report/index.html", "verification-report.md", "verification-report.html"):
        assert (built / name).stat().st_size > 1000, name
    md = (built / "verification-report.md").read_text()
    for section in (
        "## Executive Summary",
        "## LibreTime Integration Configuration",
        "### 1. Log Publishing",
        "### 2. Hour-Specific Publishing",
        "### 3. Track Sync",
        "### 4. Voice Track Upload",
        "### 5. Playback History Sync",
        "## Error Handling",
        "## Test Execution Summary",
        "## Known Issues & Limitations",
    ):
        assert section in md, section
    # The seed's "⏳ requires LibreTime UI check" appears only as what the seed marked, each row
    # answered: on the stub, which has no web UI, as not seen, never as seen.
    seen = md.split("## Seen in LibreTime's UI", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in seen.splitlines() if line.startswith("| ") and "⏳" in line]
    assert len(rows) == 6 and all("⏭️ not seen: no UI step ran on this target" in row for row in rows)
    rest = md.replace(seen, "")
    assert "requires LibreTime UI check" not in rest and "⏳" not in rest
    assert "❌ **Not verified**: 1 check(s) failed." in md
    assert "❌ A check that fails on purpose to fill Known Issues (`planted-failure`)" in md
    assert "published_entries=" in md and "LibreTime holds" in md  # evidence, not just ticks
    # Each field-by-field comparison names what it compared, with the number of rows.
    assert re.search(r"table «Every row of \d{4}-\d\d-\d\d against its file and show instance»: [1-9]\d* rows", md)


def test_verification_report_renders_in_chromium(built: Path) -> None:
    page = render(built / "verification-report.html", height=1400)
    assert not looks_blank(page.png)
    for heading in ("Executive Summary", "Push Functionality Tests", "Test Execution Summary", "Known Issues"):
        assert heading in page.dom
    assert page.dom.count("<svg") >= 2  # the day timeline and the durations chart
    assert page.outside_requests == []


def test_allure_report_renders_offline_without_tracking(built: Path) -> None:
    html = (built / "allure-report" / "index.html").read_text()
    assert external_references(html) == []
    page = render(built / "allure-report" / "index.html")
    assert not looks_blank(page.png)
    assert "Log publishing" in page.dom and "Track sync" in page.dom
    assert page.outside_requests == []  # no request leaves the machine when the report is opened


def test_history_is_kept_between_runs(built: Path) -> None:
    assert (built / "history.jsonl").read_text().strip()


def test_no_secret_in_any_report_file(built: Path) -> None:
    for path in built.rglob("*"):
        if path.is_file():
            assert STUB_KEY not in path.read_text(errors="replace"), path


def test_tracking_is_stripped_and_detected() -> None:
    page = (
        '<html><head><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>\n'
        "<script>\n window.dataLayer = window.dataLayer || [];\n function gtag(){dataLayer.push(arguments);}\n"
        " gtag('js', new Date());\n</script><script>app()</script></head></html>"
    )
    assert external_references(page)
    clean = strip_tracking(page)
    assert external_references(clean) == []
    assert "<script>app()</script>" in clean


def test_a_blank_page_is_recognised(tmp_path: Path) -> None:
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body style='background:#fff'></body></html>")
    assert looks_blank(render(blank).png)


def test_allure_reads_the_harness_categories(built: Path, tmp_path: Path) -> None:
    """Allure 3 takes categories from its config, which reads the categories.json the run wrote."""
    import json
    import shutil

    from reports.allure_html import ReportError, build

    results = tmp_path / "results"
    shutil.copytree(built / "results", results)
    categories = json.loads((results / "categories.json").read_text())
    assert [c["name"] for c in categories] == ["LibreTime or LibreLog unreachable", "Product defects", "Harness errors"]
    # A rule Allure must refuse (canonical and compatibility keys mixed) proves the file is read.
    (results / "categories.json").write_text(json.dumps([{"name": "x", "matchers": {}, "matchedStatuses": ["failed"]}]))
    with pytest.raises(ReportError, match="allure generate failed"):
        build(results, tmp_path / "out", tmp_path / "history.jsonl")


def test_a_ui_step_on_the_stub_is_skipped_naming_ui_and_the_rest_of_its_scenario_runs(built: Path) -> None:
    import json

    results = [json.loads(p.read_text()) for p in (built / "results").glob("*-result.json")]
    (publish,) = [r for r in results if r["name"].startswith("On stock LibreTime (v2 API) a published day")]
    assert publish["status"] == "passed"
    names = [step["name"] for step in publish["steps"]]
    ui = names.index("LibreTime's own UI shows the day as LibreLog's log has it")
    skipped = next(a for a in publish["steps"][ui]["attachments"] if a["name"] == "skipped")
    assert (built / "results" / skipped["source"]).read_text() == (
        "needs ui (the LibreTime stub has no web UI; LibreTime's own UI is read on a live target):"
        " the stub target does not offer it"
    )
    assert names[ui + 1] == "Rows carry explicit fades (null fades crash playout)"  # the scenario went on
    assert {"name": "skipped_steps", "value": "1"} in publish["labels"]
