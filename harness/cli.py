"""``librelog-verify``: run the scenarios, validate them, or serve both stubs for manual use.

Exit codes: 0 everything that ran was verified; 1 a scenario failed (or a report could not be
built; for ``validate``, a scenario file has problems); 2 a usage or configuration problem, found
before anything ran (one line, no traceback; a file that is not readable YAML is one); 3 nothing
was verified (no scenario found, selected or run); 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from .errors import ConfigError, HarnessError
from .lint import hollow_successes
from .loader import Scenario, ScenarioError, discover, load
from .outcomes import Manifest
from .outcomes import compare as compare_outcomes
from .outcomes import write as write_outcomes
from .pack import Pack, pack_at, pack_dir
from .suite import BUILTIN, scenario_dirs

if TYPE_CHECKING:
    from .deployment import Prepared, RunOptions

PROG = "librelog-verify"
DEFAULT_OUT = Path("reports/out")
PACK_MANIFEST = "<the pack's manifest>"
OK, FAILED, USAGE, NOTHING_VERIFIED, INTERRUPTED = 0, 1, 2, 3, 130


class NothingVerified(Exception):
    """The run verified nothing; the message says why (exit 3, and no report is written)."""


class Summary:
    """A pytest plugin object: counts what was selected and run, prints the closing table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, float]] = []
        self.started = time.monotonic()
        self.selected = 0
        self.deselected = 0
        self.reasons: dict[str, str] = {}  # why a scenario was skipped

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: Any) -> Any:
        outcome = yield
        scenario = getattr(item, "scenario", None)
        if scenario is not None:
            outcome.get_result().scenario_title = scenario.title

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.selected = len(session.items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            item_id = report.nodeid.rsplit("::", 1)[-1]
            title = getattr(report, "scenario_title", item_id)
            outcome = "skipped" if report.skipped else report.outcome
            if outcome == "failed" and report.longreprtext.startswith(("HARNESS ERROR", "SCENARIO ERROR")):
                outcome = "broken"  # the harness could not verify: not a product defect
            self.rows.append((item_id, title, outcome, report.duration))
            if outcome == "skipped" and isinstance(report.longrepr, tuple):
                self.reasons[item_id] = str(report.longrepr[2]).removeprefix("Skipped: ")

    @property
    def executed(self) -> int:
        """Scenarios that ran to a verdict (passed or failed); skipped ones verified nothing."""
        return sum(1 for row in self.rows if row[2] in ("passed", "failed", "broken"))

    def outcomes(self) -> dict[str, str]:
        return {item_id: outcome for item_id, _title, outcome, _duration in self.rows}

    def render(self) -> str:
        if not self.rows:
            return "no scenarios ran"
        width = min(70, max(len(r[1]) for r in self.rows))
        lines = [f"{'result':8} {'time':>7}  {'scenario':{width}}", "-" * (18 + width)]
        for item_id, title, outcome, duration in self.rows:
            lines.append(f"{outcome.upper():8} {duration:6.2f}s  {title[:width]}")
            if item_id in self.reasons:
                lines.append(f"{'':18}{self.reasons[item_id]}")
        counts = Counter(r[2] for r in self.rows)
        lines.append("-" * (18 + width))
        lines.append(
            f"{counts['passed']} passed, {counts['failed']} failed,"
            + (f" {counts['broken']} broken (the harness could not verify)," if counts["broken"] else "")
            + f" {counts['skipped']} skipped"
            f" in {time.monotonic() - self.started:.1f} s"
        )
        return "\n".join(lines)


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


def _scenario_files(dirs: list[Path]) -> list[Path]:
    for folder in dirs:
        if not folder.is_dir():
            raise ConfigError(f"scenario folder {folder} does not exist (--scenarios takes folders)")
    return [f for folder in dirs for f in discover(folder)]


def _pytest_root(dirs: list[Path]) -> Path:
    """The common parent of the scenario folders: node ids read ``scenarios/publishing/x.yaml``."""
    return Path(os.path.commonpath([d.resolve().parent for d in dirs]))


def _options(args: argparse.Namespace, out: Path, env: dict[str, str]) -> RunOptions:
    from .deployment import RunOptions
    from .targets import env_sandbox

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
    from . import safety

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

    from .api_coverage import measure, read_coverage, recorded, to_json
    from .loader import load

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
    if args.workers and importlib.util.find_spec("xdist") is None:
        raise ConfigError("-n needs pytest-xdist: pip install pytest-xdist")
    if args.require_allure and not args.no_report:
        from reports.allure_html import AllureMissing, allure_command

        try:
            allure_command()
        except AllureMissing as exc:
            raise ConfigError(f"--require-allure: {exc}") from None
    out = Path(args.out)
    results = Path(args.results) if args.results else out / "allure-results"
    from .deployment import Services, prepare
    from .targets import environment

    if args.target == "stub" and (args.interposer or args.start_librelog):
        raise ConfigError("--interposer and --start-librelog go with --target live (a real LibreTime)")
    options = _options(args, out, environment())
    services = Services.start(options, environment())
    try:
        env = services.environment(environment())
        prepared = None
        if args.target in ("live", "compose"):
            from .targets import scenario_sandbox

            own = [
                scenario_sandbox(options.sandbox, s.data["sandbox"]) for s in checked.scenarios if s.data.get("sandbox")
            ]
            prepared = prepare(options, env, pack, services.interposer, bool(args.workers), own)
            print("\n".join([*prepared.lines[:1], *services.describe(), *prepared.lines[1:]]))
        chosen = _Chosen(dirs, pack, manifest, files, root)
        return _run(args, chosen, results, out, prepared)
    finally:
        services.close()


@dataclass
class _Chosen:
    """What a run verifies: its scenario folders and files, their pack and manifest, pytest's root."""

    dirs: list[Path]
    pack: Pack | None
    manifest: Manifest | None
    files: list[Path]
    root: Path


def _run(args: argparse.Namespace, chosen: _Chosen, results: Path, out: Path, prepared: Prepared | None) -> int:
    dirs, manifest, files, root = chosen.dirs, chosen.manifest, chosen.files, chosen.root
    if results.exists() and not args.keep_results:
        shutil.rmtree(results)
    pytest_args = [
        *(str(d) for d in dirs),
        # The run's own configuration, the same from any directory: the caller's project settings
        # (addopts, ini files, conftest.py) never leak into a verification.
        "-c",
        str(Path(__file__).resolve().parent / "pytest.ini"),
        "--rootdir",
        str(root),
        "-p",
        "no:cacheprovider",
        # Scenarios run their own event loops; pytest-asyncio, when installed, has nothing to do.
        "-p",
        "no:asyncio",
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
        pytest_args += ["-n", str(args.workers)]
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


def build_reports(results: Path, out: Path, history: Path, *, require_allure: bool = False) -> int:
    """The verification report, then Allure's HTML; a missing Allure is a warning unless required."""
    from reports.allure_html import AllureMissing, ReportError, build
    from reports.verification import write

    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise ConfigError(f"no Allure results in {results}: run `{PROG} run` first (or give --results)")
    md, html = write(results, out)
    print(f"Verification report: {md} and {html}")
    try:
        index = build(results, out / "allure-report", history)
    except AllureMissing as exc:
        print(f"warning: Allure HTML report not built: {exc}", file=sys.stderr)
        return FAILED if require_allure else OK
    except ReportError as exc:
        print(f"Allure HTML report not built: {exc}", file=sys.stderr)
        return FAILED
    print(f"Allure report: {index}")
    return OK


def report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    results = Path(args.results) if args.results else out / "allure-results"
    history = Path(args.history) if args.history else out / "allure-history.jsonl"
    return build_reports(results, out, history, require_allure=args.require_allure)


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


def cleanup(args: argparse.Namespace) -> int:
    """Remove exactly what an interrupted live run's ledger lists, then forget it."""
    from collections import defaultdict

    import httpx

    from .ledger import Entry, Ledger
    from .targets.sandbox import clean

    ledger = Ledger(Path(args.ledger) if args.ledger else Path(args.out) / "live-ledger.jsonl")
    entries = ledger.entries()
    if not entries:
        print(f"nothing to clean up: {ledger.path} lists nothing")
        return OK
    key, token = os.environ.get("LIBRETIME_API_KEY"), os.environ.get("LIBRELOG_API_TOKEN")
    if not key:
        raise ConfigError("cleanup needs LIBRETIME_API_KEY in the environment (the ledger never stores it)")
    by_deployment: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_deployment[(entry.libretime_url, entry.librelog_url)].append(entry)

    async def clean_all() -> list[str]:
        problems: list[str] = []
        for (libretime_url, librelog_url), items in by_deployment.items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            async with (
                httpx.AsyncClient(base_url=libretime_url, headers={"Authorization": f"Api-Key {key}"}) as lt,
                httpx.AsyncClient(base_url=librelog_url, headers=headers) as ll,
            ):
                cleaned = await clean(items, lt, ll)
            found = cleaned.problems
            problems += found
            if not found:
                ledger.remove(items)
                kinds = Counter(e.kind for e in items)
                print(f"{libretime_url}: removed " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
        return problems

    try:
        problems = asyncio.run(clean_all())
    except httpx.TransportError as exc:
        raise ConfigError(f"cleanup cannot reach a service: {exc}") from None
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    if problems:
        print(f"{PROG}: {len(problems)} item(s) could not be removed; {ledger.path} keeps them", file=sys.stderr)
        return FAILED
    return OK


def serve(args: argparse.Namespace) -> int:
    from stubs.librelog import Settings, run_librelog
    from stubs.libretime import StubConfig, run_stub

    async def main() -> None:
        key = args.api_key
        async with contextlib.AsyncExitStack() as stack:
            lt = await stack.enter_async_context(
                run_stub(StubConfig(api_key=key, fixture=args.fixture), host=args.host, port=args.libretime_port)
            )
            settings = Settings(
                libretime_url=lt.base_url,
                url_source="LIBRETIME_INTERNAL_URL",
                api_key=key,
                db_path=args.db,
                station_timezone=args.timezone,
                # LibreLog's own bearer token, as a deployment sets it (never on the command line).
                api_token=os.environ.get("LIBRELOG_API_TOKEN") or None,
                test_reset=args.test_reset,
            )
            ll = await stack.enter_async_context(run_librelog(settings, host=args.host, port=args.librelog_port))
            print(f"LibreTime stub: {lt.base_url}  (Api-Key from --api-key; control plane at /__stub__/)")
            token = " (bearer token from LIBRELOG_API_TOKEN)" if settings.api_token else ""
            reset = " (test reset enabled: never on a station)" if args.test_reset else ""
            print(f"LibreLog:       {ll.base_url}  (database {args.db}){token}{reset}")
            variables = f"LIBRELOG_URL={ll.base_url} LIBRETIME_URL={lt.base_url}"
            if args.api_face_port is not None:
                face = StubConfig(api_key=key, fixture=args.fixture, face="api")
                api = await stack.enter_async_context(run_stub(face, host=args.host, port=args.api_face_port))
                print(f"API face:       {api.base_url}  (LibreTime's API port: downloads are a bare X-Accel-Redirect)")
                variables += f" LIBRETIME_API_FACE_URL={api.base_url}"
            print(f"For a live run: {variables}", flush=True)
            await asyncio.Event().wait()

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())
    except OSError as exc:  # a port in use, an address that is not ours, a database folder we cannot write
        raise ConfigError(f"cannot serve: {exc.strerror or exc}") from None
    return OK


def interpose(args: argparse.Namespace) -> int:
    """Run the interposer in front of a LibreTime until stopped, for a LibreLog the run does not start."""
    from .deployment import _address
    from .interposer import InterposerConfig, run_interposer
    from .targets import environment, libretime_of

    env = environment()
    if args.libretime:
        env["LIBRETIME_URL"] = args.libretime
    url, key = libretime_of(env)
    host, port = _address(args.listen)

    async def main() -> None:
        async with run_interposer(InterposerConfig(upstream=url, secrets=(key,)), host, port) as running:
            print(f"Interposer: {running.base_url} → LibreTime {url}")
            print(f"  point LibreLog's LIBRETIME_API_URL at {running.base_url}, then run with")
            print(f"  LIBRETIME_INTERPOSER_URL={running.base_url} librelog-verify run --target live", flush=True)
            await asyncio.Event().wait()

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())
    except OSError as exc:
        raise ConfigError(f"cannot listen on {args.listen}: {exc.strerror or exc}") from None
    return OK


def catalog(args: argparse.Namespace) -> int:
    from .catalog import rewrite, table

    (folder,) = scenario_dirs([args.scenarios] if args.scenarios else None)
    if not folder.is_dir():
        raise ConfigError(f"scenario folder {folder} does not exist")
    if args.write:
        readme = Path(args.write)
        if not readme.is_file():
            raise ConfigError(f"{readme}: no such file")
        changed = rewrite(readme, folder)
        print(f"{args.write}: {'updated' if changed else 'already up to date'}")
    else:
        print(table(folder))
    return OK


def reference(args: argparse.Namespace) -> int:
    """The step-kind reference page, from the registry and the scenario schema."""
    from .reference import page

    text = page()
    if args.write:
        target = Path(args.write)
        changed = not target.is_file() or target.read_text(encoding="utf-8") != text
        if changed:
            target.write_text(text, encoding="utf-8")
        print(f"{args.write}: {'updated' if changed else 'already up to date'}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return OK


def schema(args: argparse.Namespace) -> int:
    """The scenario schema as validation uses it: the shipped document with every registered kind."""
    from .kinds import scenario_schema

    text = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{args.output}: the scenario schema with {len(scenario_schema()['$defs']['step']['oneOf'])} step kinds")
    else:
        sys.stdout.write(text)
    return OK


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (exit 2) that says where help is, like every other."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{PROG}: error: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog=PROG,
        description="Verify LibreLog → LibreTime by its effects.",
        epilog="exit codes: 0 verified, 1 a scenario failed, 2 usage or configuration problem, 3 nothing verified",
    )
    top.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    scenarios_help = f"a scenario folder (repeatable; default: the built-in suite, named {BUILTIN!r})"
    r = sub.add_parser("run", help="run the scenarios (default: the built-in suite against the embedded stubs)")
    r.add_argument("--target", choices=("stub", "live", "compose"), default="stub")
    r.add_argument("-k", help="only scenarios matching this expression (ids, titles)")
    r.add_argument("-m", help="only scenarios whose tags match this mark expression")
    r.add_argument("--scenarios", action="append", metavar="DIR", help=scenarios_help)
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
    r.add_argument("--out", default=str(DEFAULT_OUT), help="where the reports are written (default: ./reports/out)")
    r.add_argument("--results", help="Allure results folder, emptied first (default: OUT/allure-results)")
    r.add_argument("--keep-results", action="store_true", help="do not empty the results folder first")
    r.add_argument("--history", help="Allure trend history file (default: OUT/allure-history.jsonl)")
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
    r.add_argument("-n", "--workers", help="pytest-xdist workers (e.g. 2 or auto)")
    r.add_argument("--no-report", action="store_true", help="only the Allure results, no HTML or Markdown")
    r.add_argument("--require-allure", action="store_true", help="fail when the Allure HTML cannot be built")
    r.set_defaults(func=run)
    rp = sub.add_parser("report", help="build the Allure HTML and the verification report from results")
    rp.add_argument("--out", default=str(DEFAULT_OUT))
    rp.add_argument("--results", help="default: OUT/allure-results")
    rp.add_argument("--history", help="default: OUT/allure-history.jsonl")
    rp.add_argument("--require-allure", action="store_true", help="fail when the Allure HTML cannot be built")
    rp.set_defaults(func=report)
    v = sub.add_parser("validate", help="check scenario files (schema, lines, hollow successes)")
    v.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the built-in suite)")
    v.add_argument("--scenarios", action="append", metavar="DIR", help=scenarios_help)
    v.set_defaults(func=validate)
    sc = sub.add_parser("schema", help="the scenario JSON Schema, every registered step kind included (for editors)")
    sc.add_argument("--output", metavar="FILE", help="write it here instead of standard output")
    sc.set_defaults(func=schema)
    ref = sub.add_parser("reference", help="the step-kind reference page (Markdown), from the registry")
    ref.add_argument("--write", metavar="FILE", help="write it here (docs/step-kinds.md) instead of stdout")
    ref.set_defaults(func=reference)
    c = sub.add_parser("catalog", help="the scenario table, from the scenarios' metadata")
    c.add_argument("--write", metavar="README", help="replace the generated block in this file")
    c.add_argument("--scenarios", metavar="DIR", help="default: the built-in suite")
    c.set_defaults(func=catalog)
    cl = sub.add_parser("cleanup", help="remove what an interrupted live run left, as its ledger lists it")
    cl.add_argument("--out", default=str(DEFAULT_OUT), help="the run's output folder (default: ./reports/out)")
    cl.add_argument("--ledger", help="the ledger file (default: OUT/live-ledger.jsonl)")
    cl.set_defaults(func=cleanup)
    from .drift.command import add_parser as add_drift
    from .station.command import add_parser as add_check

    add_check(sub)
    add_drift(sub)
    i = sub.add_parser(
        "interpose", help="run the interposer (journal and faults) in front of a real LibreTime until stopped"
    )
    i.add_argument("--libretime", metavar="URL", help="LibreTime's base URL (default: LIBRETIME_URL)")
    i.add_argument("--listen", default="127.0.0.1:18090", metavar="[HOST:]PORT", help="default 127.0.0.1:18090")
    i.set_defaults(func=interpose)
    s = sub.add_parser("serve", help="run both stubs for manual use and print their URLs")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--libretime-port", type=int, default=8080)
    s.add_argument("--librelog-port", type=int, default=8000)
    s.add_argument("--api-key", default="stub-api-key")
    s.add_argument("--fixture", default="small")
    s.add_argument("--timezone", default="UTC")
    s.add_argument("--db", default="data/librelog.sqlite3")
    s.add_argument("--test-reset", action="store_true", help="enable LibreLog's test reset (fresh scenarios)")
    s.add_argument("--api-face-port", type=int, help="also serve a stub of LibreTime's API port (no nginx)")
    s.set_defaults(func=serve)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return USAGE
    except NothingVerified as exc:
        print(f"{PROG}: nothing was verified: {exc}", file=sys.stderr)
        return NOTHING_VERIFIED
    except HarnessError as exc:  # e.g. the station could not be read back for the safety check
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): nothing left to say, and nowhere to say it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILED
    except Exception as exc:
        if args.debug:
            raise
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc} (--debug shows the traceback)", file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
