"""The verification report: the seed document's layout, written from a run's results.

Every step states what was verified and how (its evidence); nothing reads "requires UI check".
One document model renders to Markdown and to a single-file HTML page.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import api_coverage, compatibility, evidence, generated_findings, plots, schedule_check, seed_claims, ui_evidence
from .document import TITLE, Block, html, markdown
from .results import Run, ScenarioResult, load_run

ICON = {"passed": "✅", "failed": "❌", "broken": "❌", "skipped": "⏭️"}
SECTIONS = (
    (
        "1. Log Publishing",
        ("Log publishing", "Log editing"),
        "Publish a daily log to LibreTime; LibreTime's schedule must then equal the log.",
    ),
    ("2. Hour-Specific Publishing", ("Hour publishing",), "Replace one hour; LibreTime must change in that hour only."),
    (
        "3. Track Sync (Pull from LibreTime)",
        ("Track sync",),
        "Sync LibreTime's media library into LibreLog, metadata and type codes intact.",
    ),
    (
        "4. Voice Track Upload",
        ("Voice tracks",),
        "Upload a voice track to LibreTime exactly once, metadata and bytes intact.",
    ),
    (
        "5. Playback History Sync",
        ("Playback history",),
        "Pull what LibreTime played into LibreLog, once, for exactly the dates asked.",
    ),
    ("Connection Testing", ("Connection",), "LibreLog's view of its LibreTime connection and configuration."),
    ("Dashboard and File Proxy", ("Dashboard and proxy",), "Live LibreTime data and file bytes through LibreLog."),
    (
        "Container Networking Verification",
        ("Container networking",),
        "The deployment's own wiring: shared network, service names resolving from inside LibreLog.",
    ),
    (
        "Error Handling",
        ("Error handling",),
        "LibreTime failing in every way: the documented error, never success, never a partial schedule.",
    ),
    ("Regression Guards", ("Regression guards",), "One check per defect of the original LibreLog."),
)
SEED_ENDPOINTS = (
    ("GET", "/sync/status"),
    ("POST", "/sync/tracks"),
    ("POST", "/sync/playback-history"),
    ("GET", "/sync/libretime/config"),
    ("POST", "/logs/{id}/publish"),
    ("POST", "/logs/{id}/publish-hour"),
    ("POST", "/voice/{id}/upload-to-libretime"),
    ("GET", "/proxy/dashboard"),
)
# The seed's own Test Sequence; scenarios say which steps they carry out (``seed_plan``).
SEED_PLAN = (
    "1. Connection test: GET /sync/status",
    "2. Track sync: POST /sync/tracks?limit=10",
    "3. Log creation in LibreLog",
    "4. Log publish: POST /logs/{id}/publish",
    "5. Verify in LibreTime: the schedule equals the log",
    "6. Voice track upload: POST /voice/{id}/upload-to-libretime",
    "7. Verify in LibreTime: the file is in the media library",
    "8. Playback history sync: POST /sync/playback-history",
)
LIMITATIONS = (
    "On stock LibreTime (`v2` flavour) `hard_start` has nowhere to be stored; only the integration extension keeps it.",
    "Stock LibreTime's file list is not paged: a `v2` track sync reads it whole, then stores it in batches.",
    "Stub runs prove LibreLog against a faithful double; sign a deployment off with `--target live`.",
)


def _icon(status: str) -> str:
    return ICON.get(status, "❔")


def _scenario_blocks(s: ScenarioResult, level: str) -> list[Block]:
    head = f"{_icon(s.status)} {s.title} (`{s.id}`, {s.severity}, {s.duration_s:.2f} s)"
    items = [f"{_icon(step.status)} {step.name} — {evidence.describe(step)}" for step in s.steps]
    if s.status == "skipped":
        items = [f"⏭️ not run on this target: {(s.message or '').strip()[:200]}"]
    if s.status in ("failed", "broken") and s.message:
        items.append(f"❌ {evidence.message(s.message.strip().splitlines()[0])[:400]}")
    blocks = [Block(level, head)]
    if s.seed_doc:
        blocks.append(Block("p", f"Automates the seed's: {s.seed_doc}"))
    blocks.append(Block("list", items=items))
    return blocks


def document(run: Run, generated: datetime, schedule: dict[str, Any] | None = None) -> list[Block]:
    counts = run.counts()
    failed = counts["failed"] + counts["broken"]
    env = run.environment
    changed = bool(run.safety and run.safety.get("changes"))
    verdict = (
        "✅ **Verified**: every check passed."
        if not failed and not changed
        else f"❌ **Not verified**: {failed} check(s) failed"
        + (", and the station changed outside the sandbox." if changed else ".")
    )
    blocks = [
        Block("h1", TITLE),
        Block(
            "p",
            f"**Generated:** {generated:%Y-%m-%d %H:%M:%S} UTC · **Target:** {env.get('target', '?')} · "
            f"**Run duration:** {run.duration_s:.1f} s · **Versions:** librelog-verify "
            f"{env.get('librelog_verify', '?')}, LibreTime API {env.get('libretime_api', '?')}, "
            f"Python {env.get('python', '?')}",
        ),
        Block("h2", "Executive Summary"),
        Block(
            "p",
            f"{verdict} {len(run.scenarios)} scenarios: {counts['passed']} passed, {failed} failed, "
            f"{counts['skipped']} skipped (not applicable to this target). Every check below reads LibreTime or "
            "LibreLog back after acting; none rests on a status code alone.",
        ),
        *_pack_summary(run),
        Block("h2", "LibreTime Integration Configuration"),
        Block(
            "table",
            header=["setting", "value"],
            rows=[
                ["target", env.get("target", "?")],
                ["LibreLog URL", env.get("librelog_url", "?")],
                ["LibreTime URL", env.get("libretime_url", "?")],
                ["LibreTime API key", env.get("libretime_api_key", "?")],
                ["LibreLog API token", env.get("librelog_api_token", "?")],
                ["sandbox date (live runs write only there)", env.get("sandbox_date", "?")],
                *_preflight_rows(run),
            ],
        ),
        *_live_blocks(run),
        *seed_claims.blocks(run),
        *ui_evidence.blocks(run),
        *api_coverage.blocks(run),
        *generated_findings.blocks(run),
        *compatibility.blocks(run),
        Block("h2", "Push Functionality Tests"),
    ]
    by_feature: dict[str, list[ScenarioResult]] = defaultdict(list)
    for s in run.scenarios:
        by_feature[s.feature].append(s)
    placed: set[str] = set()
    for title, features, purpose in SECTIONS:
        chosen = [s for f in features for s in by_feature.get(f, [])]
        placed.update(features)
        if not chosen:
            continue
        ok = sum(s.ok for s in chosen)
        # Numbered sections sit under "Push Functionality Tests", as in the seed document.
        section, scenario_level = ("h3", "h4") if title[0].isdigit() else ("h2", "h3")
        blocks += [Block(section, title), Block("p", f"**Purpose:** {purpose}")]
        blocks.append(Block("p", f"**Result:** {ok} of {len(chosen)} scenarios passed."))
        if title.startswith("1.") and (timeline := _timeline(chosen)):
            blocks.append(Block("svg", timeline))
        for s in chosen:
            blocks += _scenario_blocks(s, scenario_level)
    others = [s for f, group in by_feature.items() if f not in placed for s in group]
    if others:
        blocks.append(Block("h2", "Other Checks"))
        for s in others:
            blocks += _scenario_blocks(s, "h3")
    blocks += _endpoint_summary(run)
    blocks += [Block("h2", "Scenario Durations"), Block("svg", plots.durations_svg(run))]
    if schedule is not None:
        blocks += schedule_check.blocks(schedule)
    failures = [s for s in run.scenarios if s.status in ("failed", "broken")]
    blocks.append(Block("h2", "Known Issues & Limitations"))
    if failures:
        blocks.append(
            Block(
                "list",
                items=[f"❌ {s.title} (`{s.id}`): {seed_claims.evidence(s)[:300]}" for s in failures],
            )
        )
    else:
        blocks.append(Block("p", "No defects found by this run."))
    blocks.append(Block("list", items=list(LIMITATIONS)))
    return blocks


def _pack_summary(run: Run) -> list[Block]:
    """A run against a manifest: whether every outcome is the one expected (failures included)."""
    outcomes = run.outcomes
    if not outcomes:
        return []
    name = str(outcomes.get("manifest", "")).rsplit("/", 1)[-1]
    pack = (run.preflight or {}).get("pack") or outcomes.get("pack") or "this pack"
    if outcomes.get("holds"):
        failing = sum(1 for o in outcomes.get("actual", {}).values() if o != "passed")
        text = (
            f"✅ **As expected** by `{name}` ({pack}): every outcome is the one the manifest lists, its {failing}"
            " failures being the defects it names (see Seed Claimed / Verified)."
        )
    else:
        text = f"❌ **Not as expected** by `{name}` ({pack}): {len(outcomes.get('differences', []))} difference(s)."
    return [Block("p", text)]


def _preflight_rows(run: Run) -> list[list[str]]:
    found = run.preflight
    if not found:
        return []
    librelog = found.get("librelog", {})
    if found.get("librelog_contract") is False:
        return [
            ["pack", str(found.get("pack"))],
            ["LibreLog", "not this project's: the pack says how to reach it (its settings are not probed)"],
            ["what the target offers (preflight)", ", ".join(found.get("capabilities", [])) or "none"],
        ]
    rows = [
        ["LibreLog's flavour and station time zone", f"{librelog.get('flavor')}, {librelog.get('station_timezone')}"],
        ["LibreLog's LibreTime URL (as it reaches LibreTime)", str(librelog.get("api_url"))],
    ]
    if found.get("interposer"):
        rows.append(["LibreLog's LibreTime traffic", f"through the interposer at {found['interposer']} (journaled)"])
    rows.append(["what the target offers (preflight)", ", ".join(found.get("capabilities", [])) or "none"])
    return rows


def _skip_reason(s: ScenarioResult) -> str:
    text = (s.message or "").strip()
    return text.removeprefix("Skipped: ").splitlines()[0][:160] if text else "not run"


def _live_blocks(run: Run) -> list[Block]:
    """A live or compose run: each step of the seed's plan, verified here or skipped and why; and
    on a real LibreTime, the proof that the station is unchanged outside the sandbox."""
    if run.preflight is None:
        return []
    rows = []
    for number, step in enumerate(SEED_PLAN, start=1):
        chosen = [s for s in run.scenarios if number in s.seed_plan]
        ran = [s for s in chosen if s.status != "skipped"]
        passed = [s for s in ran if s.ok]
        if not ran:
            # The scenario needing least says best what this target lacks for the step.
            reasons = sorted({_skip_reason(s) for s in chosen}, key=len) or ["no scenario carries out this step"]
            rows.append([step, "⏭️ not verified here", reasons[0]])
            continue
        mark = "✅" if len(passed) == len(ran) else "❌"
        ids = ", ".join(f"`{s.id}`" for s in ran[:4]) + (" …" if len(ran) > 4 else "")
        rows.append([step, f"{mark} {len(passed)} of {len(ran)} scenarios passed", ids])
    blocks = [
        Block("h2", "Live Verification"),
        Block(
            "p",
            "What this run verified on the target itself, step by step of the seed's Test Sequence, and what it "
            "could not verify here, with the reason (a capability the target does not offer).",
        ),
        Block("table", header=["seed test plan step", "on this target", "scenarios / why not"], rows=rows),
    ]
    safety = run.safety
    if safety is None:
        if _fresh(run):
            note = "every scenario started from a fresh stub and LibreLog"
        elif _stub_only(run):
            note = "LibreTime is the stub, reset before every scenario; the pack's teardown cleans LibreLog"
        else:
            note = "not measured"
        blocks.append(Block("p", f"**Station safety:** {note}."))
        return blocks
    tables = ", ".join(f"{n} {table}" for table, n in safety.get("tables", {}).items())
    if safety.get("changes"):
        blocks.append(Block("p", f"❌ **The station changed outside the sandbox** ({tables} compared):"))
        blocks.append(Block("list", items=[f"❌ {c}" for c in safety["changes"][:30]]))
    else:
        created = len(safety.get("created_files", []))
        hidden = (
            f" The {created} files the run created (its own and LibreLog's uploads) are all hidden." if created else ""
        )
        blocks.append(
            Block(
                "p",
                f"✅ **Station unchanged outside the sandbox**: every row outside the sandbox days was read before "
                f"the first scenario and after the last, and compared ({tables}).{hidden}",
            )
        )
    return blocks


def _stub_only(run: Run) -> bool:
    found = run.preflight or {}
    return "stub_control" in found.get("capabilities", []) and found.get("librelog_contract") is False


def _fresh(run: Run) -> bool:
    offered = set((run.preflight or {}).get("capabilities", []))
    return {"stub_control", "librelog_reset"} <= offered


def _timeline(scenarios: list[ScenarioResult]) -> str | None:
    for s in scenarios:
        counts = plots.day_counts(s) if s.ok else None
        if counts:
            return plots.timeline_svg(*counts)
    return None


def _endpoint_summary(run: Run) -> list[Block]:
    seen: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    for s in run.scenarios:
        for method, path, _status in evidence.endpoints(s.steps):
            seen[(method, path)].append((s.id, s.ok))
    rows = []
    for method, path in SEED_ENDPOINTS:
        uses = seen.get((method, path), [])
        scenarios = sorted({sid for sid, _ in uses})
        passed = sorted({sid for sid, ok in uses if ok})
        status = "✅" if uses and len(passed) == len(scenarios) else ("❌" if uses else "⏭️")
        rows.append(
            [
                f"`{path}`",
                method,
                status,
                f"{len(passed)}/{len(scenarios)} scenarios",
                "effect checked in LibreTime or LibreLog" if uses else "not exercised on this target",
            ]
        )
    return [
        Block("h2", "Test Execution Summary"),
        Block("p", "The seed document's endpoint table, with what each result now rests on:"),
        Block("table", header=["endpoint", "method", "status", "scenarios passing", "verified by"], rows=rows),
    ]


def _save(blocks: list[Block], out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    md_path, html_path = out / "verification-report.md", out / "verification-report.html"
    shutil.rmtree(out / ui_evidence.FOLDER, ignore_errors=True)  # a previous run's pictures are not this run's
    for block in blocks:
        if block.kind == "img" and block.image is not None:
            picture = out / block.items[0]
            picture.parent.mkdir(parents=True, exist_ok=True)
            picture.write_bytes(block.image)
    md_path.write_text(markdown(blocks), encoding="utf-8")
    html_path.write_text(html(blocks), encoding="utf-8")
    return md_path, html_path


def write(results: Path, out: Path) -> tuple[Path, Path]:
    """The report of a scenario run, with the last schedule check saved in ``out`` if there is one."""
    run = load_run(results)
    return _save(document(run, datetime.now(UTC), schedule_check.load(out)), out)


def write_schedule_check(out: Path) -> tuple[Path, Path]:
    """After ``check``: the scenario run's report with the new section, or the section alone."""
    results = out / "allure-results"
    if results.is_dir() and any(results.glob("*-result.json")):
        return write(results, out)
    schedule = schedule_check.load(out)
    generated = datetime.now(UTC)
    blocks = [
        Block("h1", TITLE),
        Block("p", f"**Generated:** {generated:%Y-%m-%d %H:%M:%S} UTC · schedule check only (no scenario run here)"),
    ]
    if schedule is not None:
        blocks += schedule_check.blocks(schedule)
    return _save(blocks, out)
