"""A pack's coverage of a foreign LibreLog's API: which operations its scenarios call, and how
strongly each call is checked."""

from __future__ import annotations

from typing import Any

from harness.api_coverage import calls, matches, measure, operations

DOCUMENT = {
    "paths": {
        "/logs/{log_id}/publish": {"post": {"summary": "Publish"}},
        "/logs/{log_id}": {"get": {"summary": "Read"}, "delete": {}},
        "/stations/": {"get": {}},
        "/invoices/": {"get": {}, "post": {}},
        "/health": {"get": {}},
        "/{revision_id}": {"get": {}},
    }
}


def test_operations_are_read_from_the_document() -> None:
    assert [f"{o['method']} {o['path']}" for o in operations(DOCUMENT)] == [
        "GET /health",
        "GET /invoices/",
        "POST /invoices/",
        "GET /logs/{log_id}",
        "DELETE /logs/{log_id}",
        "POST /logs/{log_id}/publish",
        "GET /stations/",
        "GET /{revision_id}",
    ]


def test_a_scenario_path_matches_its_operation_template() -> None:
    assert matches("/logs/{log_id}/publish", "/logs/{{ log_id }}/publish")
    assert matches("/logs/{log_id}", "/logs/7")
    assert matches("/stations/", "/stations")
    assert not matches("/logs/{log_id}", "/logs/{{ log_id }}/publish")
    assert not matches("/logs/{log_id}/publish", "/logs/{{ log_id }}/lock")


def _request(method: str, path: str, **expect: Any) -> dict[str, Any]:
    return {"request": {"service": "librelog", "method": method, "path": path}, "expect": {"status": 200, **expect}}


def test_each_call_is_checked_by_an_effect_its_answer_or_its_status_only() -> None:
    effect = [_request("POST", "/logs/1/publish"), {"libretime.schedule_matches_log": {"log_id": 1}}]
    answer = [_request("GET", "/stations/", json={"ok": True})]
    status = [_request("POST", "/invoices/")]
    read_back = [_request("DELETE", "/logs/1"), {"librelog.get": {"path": "/logs/1", "expect": {"status": 404}}}]
    assert [c.level for c in calls(effect)] == ["effect"]
    assert [c.level for c in calls(answer)] == ["answer"]
    assert [c.level for c in calls(status)] == ["status"]
    assert [(c.method, c.level) for c in calls(read_back)] == [("DELETE", "effect"), ("GET", "status")]


def test_measure_keeps_the_strongest_check_and_the_reason_for_what_is_left_out() -> None:
    scenarios = [
        ("publish", [_request("POST", "/logs/{{ log_id }}/publish"), {"stub.journal": {"method": "POST"}}]),
        ("publish-status", [_request("POST", "/logs/{{ log_id }}/publish")]),
        ("stations", [_request("GET", "/stations/", json=[])]),
    ]
    left_out = {"/invoices": "sales and billing: nothing reaches LibreTime", "GET /health": "read by the preflight"}
    ops = {op.key: op for op in measure(operations(DOCUMENT), scenarios, {"publish": "failed"}, left_out)}
    publish = ops["POST /logs/{log_id}/publish"]
    assert (publish.level, publish.scenarios, publish.outcomes) == (
        "effect",
        {"publish": "effect", "publish-status": "status"},
        {"publish": "failed"},
    )
    assert ops["GET /stations/"].level == "answer"
    assert ops["GET /{revision_id}"].scenarios == {}  # /stations/ is the more literal match
    assert ops["POST /invoices/"].left_out == "sales and billing: nothing reaches LibreTime"
    assert ops["GET /health"].left_out == "read by the preflight"
    assert ops["DELETE /logs/{log_id}"].left_out is None and ops["DELETE /logs/{log_id}"].level is None


def test_a_router_mounted_twice_counts_its_twins_calls_and_says_so() -> None:
    listed = [
        {"method": "DELETE", "path": "/logs/{log_id}"},
        {"method": "DELETE", "path": "/api/logs/{log_id}"},
        {"method": "DELETE", "path": "/api/other/{x}"},
    ]
    scenario = [{"request": {"service": "librelog", "method": "DELETE", "path": "/logs/{{ log_id }}"}}]
    ops = {
        op.key: op
        for op in measure(listed, [("s", scenario)], {"s": "passed"}, {}, same_handler={"/api/logs": "/logs"})
    }
    twin = ops["DELETE /api/logs/{log_id}"]
    assert (twin.same_as, twin.scenarios, twin.outcomes) == ("DELETE /logs/{log_id}", {"s": "status"}, {"s": "passed"})
    assert ops["DELETE /logs/{log_id}"].same_as is None
    assert ops["DELETE /api/other/{x}"].scenarios == {}  # not named a twin: not credited
