"""A run's Allure results read back into a model the verification report is written from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Step:
    name: str
    status: str
    message: str | None
    attachments: dict[str, Any]  # name -> parsed JSON (or text; a picture's Path)
    duration_s: float


@dataclass
class ScenarioResult:
    id: str
    title: str
    status: str  # passed failed broken skipped
    feature: str
    story: str | None
    severity: str
    tags: list[str]
    seed_doc: str | None
    seed_plan: list[int]  # steps of the seed's Test Sequence this scenario carries out
    message: str | None
    duration_s: float
    start_ms: int
    steps: list[Step] = field(default_factory=list)
    seed_claims: list[str] = field(default_factory=list)  # rows of the seed's Test Execution Summary
    defect: str | None = None  # the defect the scenario proves, as its pack names it

    @property
    def ok(self) -> bool:
        return self.status == "passed"


@dataclass
class Run:
    scenarios: list[ScenarioResult]
    environment: dict[str, str]
    started_ms: int
    stopped_ms: int
    preflight: dict[str, Any] | None = None  # what a live or compose target offered (harness preflight)
    safety: dict[str, Any] | None = None  # the station before and after a live run on a real LibreTime
    outcomes: dict[str, Any] | None = None  # the run against a pack's manifest of expected outcomes
    api_coverage: dict[str, Any] | None = None  # a pack's coverage of its LibreLog's operations

    @property
    def duration_s(self) -> float:
        return max(0.0, (self.stopped_ms - self.started_ms) / 1000)

    def counts(self) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "broken": 0, "skipped": 0}
        for s in self.scenarios:
            out[s.status] = out.get(s.status, 0) + 1
        return out


def _attachment(folder: Path, item: dict[str, Any]) -> Any:
    path = folder / item["source"]
    if not path.exists():
        return None
    if item.get("type", "").startswith("image/"):
        return path  # a screenshot: the report copies or embeds the file itself
    text = path.read_text(encoding="utf-8", errors="replace")
    if item.get("type") == "application/json":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _steps(folder: Path, raw: list[dict[str, Any]]) -> list[Step]:
    out = []
    for step in raw:
        attachments = {a["name"]: _attachment(folder, a) for a in step.get("attachments", [])}
        for inner in step.get("steps", []):  # nested steps (eventually) keep their evidence
            attachments.update({a["name"]: _attachment(folder, a) for a in inner.get("attachments", [])})
        out.append(
            Step(
                name=step.get("name", ""),
                status=step.get("status", "unknown"),
                message=(step.get("statusDetails") or {}).get("message"),
                attachments=attachments,
                duration_s=max(0, step.get("stop", 0) - step.get("start", 0)) / 1000,
            )
        )
    return out


def load_run(folder: Path) -> Run:
    scenarios = []
    for path in sorted(folder.glob("*-result.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        labels: dict[str, list[str]] = {}
        for label in raw.get("labels", []):
            labels.setdefault(label["name"], []).append(label["value"])
        scenarios.append(
            ScenarioResult(
                id=labels.get("scenario_id", [raw.get("name", path.stem)])[0],
                title=raw.get("name", ""),
                status=raw.get("status", "unknown"),
                feature=labels.get("feature", ["(no feature)"])[0],
                story=labels.get("story", [None])[0],
                severity=labels.get("severity", ["normal"])[0],
                tags=[t for t in labels.get("tag", []) if not t.startswith("target:")],
                seed_doc=labels.get("seed_doc", [None])[0],
                seed_plan=sorted(int(v) for v in labels.get("seed_plan", []) if v.isdigit()),
                message=(raw.get("statusDetails") or {}).get("message"),
                duration_s=max(0, raw.get("stop", 0) - raw.get("start", 0)) / 1000,
                start_ms=raw.get("start", 0),
                steps=_steps(folder, raw.get("steps", [])),
                seed_claims=labels.get("seed_claim", []),
                defect=labels.get("defect", [None])[0],
            )
        )
    environment = {}
    props = folder / "environment.properties"
    if props.exists():
        for line in props.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                environment[key.strip()] = value.strip()
    starts = [s.start_ms for s in scenarios if s.start_ms]
    stops = [s.start_ms + int(s.duration_s * 1000) for s in scenarios if s.start_ms]
    scenarios.sort(key=lambda s: (s.feature, s.id))
    names = ("librelog-verify-preflight.json", "station-safety.json", "expected-outcomes.json", "api-coverage.json")
    extras = {name: _json_file(folder / name) for name in names}
    return Run(
        scenarios,
        environment,
        min(starts, default=0),
        max(stops, default=0),
        preflight=extras["librelog-verify-preflight.json"],
        safety=extras["station-safety.json"],
        outcomes=extras["expected-outcomes.json"],
        api_coverage=extras["api-coverage.json"],
    )


def _json_file(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
