"""``librelog-verify run``: the scenarios of a suite or pack, through pytest with the run's own
configuration, on the chosen target; then the station's verdict (live), the manifest of expected
outcomes (packs) and the reports."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..errors import ConfigError
from ..model.loader import discover
from ..model.outcomes import Manifest
from ..model.outcomes import compare as compare_outcomes
from ..model.outcomes import write as write_outcomes
from ..model.pack import Pack, pack_at, pack_dir
from ..model.suite import scenario_dirs
from .common import FAILED, OK, PROG, SCENARIOS_HELP, NothingVerified, add_out, add_report_options
from .report import build_reports
from .summary import Summary
from .validate import check_scenarios

if TYPE_CHECKING:
    from ..running.deployment import Prepared, RunOptions

PACK_MANIFEST = "<the pack's manifest>"


def _scenario_files(dirs: list[Path]) -> list[Path]:
    for folder in dirs:
        if not folder.is_dir():
            raise ConfigError(f"scenario folder {folder} does not exist (--scenarios takes folders)")
    return [f for folder in dirs for f in discover(folder)]


def _pytest_root(dirs: list[Path]) -> Path:
    """The common parent of the scenario folders: node ids read ``scenarios/publishing/x.yaml``."""
    return Path(os.path.commonpath([d.resolve().parent for d in dirs]))


def _options(args: argparse.Namespace, out: Path, env: dict[str, str]) -> RunOptions:
    from ..running.deployment import RunOptions
    from ..targets import env_sandbox

    return RunOptions(
        target=args.target,
        sandbox=env_sandbox(args.sandbox_date),
        allow_destructive=args.allow_destructive,
        allow_commands=args.allow_commands,
        ledger=Path(args.ledger) if args.ledger else out / "live-ledger.jsonl",
        interposer_listen=args.interposer,
        interposer_url=env.get("LIBRETIME_INTERPOSER_URL") or None,
        start_librelog=args.start_librelog,
    )


def _station_verdict(prepared: Prepared, results: Path) -> bool:
    """Compare the station after the run with before; True when nothing changed outside the sandbox
    and every file the run created is hidden."""
    from ..live import safety

    assert prepared.fingerprint is not None
    created = prepared.ledger.hidden_files(prepared.config.libretime_url)
    verdict = safety.after(prepared.config, prepared.fingerprint, created)
    verdict.write(results)
    if verdict.changes:
        print(f"{PROG}: the station changed outside the sandbox ({len(verdict.changes)} change(s)):", file=sys.stderr)
        for change in verdict.changes[:20]:
            print(f"  - {change}", file=sys.stderr)
        return False
    compared = sum(verdict.tables.values())
    hidden = f"; the {len(created)} file(s) the run created are hidden" if created else ""
    print(f"Station unchanged outside the sandbox ({compared} rows compared before and after{hidden}).")
    return True


def _nothing_ran(args: argparse.Namespace, summary: Summary, found: int) -> str:
    selection = " and ".join(f"{flag} {value!r}" for flag, value in (("-k", args.k), ("-m", args.m)) if value)
    if summary.selected == 0 and selection:
        return f"{selection} selected none of the {found} scenario(s)"
    if summary.selected == 0:
        return f"none of the {found} scenario file(s) was collected"
    return f"all {summary.selected} selected scenario(s) were skipped on the {args.target} target (reasons above)"


def _chosen(args: argparse.Namespace) -> tuple[list[Path], Pack | None]:
    """The scenario folders of the run and the pack they form, if any."""
    if args.pack and args.scenarios:
        raise ConfigError("give --pack or --scenarios, not both")
    dirs = [pack_dir(args.pack)] if args.pack else scenario_dirs(args.scenarios)
    pack = pack_at(dirs[0]) if len(dirs) == 1 else None
    if pack is not None and pack.foreign and args.target == "stub":
        raise ConfigError(
            f"the {pack.name} pack verifies a LibreLog that is not this project's: run it with --target live"
            " (LIBRELOG_URL and the pack's settings in the environment)"
        )
    return dirs, pack


def _manifest(args: argparse.Namespace, pack: Pack | None) -> Manifest | None:
    if args.expect is None:
        return None
    if args.expect == PACK_MANIFEST:
        if pack is None or pack.manifest is None:
            raise ConfigError("--expect without a file needs a pack with a manifest (pack.yaml: expected)")
        return Manifest.read(pack.manifest)
    return Manifest.read(Path(args.expect))


def _write_api_coverage(
    pack: Pack, listed: list[dict[str, str]], files: list[Path], outcomes: dict[str, str], results: Path
) -> None:
    """The pack's coverage of its LibreLog's operations, beside the results for the report."""
    from reports.results import load_run

    from ..api_coverage import measure, read_coverage, recorded, to_json
    from ..model.loader import load

    scenarios = []
    for path in files:
        data = load(path).data
        scenarios.append((data["id"], [*pack.setup, *data.get("steps", []), *pack.teardown]))
    left_out, same_handler = read_coverage(pack.root / pack.coverage if pack.coverage else None)
    run = recorded((s.id, step.attachments) for s in load_run(results).scenarios for step in s.steps)
    ops = measure(listed, scenarios, outcomes, left_out, run, same_handler)
    (results / "api-coverage.json").write_text(json.dumps(to_json(ops, pack.name), indent=2))
    called = sum(1 for op in ops if op.scenarios)
    print(f"API coverage: {called} of {len(ops)} operation(s) of the {pack.name} pack's LibreLog called by a scenario")


def _hold(manifest: Manifest, summary: Summary, results: Path, narrowed: bool) -> bool:
    """The run against the manifest: printed, written beside the results; True when it holds."""
    actual = summary.outcomes()
    differences = compare_outcomes(manifest, actual, selected_only=narrowed)
    write_outcomes(results, manifest, actual, differences)
    if differences:
        print(f"{PROG}: the run differs from {manifest.path} in {len(differences)} scenario(s):", file=sys.stderr)
        for difference in differences:
            print(f"  - {difference}", file=sys.stderr)
        return False
    failing = sum(1 for o in actual.values() if o != "passed")
    print(f"Expected outcomes hold: {len(actual)} scenario(s) as {manifest.path.name} says ({failing} not passing).")
    return True


def run(args: argparse.Namespace) -> int:
    dirs, pack = _chosen(args)
    manifest = _manifest(args, pack)
    files = _scenario_files(dirs)
    if not files:
        shown = ", ".join(str(d) for d in dirs)
        raise NothingVerified(f"no scenario files (*.yaml) in {shown}")
    root = _pytest_root(dirs)
    checked = check_scenarios(files, root)
    problems = checked.problems
    if problems:
        for line in problems:
            print(line)
        raise ConfigError(f"{len(problems)} problem(s) in the scenario files: nothing was run")
    args.workers = _workers(args)
    if args.require_allure and not args.no_report:
        from reports.allure_html import AllureMissing, allure_command

        try:
            allure_command()
        except AllureMissing as exc:
            raise ConfigError(f"--require-allure: {exc}") from None
    out = Path(args.out)
    results = Path(args.results) if args.results else out / "allure-results"
    from ..running.deployment import Services, prepare
    from ..targets import environment

    if args.target == "stub" and (args.interposer or args.start_librelog):
        raise ConfigError("--interposer and --start-librelog go with --target live (a real LibreTime)")
    options = _options(args, out, environment())
    services = Services.start(options, environment())
    try:
        env = services.environment(environment())
        prepared = None
        if args.target in ("live", "compose"):
            from ..targets import scenario_sandbox

            own = [
                scenario_sandbox(options.sandbox, s.data["sandbox"]) for s in checked.scenarios if s.data.get("sandbox")
            ]
            prepared = prepare(options, env, pack, services.interposer, bool(args.workers), own)
            print("\n".join([*prepared.lines[:1], *services.describe(), *prepared.lines[1:]]))
        chosen = _Chosen(dirs, pack, manifest, files, root)
        return _run(args, chosen, results, out, prepared)
    finally:
        services.close()


def _workers(args: argparse.Namespace) -> str | None:
    """pytest-xdist's worker count: as given, or for the built-in suite on the embedded stubs (the
    main job) one per core when pytest-xdist is installed; other runs are serial unless told."""
    installed = importlib.util.find_spec("xdist") is not None
    if args.workers is not None:
        if not installed:
            raise ConfigError("-n needs pytest-xdist: pip install pytest-xdist")
        return None if args.workers == "0" else args.workers
    builtin = args.target == "stub" and not args.scenarios and not args.pack
    return "auto" if builtin and installed and (os.cpu_count() or 1) > 1 else None


@dataclass
class _Chosen:
    """What a run verifies: its scenario folders and files, their pack and manifest, pytest's root."""

    dirs: list[Path]
    pack: Pack | None
    manifest: Manifest | None
    files: list[Path]
    root: Path


