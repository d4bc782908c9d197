"""``librelog.fuzz`` against a small server and its document: a server error and an answer outside
the document are findings, a conforming operation gives none, and writes are left alone unless
asked for."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from harness.kinds.openapi_fuzz import fuzz
from reports import verification
from tests.allure_results import attach, result, step

OK = {
    "description": "ok",
    "content": {
        "application/json": {
            "schema": {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}
        }
    },
}
DOCUMENT = {
    "openapi": "3.0.2",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/ok": {"get": {"responses": {"200": OK}}},
        "/boom": {"get": {"responses": {"200": {"description": "never"}}}},
        "/items/{item_id}": {
            "get": {
                "parameters": [{"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "an item",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["id"],
                                    "properties": {"id": {"type": "integer"}},
                                }
                            }
                        },
                    }
                },
            }
        },
        "/items": {"post": {"responses": {"201": {"description": "made"}}}},
    },
}


class _Handler(BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.received.append(f"GET {self.path} {self.headers.get('Authorization')}")
        if self.path == "/ok":
            self._json(200, {"ok": True})
        elif self.path.startswith("/items/"):
            self._json(200, {"id": "not a number"})
        else:
            self._json(500, {"detail": "Internal Server Error"})

    def do_POST(self) -> None:
        self.received.append(f"POST {self.path}")
        self._json(201, {})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.received = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def test_server_errors_and_answers_outside_the_document_are_findings(server: str) -> None:
    findings, operations, sent = fuzz(DOCUMENT, server, {"Authorization": "Bearer t0k"}, {"GET"}, 3, 1, [])
    assert sorted(operations) == [("GET", "/boom"), ("GET", "/items/{item_id}"), ("GET", "/ok")] and sent >= 3
    found = {(f.method, f.path, f.status, f.kind) for f in findings}
    assert ("GET", "/boom", 500, "Server error") in found
    assert any(path == "/items/{item_id}" and "schema" in kind.lower() for _m, path, _s, kind in found)
    assert not any(path == "/ok" for _m, path, _s, _k in found)
    assert all(line.endswith("Bearer t0k") for line in _Handler.received)  # the scenario's token went along
    assert not any(line.startswith("POST") for line in _Handler.received)  # reads only


def test_left_out_paths_are_not_fuzzed(server: str) -> None:
    findings, operations, _sent = fuzz(DOCUMENT, server, {}, {"GET"}, 2, 1, ["/boom", "/items"])
    assert (findings, operations) == ([], [("GET", "/ok")])


def test_the_report_lists_the_findings_server_errors_first(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    record = {
        "operations": 3,
        "cases": 9,
        "findings": [
            {
                "method": "GET",
                "path": "/items/{item_id}",
                "called": "/items/1",
                "status": 200,
                "kind": "Response violates schema",
                "detail": "'not a number' is not of type 'integer'",
            },
            {"method": "GET", "path": "/boom", "called": "/boom", "status": 500, "kind": "Server error", "detail": ""},
        ],
    }
    fuzzed = step("fuzz", "failed", [attach(results, "fuzz findings", record)])
    result(results, "original-fuzz-reads", "Fuzzing", "failed", [fuzzed])
    md = verification.write(results, tmp_path)[0].read_text()
    section = md.split("## Fuzzing LibreLog's API", 1)[1].split("\n## ", 1)[0]
    assert "sent 9 generated case(s) to 3 operation(s)" in section
    assert "**2 finding(s)**, 1 of them server errors: 1 Response violates schema, 1 Server error" in section
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows[0].startswith("| `GET /boom` | 500 | Server error") and "`GET /items/{item_id}` | 200" in rows[1]
