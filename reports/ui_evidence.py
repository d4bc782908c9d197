"""The seed's "requires LibreTime UI check" rows, answered by what LibreTime's own UI showed.

Each UI step of a run leaves a screenshot and a "LibreTime UI evidence" record naming the seed
rows it answers. A row is seen when every UI step answering it passed; it shows the pictures, and
a failure what the UI showed instead. Where no UI step ran (a target without LibreTime's web UI),
the row says so: it is not seen, and never marked as if it were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Block
from .results import Run, ScenarioResult, Step

# The seed's rows that wait on a person at LibreTime's UI, word for word ("⏳ ... (requires
# LibreTime UI check)"), with the section each sits in.
SEED_UI_ROWS = (
    "1. Log Publishing: Verify log appears in LibreTime schedule",
    "1. Log Publishing: Check schedule entries match LibreLog log entries",
    "2. Hour-Specific Publishing: Verify only hour 12 is updated in LibreTime",
    "2. Hour-Specific Publishing: Verify other hours remain unchanged",
    "4. Voice Track Upload: Verify file appears in LibreTime media library",
    "4. Voice Track Upload: Verify metadata is preserved",
)
EVIDENCE = "LibreTime UI evidence"
FOLDER = "ui-evidence"  # beside the Markdown report
PICTURE = "LibreTime UI: "


@dataclass
class Seen:
    scenario: ScenarioResult
    step: Step
    record: dict[str, Any]
    picture: Path | None


def _seen(run: Run) -> list[Seen]:
    out = []
    for scenario in run.scenarios:
        for step in scenario.steps:
            record = step.attachments.get(EVIDENCE)
            if not isinstance(record, dict):
                continue
            picture = next(
                (v for k, v in step.attachments.items() if k.startswith(PICTURE) and isinstance(v, Path)), None
            )
            out.append(Seen(scenario, step, record, picture))
    return out


def _file_name(seen: Seen, index: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{seen.scenario.id}-{seen.record.get('view', '')}".lower()).strip("-")
    return f"{FOLDER}/{index:02d}-{slug[:80]}.png"


def blocks(run: Run) -> list[Block]:
    seen = _seen(run)
    ui_skips = [s for s in run.scenarios for step in s.steps if "needs ui" in str(step.attachments.get("skipped", ""))]
    if not seen and not ui_skips:
        return []
    out = [
        Block("h2", "Seen in LibreTime's UI"),
        Block(
            "p",
            'The seed left these rows "⏳ requires LibreTime UI check". Each is answered here by LibreTime\'s own'
            " web UI, read in a headless Chromium and compared with LibreLog (times in the station's zone, titles,"
            " creators, lengths), with the screenshot of the view it was read from.",
        ),
    ]
    rows = []
    for row in SEED_UI_ROWS:
        answers = [s for s in seen if row in s.record.get("seed_rows", [])]
        failed = [s for s in answers if s.step.status != "passed"]
        if not answers:
            verdict = "⏭️ not seen: no UI step ran on this target (it offers no LibreTime web UI)"
        elif failed:
            verdict = "❌ LibreTime's UI differs: " + "; ".join(
                f"`{s.scenario.id}`: {'; '.join(s.record.get('differences', [])[:2]) or (s.step.message or '')[:200]}"
                for s in failed
            )
        else:
            verdict = "✅ seen in LibreTime's UI: " + ", ".join(sorted({f"`{s.scenario.id}`" for s in answers}))
        rows.append([row, "⏳ requires LibreTime UI check", verdict])
    out.append(Block("table", header=["seed row", "seed marked", "this run"], rows=rows))
    for index, item in enumerate(seen, start=1):
        status = "✅" if item.step.status == "passed" else "❌"
        caption = f"{status} `{item.scenario.id}`: {item.step.name} ({item.record.get('view', '')})"
        out.append(Block("p", caption))
        differences = item.record.get("differences") or []
        if differences:
            out.append(Block("list", items=[f"❌ {d}" for d in differences[:10]]))
        if item.picture is not None and item.picture.exists():
            out.append(Block("img", text=caption, items=[_file_name(item, index)], image=item.picture.read_bytes()))
    return out
