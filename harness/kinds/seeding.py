"""Step kinds that put data into LibreTime for a scenario (``harness/seeding``): ``libretime.seed``
(``stub.seed``, its older name), ``libretime.provision`` (test files and history rows, the short
form), ``libretime.playout`` (``stub.playout``: what plays becomes history), and
``libretime.library`` (LibreTime's visible library, counted as LibreLog should see it)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from ..errors import HarnessError
from ..live.capabilities import Capability
from .registry import StepContext, StepKind


def _needs_upload(value: Any) -> set[Capability]:
    """Real audio goes into a real LibreTime through its upload path."""
    files = value.get("files") if isinstance(value, dict) else None
    return {Capability.UPLOAD} if any(isinstance(f, dict) and "audio" in f for f in files or []) else set()


# The seeding modules (the stub's fixtures, HTTP clients) load when a scenario seeds, not when the
# scenario schema is built from this module's step kinds.


async def _seed(context: StepContext) -> None:
    from ..seeding import merge_names, seed

    names = await seed(context.target, context.spec, context.rec)
    merge_names(context.saved, names)
    if names:
        context.rec.table("seeded in LibreTime", ["name", "id"], sorted((k, str(v)) for k, v in names.items()))


async def _provision(context: StepContext) -> None:
    """The short form: ``files`` (title, artist, album, length, size) and ``history`` rows."""
    from ..seeding.rows import test_file

    spec = context.spec
    rows: dict[str, list[dict[str, Any]]] = {"files": [], "playout_history": []}
    for item in spec.get("files", []):
        row = test_file(item)
        if item.get("save_as"):
            row["save_as"] = item["save_as"]
        rows["files"].append(row)
    for item in spec.get("history", []):
        rows["playout_history"].append(
            {k: item.get(k) for k in ("save_as", "starts", "ends", "file")} | {"instance": None}
        )
    await _seed(StepContext(context.runner, {k: v for k, v in rows.items() if v}, context.step, context.marks))


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _playout(context: StepContext) -> None:
    from ..seeding import playout

    start, end = _instant(context.spec["start"]), _instant(context.spec["end"])
    if start >= end:
        raise HarnessError(f"playout: end {context.spec['end']} is not after start {context.spec['start']}")
    result = await playout(context.target, start, end, context.rec)
    context.rec.json("played", result)


async def _library(context: StepContext) -> None:
    """LibreTime's visible files (hidden ones are out of its library), in id order: their count,
    ids, and with ``batch_size`` the number of pages a sync of that size reads."""
    spec = context.spec
    response = await context.target.libretime.get("/api/v2/files")
    if response.status_code != 200:
        raise HarnessError(f"cannot read LibreTime's files: {response.status_code} {response.text[:200]}")
    ids = sorted(f["id"] for f in response.json() if f.get("hidden") is not True)
    library: dict[str, Any] = {"count": len(ids), "ids": ids}
    if spec.get("batch_size"):
        library["pages"] = math.ceil(len(ids) / spec["batch_size"])
    context.saved[spec["save_as"]] = library
    context.rec.json(f"LibreTime's visible library ({len(ids)} files)", library)


LIBRARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["save_as"],
    "additionalProperties": False,
    "properties": {
        "save_as": {"type": "string"},
        "batch_size": {"type": "integer", "minimum": 1, "maximum": 1000},
    },
}

KINDS = [
    StepKind(
        "libretime.seed",
        "seeding",
        _seed,
        {"$ref": "#/$defs/stub_seed"},
        needs=Capability.SEED,
        aliases=("stub.seed",),
        needs_more=_needs_upload,
        title=lambda spec: "seed LibreTime: " + ", ".join(sorted(k for k in spec if spec[k])),
    ),
    StepKind(
        "libretime.provision",
        "seeding",
        _provision,
        {"$ref": "#/$defs/libretime_provision"},
        needs=Capability.SEED,
    ),
    StepKind(
        "libretime.playout",
        "seeding",
        _playout,
        {"$ref": "#/$defs/stub_playout"},
        needs=Capability.PLAYOUT,
        aliases=("stub.playout",),
        title=lambda spec: f"LibreTime plays {spec['start']} to {spec['end']}",
    ),
    StepKind(
        "libretime.library",
        "seeding",
        _library,
        LIBRARY_SCHEMA,
        description="LibreTime's visible library as LibreLog should see it: save_as gets count, ids (and pages)",
        title=lambda spec: f"count LibreTime's visible library (as {spec['save_as']})",
    ),
]
