"""``librelog-verify validate``: every scenario file checked (schema, hollow successes, unique ids)
before anything runs; ``run`` checks its files the same way."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..model.lint import hollow_successes
from ..model.loader import Scenario, ScenarioError, discover, load
from ..model.suite import scenario_dirs
from .common import FAILED, OK, SCENARIOS_HELP, NothingVerified


@dataclass
class Checked:
    """Every scenario file loaded and checked: problems as ``file:line: ...``; ``unreadable`` counts
    the files that could not be read as YAML at all (a usage problem, exit 2, even for validate)."""

    scenarios: list[Scenario]
    problems: list[str]
    unreadable: int


def check_scenarios(files: list[Path], root: Path) -> Checked:
    """Load every file: schema, hollow successes and unique ids."""
    seen: dict[str, Path] = {}
    problems: list[str] = []
    loaded: list[Scenario] = []
    unreadable = 0
    for path in files:
        try:
            scenario = load(path, root)
        except ScenarioError as exc:
            problems += [str(p) for p in exc.problems]
            unreadable += any(p.message.startswith("not valid YAML") for p in exc.problems)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot be read: {exc}")
            unreadable += 1
            continue
        shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        problems += [str(p) for p in hollow_successes(scenario, shown)]
        if scenario.id in seen:
            problems.append(f"{shown}:1: id: {scenario.id!r} is already used by {seen[scenario.id]}")
        seen[scenario.id] = path
        loaded.append(scenario)
    return Checked(loaded, problems, unreadable)


def validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or scenario_dirs(args.scenarios)
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or folder")
    files = [f for p in paths for f in (discover(p) if p.is_dir() else [p])]
    if not files:
        raise NothingVerified(f"no scenario files (*.yaml) in {', '.join(map(str, paths))}")
    checked = check_scenarios(files, Path.cwd())
    for line in checked.problems:
        print(line)
    if checked.unreadable:
        raise ConfigError(f"{checked.unreadable} of {len(files)} file(s) cannot be read as YAML (see above)")
    if checked.problems:
        print(f"{len(checked.problems)} problem(s) in {len(files)} scenario file(s)")
        return FAILED
    print(f"{len(files)} scenario(s) valid")
    return OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("validate", help="check scenario files (schema, lines, hollow successes)")
    v.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the built-in suite)")
    v.add_argument("--scenarios", action="append", metavar="DIR", help=SCENARIOS_HELP)
    v.set_defaults(func=validate)
