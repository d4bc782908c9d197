"""Expected outcomes: a pack's manifest of how each scenario must end, so a run can hold a known
state steady. Against the original LibreLog most scenarios must fail (they prove its defects); a
new failure, or a defect that now passes, is a difference the run reports (exit 1).

The manifest (YAML)::

    pack: original-librelog
    outcomes:
      original-defect-07:
        outcome: failed          # passed | failed | broken | skipped
        why: GET /sync/libretime/config answers 200 {} with nothing configured
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

OUTCOMES = ("passed", "failed", "broken", "skipped")


@dataclass(frozen=True)
class Expected:
    outcome: str
    why: str = ""


@dataclass(frozen=True)
class Manifest:
    path: Path
    pack: str | None
    outcomes: dict[str, Expected]

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"--expect {path}: {exc.strerror or exc}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"--expect {path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("outcomes"), dict):
            raise ConfigError(f"--expect {path}: a manifest is a mapping with 'outcomes: {{scenario id: ...}}'")
        outcomes = {}
        for sid, entry in data["outcomes"].items():
            entry = {"outcome": entry} if isinstance(entry, str) else entry
            if not isinstance(entry, dict) or entry.get("outcome") not in OUTCOMES:
                raise ConfigError(f"--expect {path}: {sid}: outcome must be one of {', '.join(OUTCOMES)}")
            outcomes[str(sid)] = Expected(entry["outcome"], str(entry.get("why", "")))
        return cls(path, data.get("pack"), outcomes)


@dataclass(frozen=True)
class Difference:
    scenario: str
    expected: str | None  # None: the scenario is not in the manifest
    actual: str | None  # None: the scenario did not run
    why: str = ""

    def __str__(self) -> str:
        if self.expected is None:
            return f"{self.scenario}: {self.actual}, but the manifest does not list it"
        if self.actual is None:
            return f"{self.scenario}: expected {self.expected}, but it did not run"
        label = "unexpected pass" if self.actual == "passed" else f"expected {self.expected}, got {self.actual}"
        return f"{self.scenario}: {label}" + (f" (manifest: {self.why})" if self.why else "")


def compare(manifest: Manifest, actual: dict[str, str], selected_only: bool = False) -> list[Difference]:
    """Every scenario whose outcome differs from the manifest, in id order. With ``selected_only``
    (a run narrowed by -k or -m), scenarios that did not run are not differences."""
    out = []
    for sid in sorted(set(manifest.outcomes) | set(actual)):
        want = manifest.outcomes.get(sid)
        got = actual.get(sid)
        if got is None and selected_only:
            continue
        if want is None or got != want.outcome:
            out.append(Difference(sid, want.outcome if want else None, got, want.why if want else ""))
    return out


def write(folder: Path, manifest: Manifest, actual: dict[str, str], differences: list[Difference]) -> None:
    """The comparison beside the results, for the report."""
    folder.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "manifest": str(manifest.path),
        "pack": manifest.pack,
        "holds": not differences,
        "expected": {sid: {"outcome": e.outcome, "why": e.why} for sid, e in manifest.outcomes.items()},
        "actual": actual,
        "differences": [str(d) for d in differences],
    }
    (folder / "expected-outcomes.json").write_text(json.dumps(record, indent=2))
