"""What a run records for Allure: steps, requests and responses, tables — always masked.

Calls into ``allure`` are no-ops when allure-pytest is not collecting (no ``--alluredir``).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import allure
from allure_commons import plugin_manager

from ..secrets import Masker


def allure_collecting() -> bool:
    """True while allure-pytest is writing results (``--alluredir``): attachments are worth building."""
    return any(hasattr(plugin, "attach_data") for plugin in plugin_manager.get_plugins())


class Recorder:
    def __init__(self, masker: Masker, attachments: bool | None = None) -> None:
        self.masker = masker
        self.attachments = allure_collecting() if attachments is None else attachments
        self.log: list[str] = []  # a plain-text trail, shown in pytest's failure report

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        title = self.masker.text(title)
        self.log.append(f"→ {title}")
        with allure.step(title):
            try:
                yield
            except Exception as exc:
                self.masker.exception(exc)  # before allure.step records the failure
                raise

    def json(self, name: str, value: Any) -> None:
        if self.attachments:
            body = json.dumps(value, indent=2, ensure_ascii=False, default=str)
            allure.attach(self.masker.text(body), name=name, attachment_type=allure.attachment_type.JSON)

    def text(self, name: str, value: str) -> None:
        if self.attachments:
            allure.attach(self.masker.text(value), name=name, attachment_type=allure.attachment_type.TEXT)

    def png(self, name: str, data: bytes) -> None:
        """A picture (a screenshot of LibreTime's UI). Pictures cannot be masked: only views that
        show no secret are taken."""
        if self.attachments:
            allure.attach(data, name=self.masker.text(name), attachment_type=allure.attachment_type.PNG)

    def table(self, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """A readable HTML table (schedule snapshots and diffs)."""
        if not self.attachments:
            return

        def cell(value: Any) -> str:
            return self.masker.text("" if value is None else str(value)).replace("&", "&amp;").replace("<", "&lt;")

        head = "".join(f"<th>{cell(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
        html = (
            "<html><body><style>td,th{border:1px solid #ccc;padding:2px 6px;font:12px monospace}</style>"
            f"<table><tr>{head}</tr>{body}</table></body></html>"
        )
        allure.attach(html, name=name, attachment_type=allure.attachment_type.HTML)

    def exchange(self, request: Any, response: Any | None, error: str | None = None) -> None:
        """Request and response as JSON, plus a curl line to reproduce the call."""
        if not self.attachments:
            return
        self.json("request", request)
        self.text("curl", self.masker.text(curl(request)))
        if response is not None:
            self.json("response", response)
        if error:
            self.text("error", error)


def curl(request: dict[str, Any]) -> str:
    parts = ["curl", "-sS", "-X", request["method"], request["url"]]
    for name, value in request.get("headers", {}).items():
        parts += ["-H", f"{name}: {value}"]
    if request.get("json") is not None:
        parts += ["-H", "Content-Type: application/json", "--data", json.dumps(request["json"])]
    for name, value in (request.get("data") or {}).items():
        parts += ["-F", f"{name}={value}"]
    for name, desc in (request.get("files") or {}).items():
        parts += ["-F", f"{name}=@{desc}"]
    return " ".join(shlex.quote(p) for p in parts)
