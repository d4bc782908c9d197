"""The report the seed should have been: each row of the seed's Test Execution Summary, what the
seed marked it, and what a run found, with the evidence; then every defect the run proved.

Scenarios say which rows they verify (``seed_claims``) and which defect they prove (``defect``);
a pack run against the original LibreLog fills both. A row is verified only when every scenario
that claims it passed.
"""

from __future__ import annotations

from typing import Any

from .document import Block
from .evidence import message
from .results import Run, ScenarioResult

# The seed's own table, word for word: endpoint, method, and what it marked.
SEED_SUMMARY = (
    ("GET /sync/status", "✅ 200 OK - Connection verified"),
    ("POST /sync/tracks", "✅ 200 OK - Track sync working"),
    ("POST /sync/playback-history", "✅ 200 OK - History sync working"),
    ("GET /sync/libretime/config", "✅ 200 OK - Config accessible"),
    ("POST /logs/{id}/publish", "✅ 200 OK - Log publishing working"),
    ("GET /proxy/dashboard", "✅ 200 OK - Proxy working"),
)
LIBRELOG_DEFECTS, DEFECT_COUNT = "LIBRELOG.md 3.", 14  # the numbered defects of the original
ICON = {"passed": "✅", "failed": "❌", "broken": "⚠️", "skipped": "⏭️"}


def evidence(s: ScenarioResult) -> str:
    """A failure in one line: what LibreLog answered, or what LibreTime received or holds."""
    text = (s.message or "").strip().splitlines()[0] if s.message else ""
    return message(text)[:400]


def _verdict(scenarios: list[ScenarioResult]) -> str:
    ran = [s for s in scenarios if s.status != "skipped"]
    if not ran:
        return "⏭️ not exercised"
    passed = sum(s.ok for s in ran)
    icon = "✅" if passed == len(ran) else "❌"
    return f"{icon} {passed} of {len(ran)} scenario(s) passed"


def blocks(run: Run) -> list[Block]:
    claimed = [s for s in run.scenarios if s.seed_claims]
    if not claimed:
        return []
    rows = []
    for endpoint, marked in SEED_SUMMARY:
        chosen = sorted((s for s in claimed if endpoint in s.seed_claims), key=lambda s: s.id)
        failing = [s for s in chosen if s.status in ("failed", "broken")]
        found = "; ".join(f"`{s.id}`: {evidence(s)}" for s in failing) or (
            "every claiming scenario passed: " + ", ".join(f"`{s.id}`" for s in chosen) if chosen else ""
        )
        method, _, path = endpoint.partition(" ")
        rows.append([f"`{path}`", method, marked, _verdict(chosen), found])
    out = [
        Block("h2", "Seed Claimed / Verified"),
        Block(
            "p",
            "The seed's Test Execution Summary marked every row ✅ because each endpoint answered 200. Each row"
            " below is what this run found when it checked the effect in LibreTime and LibreLog instead.",
        ),
        Block("table", header=["endpoint", "method", "seed marked", "verified here", "evidence"], rows=rows),
    ]
    proved = sorted((s for s in run.scenarios if s.defect), key=lambda s: s.id)
    if proved:
        out += [
            Block("h3", "Defects"),
            Block(
                "table",
                header=["defect", "scenario", "result", "evidence"],
                rows=[
                    [s.defect or "", f"`{s.id}` {s.title}", f"{ICON.get(s.status, '?')} {s.status}", evidence(s)]
                    for s in proved
                ],
            ),
        ]
        numbered = {s.defect for s in proved if s.defect and s.defect.startswith(LIBRELOG_DEFECTS)}
        if numbered:
            left = [f"{LIBRELOG_DEFECTS}{n}" for n in range(1, DEFECT_COUNT + 1)]
            left = [d for d in left if d not in numbered]
            if left:
                out.append(Block("p", f"Not exercised by this run (no scenario on this target): {', '.join(left)}."))
    out += _manifest(run.outcomes)
    return out


def _manifest(outcomes: dict[str, Any] | None) -> list[Block]:
    if not outcomes:
        return []
    name = str(outcomes.get("manifest", "")).rsplit("/", 1)[-1]
    if outcomes.get("holds"):
        text = f"✅ Every outcome is as `{name}` expects ({len(outcomes.get('actual', {}))} scenarios)."
        return [Block("h3", "Expected Outcomes"), Block("p", text)]
    return [
        Block("h3", "Expected Outcomes"),
        Block("p", f"❌ The run differs from `{name}`:"),
        Block("list", items=[f"❌ {d}" for d in outcomes.get("differences", [])]),
    ]