def _run(args: argparse.Namespace, chosen: _Chosen, results: Path, out: Path, prepared: Prepared | None) -> int:
    clearing = _Clearing(results) if not args.keep_results else None
    try:
        return _verify(args, chosen, results, out, prepared)
    finally:
        if clearing is not None:
            clearing.finish()


class _Clearing:
    """The last run's results moved out of the way at once and deleted while this run works:
    deleting a few thousand small files takes most of a second on some disks. A folder left by an
    interrupted run is deleted with them."""

    def __init__(self, results: Path) -> None:
        self.problems: list[str] = []
        self.folders = sorted(results.parent.glob(f".{results.name}.old-*")) if results.parent.is_dir() else []
        if results.exists():
            aside = results.with_name(f".{results.name}.old-{os.getpid()}")
            try:
                results.rename(aside)
            except OSError:  # not movable (a mount point, a read-only parent): emptied here instead
                shutil.rmtree(results)
            else:
                self.folders.append(aside)
        self.thread = threading.Thread(target=self._delete, name="old-results", daemon=True)
        self.thread.start()

    def _delete(self) -> None:
        for folder in self.folders:
            try:
                shutil.rmtree(folder)
            except OSError as exc:
                self.problems.append(f"{folder}: {exc.strerror or exc}")

    def finish(self) -> None:
        self.thread.join()
        for problem in self.problems:
            print(f"{PROG}: the last run's results could not all be deleted: {problem}", file=sys.stderr)


