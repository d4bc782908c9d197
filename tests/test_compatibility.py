"""Which LibreTime calls stock LibreTime answers, and the report's section gathering them."""

from __future__ import annotations

from pathlib import Path

from harness.compatibility import operation
from reports import verification
from tests.allure_results import attach, result, step


def test_a_call_is_its_stock_operation_or_not_libretimes() -> None:
    assert operation("GET", "/api/v2/files/12") == ("/api/v2/files/{id}", True)
    assert operation("POST", "/rest/media") == ("/rest/media", True)
    assert operation("GET", "/api/v2/integration/sync-status") == ("/api/v2/integration/sync-status", False)
    assert operation("GET", "/playout-history/playout-history-full") == ("/playout-history/playout-history-full", False)


def test_the_report_lists_every_call_once_with_what_stock_libretime_answers(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    calls = [
        {"method": "GET", "path": "/api/v2/files/{id}", "status": 200, "stock": True},
        {"method": "GET", "path": "/api/v2/files/{id}", "status": 404, "stock": True},
        {"method": "POST", "path": "/api/v2/integration/schedule/replace-day", "status": 200, "stock": False},
    ]
    calls_step = step(
        "What LibreLog asked of LibreTime: 3 request(s)", "passed", [attach(results, "LibreTime calls", calls)]
    )
    result(results, "publish", "Log publishing", "passed", [calls_step])
    md = verification.write(results, tmp_path)[0].read_text()
    section = md.split("## LibreTime Compatibility", 1)[1].split("\n## ", 1)[0]
    assert "2 operation(s), **1 that stock LibreTime 4.5 answers**, 1 it does not" in section
    assert "| `GET /api/v2/files/{id}` | ✅ yes | 200 ×1, 404 ×1 | 1 |" in section
    assert (
        "| `POST /api/v2/integration/schedule/replace-day` | ❌ no: the integration extension | 200 ×1 | 1 |" in section
    )
