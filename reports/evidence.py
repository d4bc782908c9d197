"""Short, human evidence for a step, taken from what it recorded (never from its title)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from .results import Step

_INTERESTING = (
    "status",
    "success",
    "published_entries",
    "created",
    "updated",
    "unchanged",
    "deleted",
    "total_processed",
    "pages",
    "fetched",
    "duplicates",
    "unmatched",
    "connection_status",
    "libretime_id",
    "error",
    "total",
    "count",
    "hour",
    "scope",
    "api_version",
    "md5",
    "track_title",
)


def _scalars(body: Any, prefix: str = "") -> list[str]:
    if not isinstance(body, dict):
        return []
    out = []
    for key, value in body.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and key in ("libretime", "details", "committed", "upstream"):
            out += _scalars(value, f"{name}.")
        elif key in _INTERESTING and not isinstance(value, (dict, list)):
            out.append(f"{name}={value}")
    return out[:6]


def describe(step: Step) -> str:
    parts: list[str] = []
    request = step.attachments.get("request")
    response = step.attachments.get("response")
    if isinstance(request, dict) and isinstance(response, dict):
        path = request.get("url", "").split("://", 1)[-1].split("/", 1)[-1]
        took = f" in {response['elapsed_ms']} ms" if response.get("elapsed_ms") is not None else ""
        parts.append(f"{request.get('method')} /{path} → {response.get('status')}{took}")
        parts += _scalars(response.get("body"))
    for name, value in step.attachments.items():
        if name.startswith("LibreTime schedule rows") and isinstance(value, dict):
            rows = value.get("rows", [])
            media = sorted({r.get("file") for r in rows if r.get("file") is not None})
            parts.append(f"LibreTime holds {len(rows)} rows on {value.get('date')} (media ids {media[:8]})")
        if name == "what LibreTime received" and isinstance(value, dict):
            parts.append(f"LibreTime received {value.get('count')} matching requests")
        if name.startswith("docker network") and isinstance(value, dict):
            parts.append(f"{name}: {len(value.get('containers', []))} containers attached")
        if name.startswith("exec in") and isinstance(value, str):
            parts.append(f"{name}: " + " ".join(value.splitlines()[1:3]))
        if isinstance(value, str) and value.startswith("<html><body><style>") and "<table>" in value:
            # A check's table (Allure shows it whole): name it, with how many rows it holds.
            parts.append(f"table «{name}»: {value.count('<tr>') - 1} rows")
        if name.startswith("LibreTime file") and isinstance(value, dict):
            parts.append(f"file {value.get('id')}: {value.get('track_title')!r}, md5 {value.get('md5')}")
    if step.message and step.status != "passed":
        parts.append(f"failure: {message(step.message.strip().splitlines()[-1])[:300]}")
    if step.status == "skipped" or "skipped" in step.attachments:
        parts.append(f"skipped: {step.attachments.get('skipped')}")
    return "; ".join(p for p in parts if p) or "checked"


_RAISED = re.compile(r"^(?:[a-z_][a-z0-9_]*\.)+[A-Z][A-Za-z]*(?:Error|Failed|Exception|Unreachable): ")


def message(text: str) -> str:
    """A failure as a reader needs it: the exception's module path dropped, its words kept."""
    return _RAISED.sub("", text)


def _is_id(part: str) -> bool:
    """A path segment that names one record: a number or a UUID (another LibreLog's ids)."""
    if part.isdigit():
        return True
    try:
        uuid.UUID(part)
    except ValueError:
        return False
    return len(part) == 36


def endpoints(steps: list[Step]) -> list[tuple[str, str, int | None]]:
    """(method, path template, status) of every request a scenario made."""
    out = []
    for step in steps:
        request, response = step.attachments.get("request"), step.attachments.get("response")
        if isinstance(request, dict) and isinstance(response, dict):
            path = "/" + request.get("url", "").split("://", 1)[-1].split("/", 1)[-1]
            template = "/".join("{id}" if _is_id(part) else part for part in path.split("?")[0].split("/"))
            out.append((request.get("method", "?"), template, response.get("status")))
    return out
