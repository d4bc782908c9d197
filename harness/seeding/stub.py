"""Seeding the LibreTime stub through its control plane (``POST /__stub__/seed``): one call, all
or nothing, then the names the seed gives (``save_as`` and a fixture's ``media``)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import datetime
from typing import Any

from .. import audio
from ..errors import HarnessError
from ..live.fingerprint import TEST_MARK
from ..running.recorder import Recorder
from ..targets import Target
from .rows import TABLES, completed, duration_text, iso_z


def _file_with_audio(row: dict[str, Any]) -> dict[str, Any]:
    """A file row carrying generated audio: the bytes, and what an analyzer would read from them."""
    made = audio.generate(row["audio"])
    length = duration_text(made.seconds)
    measured = {
        "name": f"{TEST_MARK}-{uuid.uuid4().hex[:12]}.{made.format}",  # the stub serves it by its extension
        "content_base64": base64.b64encode(made.data).decode(),
        "mime": made.mime,
        "size": len(made.data),
        "md5": hashlib.md5(made.data).hexdigest(),  # noqa: S324 - LibreTime's own checksum
        "length": length,
        "cue_out": length,
    }
    return {**completed("files", row), **measured}


async def seed(target: Target, spec: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    payload: dict[str, Any] = {k: spec[k] for k in ("reset", "fixture", "generate") if k in spec}
    names: list[tuple[str, int, str]] = []  # (table, index, name)
    for table in TABLES:
        rows = spec.get(table)
        if not rows:
            continue
        out = []
        for index, row in enumerate(rows):
            if row.get("save_as"):
                names.append((table, index, row["save_as"]))
            out.append(_file_with_audio(row) if table == "files" and "audio" in row else completed(table, row))
        payload[table] = out
    response = await target.libretime.post("/__stub__/seed", json=payload)
    rec.exchange(
        {"method": "POST", "url": "/__stub__/seed", "json": _shown(payload)},
        {"status": response.status_code, "body": response.text[:4000]},
    )
    if response.status_code != 201:
        raise HarnessError(f"the LibreTime stub refused the seed: {response.status_code} {response.text[:500]}")
    result = response.json()
    saved: dict[str, Any] = {}
    for table, index, name in names:
        saved[name] = result["added"][table][index]
    media = (result.get("fixture") or {}).get("media")
    if media:
        saved["media"] = media
    return saved


def _shown(payload: dict[str, Any]) -> dict[str, Any]:
    """The seed as the report shows it: audio bytes as their size, not base64."""
    files = [
        {**f, "content_base64": f"({len(f['content_base64']) * 3 // 4} bytes)"} if "content_base64" in f else f
        for f in payload.get("files", [])
    ]
    return {**payload, "files": files} if files else payload


async def playout(target: Target, start: datetime, end: datetime, rec: Recorder) -> dict[str, Any]:
    body = {"start": iso_z(start), "end": iso_z(end)}
    response = await target.libretime.post("/__stub__/playout", json=body)
    rec.exchange(
        {"method": "POST", "url": "/__stub__/playout", "json": body},
        {"status": response.status_code, "body": response.text[:4000]},
    )
    if response.status_code != 200:
        raise HarnessError(f"the LibreTime stub refused playout: {response.status_code} {response.text[:300]}")
    return response.json()
