"""What ships for Prometheus and Grafana holds against what ``check`` writes: the alert rules pass
``promtool check rules`` and their unit tests, they fire on the exporter's own output, and every
dashboard query is valid PromQL over series the exporter writes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from harness.station.findings import Finding, Kind, Severity
from harness.station.formats import render
from harness.station.result import CheckResult

ROOT = Path(__file__).parent.parent
RULES = ROOT / "monitoring" / "prometheus" / "librelog-check.rules.yml"
RULE_TESTS = ROOT / "monitoring" / "prometheus" / "librelog-check.rules.test.yml"
DASHBOARD = ROOT / "monitoring" / "grafana" / "librelog-check.json"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed (Debian's prometheus package; .ci/run installs it)"
)


def _results() -> list[CheckResult]:
    day = date(2099, 1, 1)
    now = datetime(2099, 1, 1, tzinfo=UTC)
    clean = CheckResult(now, day, day, "UTC", station="clean")
    broken = CheckResult(now, day, day, "UTC", station="broken")
    broken.findings += [Finding(Kind.PLAYOUT_STOPPED, "nothing recorded"), Finding(Kind.STALE_TRACK_SYNC, "old")]
    gone = CheckResult(now, day, day, "UTC", station="gone", error="LibreTime at http://x did not answer")
    gone.findings.append(Finding(Kind.LIBRETIME_UNREACHABLE, "did not answer"))
    return [clean, broken, gone]


def _exported() -> tuple[str, set[str]]:
    text = render("prometheus", _results())
    names = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    return text, names


def _promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@needs_promtool
def test_the_rules_pass_promtool_and_their_unit_tests() -> None:
    checked = _promtool("check", "rules", RULES.name, cwd=RULES.parent)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = _promtool("test", "rules", RULE_TESTS.name, cwd=RULES.parent)
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


@needs_promtool
def test_the_rules_fire_on_what_check_writes(tmp_path: Path) -> None:
    """The exporter's own samples for three stations, held for three hours, through the rules."""
    text, _ = _exported()
    series = []
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name.endswith(("_created", "_total")):
                continue
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            series.append({"series": f"{s.name}{{{labels}}}", "values": f"{s.value:g}x180"})
    shutil.copy(RULES, tmp_path / RULES.name)
    description = yaml.safe_load(RULES.read_text())["groups"][0]["rules"][0]["annotations"]["description"]
    expected = {
        "LibreLogScheduleErrors": (
            "broken",
            {"summary": "broken: the schedule check found 1 error(s)", "description": description},
        ),
        "LibreLogPlayoutStopped": (
            "broken",
            {"summary": "broken: LibreTime's playout recorded nothing while items were due"},
        ),
        "LibreLogCheckCannotRead": ("gone", {"summary": "gone: the schedule check could not read the station"}),
    }
    tests = [
        {
            "eval_time": "1h",
            "alertname": name,
            "exp_alerts": [{"exp_labels": {"station": station, "severity": "critical"}, "exp_annotations": notes}],
        }
        for name, (station, notes) in expected.items()
    ]
    doc = {
        "rule_files": [RULES.name],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": tests}],
    }
    (tmp_path / "from-check.test.yml").write_text(yaml.safe_dump(doc))
    tested = _promtool("test", "rules", "from-check.test.yml", cwd=tmp_path)
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def _dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def _exprs(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_every_dashboard_query_reads_series_check_writes() -> None:
    _, names = _exported()
    dashboard = _dashboard()
    used = {m for e in _exprs(dashboard) for m in re.findall(r"\blibrelog_[a-z_]+", e)}
    assert used and used <= names, used - names
    kinds = {k.value for k in Kind}
    severities = {s.value for s in Severity}
    for expr in _exprs(dashboard):
        assert set(re.findall(r'kind="([^"]+)"', expr)) <= kinds, expr
        assert set(re.findall(r'severity="([^"]+)"', expr)) <= severities, expr
        assert 'station=~"$station"' in expr, f"a panel that ignores the station picker: {expr}"
    (variable,) = [v for v in dashboard["templating"]["list"] if v["name"] == "station"]
    assert re.search(r"label_values\((librelog_[a-z_]+), station\)", variable["definition"]).group(1) in names


def test_the_dashboard_layout_has_unique_panels_that_do_not_overlap() -> None:
    panels = _dashboard()["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    cells: set[tuple[int, int]] = set()
    for p in panels:
        g = p["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24, p["title"]
        mine = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not mine & cells, f"{p['title']} overlaps another panel"
        cells |= mine


@needs_promtool
def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    """Each query as a recording rule: ``promtool check rules`` parses its PromQL."""
    exprs = [e.replace("$station", ".*") for e in _exprs(_dashboard())]
    rules = {
        "groups": [
            {"name": "dashboard", "rules": [{"record": f"dashboard:q{i}", "expr": e} for i, e in enumerate(exprs)]}
        ]
    }
    (tmp_path / "dashboard.rules.yml").write_text(yaml.safe_dump(rules))
    checked = _promtool("check", "rules", "dashboard.rules.yml", cwd=tmp_path)
    assert checked.returncode == 0 and f"{len(exprs)} rules found" in checked.stdout, checked.stdout + checked.stderr