def _verify(args: argparse.Namespace, chosen: _Chosen, results: Path, out: Path, prepared: Prepared | None) -> int:
    dirs, manifest, files, root = chosen.dirs, chosen.manifest, chosen.files, chosen.root
    pytest_args = [
        *(str(d) for d in dirs),
        # The run's own configuration, the same from any directory: the caller's project settings
        # (addopts, ini files, conftest.py) never leak into a verification.
        "-c",
        str(Path(__file__).resolve().parent.parent / "pytest.ini"),
        "--rootdir",
        str(root),
        "-p",
        "no:cacheprovider",
        # Only the plugins a verification uses: whatever else is installed beside it (Hypothesis,
        # pytest-asyncio, ...) neither changes a run nor costs every process its import.
        "--disable-plugin-autoload",
        "-p",
        "harness.running.plugin",
        "-p",
        "allure_pytest.plugin",
        "--target",
        args.target,
        "--alluredir",
        str(results),
        # The CLI imports the harness before pytest loads it as a plugin: nothing to rewrite there.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "-q",
    ]
    for folder in dirs:
        pytest_args += ["--scenario-dir", str(folder)]
    if args.k:
        pytest_args += ["-k", args.k]
    if args.m:
        pytest_args += ["-m", args.m]
    if args.sandbox_date:
        pytest_args += ["--sandbox-date", args.sandbox_date]
    if args.allow_destructive:
        pytest_args.append("--allow-destructive")
    if args.allow_commands:
        pytest_args.append("--allow-commands")
    if args.workers:
        pytest_args += ["-p", "xdist.plugin", "-n", str(args.workers)]
    if prepared is not None:
        results.mkdir(parents=True, exist_ok=True)
        found = results / "librelog-verify-preflight.json"
        found.write_text(json.dumps(prepared.facts.to_json(), indent=2))
        pytest_args += ["--preflight", str(found), "--ledger", str(prepared.ledger.path)]
    summary = Summary()
    code = pytest.main(pytest_args, plugins=[summary])
    station_unchanged = True
    if prepared is not None and prepared.fingerprint is not None:
        station_unchanged = _station_verdict(prepared, results)
    if code == pytest.ExitCode.INTERRUPTED and not summary.rows:
        raise KeyboardInterrupt
    if code == pytest.ExitCode.USAGE_ERROR:
        raise ConfigError("pytest refused the arguments (see its message above)")
    if summary.rows:
        print()
        print(summary.render())
    if summary.executed == 0:
        raise NothingVerified(_nothing_ran(args, summary, len(files)))
    print(f"Allure results: {results}")
    if prepared is not None and chosen.pack is not None and prepared.facts.librelog_operations:
        _write_api_coverage(chosen.pack, prepared.facts.librelog_operations, files, summary.outcomes(), results)
    if manifest is not None:  # the manifest, not pytest's verdict, says whether the run is as expected
        verified = _hold(manifest, summary, results, narrowed=bool(args.k or args.m)) and station_unchanged
    else:
        verified = code == pytest.ExitCode.OK and station_unchanged
    if args.no_report:
        return OK if verified else FAILED
    history = Path(args.history) if args.history else out / "allure-history.jsonl"
    report_code = build_reports(results, out, history, require_allure=args.require_allure)
    return OK if verified and report_code == OK else FAILED


