"""Packs: a folder of scenarios for one LibreLog implementation, with what they share.

A pack is a folder with a ``pack.yaml`` beside its scenarios. It names the LibreLog it verifies
and how to reach it: ``defaults`` merged into every scenario (services' headers and auth,
requirements, tags, vars; the scenario's own values win), ``setup`` steps run before each
scenario's steps (a login, a fixture) and ``teardown`` steps run after them whatever happened,
and ``librelog.contract: foreign`` for a LibreLog that is not this project's (the preflight then
only checks that it answers). ``expected`` names the pack's manifest of expected outcomes.
``flavors`` gives the vars every item of one LibreLog flavour gets (what that flavour asks of
LibreTime, say), under the scenario's own flavour vars.

The default pack is the built-in suite (``scenarios/``); ``original-librelog`` ships beside it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

PACK_FILE = "pack.yaml"
MANIFEST_FILE = "expected-outcomes.yaml"
COVERAGE_FILE = "coverage.yaml"
NOT_SCENARIOS = {PACK_FILE, MANIFEST_FILE, COVERAGE_FILE}


def is_scenario_file(name: str) -> bool:
    """A pack's own files (pack.yaml, its manifests ``expected-outcomes*.yaml``, coverage.yaml) are
    not scenarios; every other YAML file is."""
    return name not in NOT_SCENARIOS and not name.startswith("expected-outcomes")


DEFAULT = "default"
LISTS_UNITED = {"requires", "tags"}


@dataclass(frozen=True)
class Pack:
    root: Path
    name: str
    title: str = ""
    contract: str = "librelog-verify"  # or "foreign": not this project's LibreLog
    health: str = "/health"
    openapi: str | None = None  # where the foreign LibreLog serves its OpenAPI document (coverage)
    coverage: str | None = None  # the file naming operations left out of the pack, with reasons
    defaults: dict[str, Any] = field(default_factory=dict)
    setup: list[dict[str, Any]] = field(default_factory=list)
    teardown: list[dict[str, Any]] = field(default_factory=list)
    expected: str | None = None
    flavors: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def foreign(self) -> bool:
        return self.contract == "foreign"

    @property
    def manifest(self) -> Path | None:
        return self.root / self.expected if self.expected else None


def builtin_packs() -> dict[str, Path]:
    """The packs shipped in the package, by name."""
    base = Path(__file__).resolve().parent.parent.parent
    return {DEFAULT: base / "scenarios", "original-librelog": base / "packs" / "original_librelog"}


def pack_dir(name_or_dir: str) -> Path:
    """A pack's folder: a shipped pack's name, or a folder holding a pack.yaml (or scenarios)."""
    shipped = builtin_packs()
    if name_or_dir in shipped:
        return shipped[name_or_dir]
    folder = Path(name_or_dir)
    if not folder.is_dir():
        names = ", ".join(sorted(shipped))
        raise ConfigError(f"--pack {name_or_dir!r} is neither a shipped pack ({names}) nor a folder")
    return folder


@cache
def _read(path: Path) -> Pack:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise ConfigError(f"{path}: a pack file is a mapping with at least a name")
    librelog = data.get("librelog") or {}
    known = {"name", "title", "librelog", "defaults", "setup", "teardown", "expected", "flavors", "coverage"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(known))})")
    if librelog.get("contract", "librelog-verify") not in ("librelog-verify", "foreign"):
        raise ConfigError(f"{path}: librelog.contract is 'librelog-verify' or 'foreign'")
    return Pack(
        root=path.parent,
        name=data["name"],
        title=data.get("title", ""),
        contract=librelog.get("contract", "librelog-verify"),
        health=librelog.get("health", "/health"),
        openapi=librelog.get("openapi"),
        coverage=data.get("coverage"),
        defaults=data.get("defaults") or {},
        setup=list(data.get("setup") or []),
        teardown=list(data.get("teardown") or []),
        expected=data.get("expected"),
        flavors=data.get("flavors") or {},
    )


def pack_of(path: Path) -> Pack | None:
    """The pack a scenario file belongs to: the nearest pack.yaml in its folder or above."""
    for folder in path.resolve().parents:
        candidate = folder / PACK_FILE
        if candidate.is_file():
            return _read(candidate)
    return None


def pack_at(folder: Path) -> Pack | None:
    candidate = folder / PACK_FILE
    return _read(candidate.resolve()) if candidate.is_file() else None


def merged(defaults: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The scenario with the pack's defaults under it: its own values win, mappings merge,
    ``requires`` and ``tags`` are united."""
    out = copy.deepcopy(data)
    for key, value in defaults.items():
        if key not in out:
            out[key] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(out[key], dict):
            out[key] = merged(value, out[key])
        elif key in LISTS_UNITED and isinstance(value, list) and isinstance(out[key], list):
            out[key] = [*value, *(v for v in out[key] if v not in value)]
    return out