def add_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("run", help="run the scenarios (default: the built-in suite against the embedded stubs)")
    r.add_argument("--target", choices=("stub", "live", "compose"), default="stub")
    r.add_argument("-k", help="only scenarios matching this expression (ids, titles)")
    r.add_argument("-m", help="only scenarios whose tags match this mark expression")
    r.add_argument("--scenarios", action="append", metavar="DIR", help=SCENARIOS_HELP)
    r.add_argument(
        "--pack",
        metavar="NAME|DIR",
        help="a pack of scenarios: 'default' (the built-in suite), 'original-librelog', or a pack folder",
    )
    r.add_argument(
        "--expect",
        nargs="?",
        const=PACK_MANIFEST,
        metavar="FILE",
        help="a manifest of expected outcomes (default: the pack's own): the run passes when it holds exactly",
    )
    r.add_argument("--allow-commands", action="store_true", help="let scenarios run local programs (command steps)")
    add_out(r)
    add_report_options(r, "Allure results folder, emptied first (default: OUT/allure-results)")
    r.add_argument("--keep-results", action="store_true", help="do not empty the results folder first")
    r.add_argument("--sandbox-date", help="live: the only date a run writes to (default 2099-01-01)")
    r.add_argument("--allow-destructive", action="store_true")
    r.add_argument("--ledger", help="live: the record of what the run creates (default: OUT/live-ledger.jsonl)")
    r.add_argument(
        "--interposer",
        metavar="[HOST:]PORT",
        help="live: start the interposer there for the run (LibreLog's LibreTime URL must point at it)",
    )
    r.add_argument(
        "--start-librelog",
        choices=("integration", "v2"),
        metavar="FLAVOR",
        help="live: start this project's LibreLog in that flavour for the run, its LibreTime behind the interposer",
    )
    r.add_argument(
        "-n",
        "--workers",
        help="pytest-xdist workers, e.g. 2, auto, or 0 for none (default: auto for the built-in suite on the"
        " embedded stubs, none otherwise)",
    )
    r.add_argument("--no-report", action="store_true", help="only the Allure results, no HTML or Markdown")
    r.set_defaults(func=run)
