"""``librelog-verify``: run the scenarios, validate them, or serve both stubs for manual use."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .lint import hollow_successes
from .loader import ScenarioError, discover, load

DEFAULT_SCENARIOS = Path("scenarios")
DEFAULT_RESULTS = Path("reports/out/allure-results")
DEFAULT_OUT = Path("reports/out")
DEFAULT_HISTORY = Path("reports/history/history.jsonl")


class Summary:
    """A pytest plugin object: collects outcomes, prints the closing table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, float]] = []
        self.started = time.monotonic()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: Any) -> Any:
        outcome = yield
        scenario = getattr(item, "scenario", None)
        if scenario is not None:
            outcome.get_result().scenario_title = scenario.title

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            item_id = report.nodeid.rsplit("::", 1)[-1]
            title = getattr(report, "scenario_title", item_id)
            outcome = "skipped" if report.skipped else report.outcome
            self.rows.append((item_id, title, outcome, report.duration))

    def render(self) -> str:
        if not self.rows:
            return "no scenarios ran"
        width = min(70, max(len(r[1]) for r in self.rows))
        lines = [f"{'result':8} {'time':>7}  {'scenario':{width}}", "-" * (18 + width)]
        for _item_id, title, outcome, duration in self.rows:
            lines.append(f"{outcome.upper():8} {duration:6.2f}s  {title[:width]}")
        counts = Counter(r[2] for r in self.rows)
        lines.append("-" * (18 + width))
        lines.append(
            f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"
            f" in {time.monotonic() - self.started:.1f} s"
        )
        return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    results = Path(args.results)
    if results.exists() and not args.keep_results:
        shutil.rmtree(results)
    pytest_args = [
        str(args.scenarios),
        "-p",
        "no:cacheprovider",
        "--target",
        args.target,
        "--alluredir",
        str(results),
        "-o",
        "testpaths=",
        # The CLI imports the harness before pytest loads it as a plugin: nothing to rewrite there.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "-q",
    ]
    if args.k:
        pytest_args += ["-k", args.k]
    if args.m:
        pytest_args += ["-m", args.m]
    if args.sandbox_date:
        pytest_args += ["--sandbox-date", args.sandbox_date]
    if args.allow_destructive:
        pytest_args.append("--allow-destructive")
    if args.workers:
        pytest_args += ["-n", str(args.workers)]
    summary = Summary()
    code = pytest.main(pytest_args, plugins=[summary])
    print()
    print(summary.render())
    print(f"Allure results: {results}")
    report_ok = args.no_report or build_reports(results, Path(args.out), Path(args.history)) == 0
    return 0 if code == pytest.ExitCode.OK and report_ok else 1


def build_reports(results: Path, out: Path, history: Path) -> int:
    """Allure HTML and the verification report; a failure here is reported, never hidden."""
    from reports.allure_html import ReportError, build
    from reports.verification import write

    md, html = write(results, out)
    print(f"Verification report: {md} and {html}")
    try:
        index = build(results, out / "allure-report", history)
    except ReportError as exc:
        print(f"Allure HTML report not built: {exc}", file=sys.stderr)
        return 1
    print(f"Allure report: {index}")
    return 0


def report(args: argparse.Namespace) -> int:
    return build_reports(Path(args.results), Path(args.out), Path(args.history))


def validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [args.scenarios]
    files = [f for p in paths for f in (discover(p) if p.is_dir() else [p])]
    root = Path.cwd()
    seen: dict[str, Path] = {}
    problems: list[str] = []
    for path in files:
        try:
            scenario = load(path, root)
        except ScenarioError as exc:
            problems += [str(p) for p in exc.problems]
            continue
        shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        problems += [str(p) for p in hollow_successes(scenario, shown)]
        if scenario.id in seen:
            problems.append(f"{shown}:1: id: {scenario.id!r} is already used by {seen[scenario.id]}")
        seen[scenario.id] = path
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} scenario file(s)")
        return 1
    print(f"{len(files)} scenario(s) valid")
    return 0


def serve(args: argparse.Namespace) -> int:
    from stubs.librelog import Settings, run_librelog
    from stubs.libretime import StubConfig, run_stub

    async def main() -> None:
        key = args.api_key
        async with run_stub(
            StubConfig(api_key=key, fixture=args.fixture), host=args.host, port=args.libretime_port
        ) as lt:
            settings = Settings(
                libretime_url=lt.base_url,
                url_source="LIBRETIME_INTERNAL_URL",
                api_key=key,
                db_path=args.db,
                station_timezone=args.timezone,
            )
            async with run_librelog(settings, host=args.host, port=args.librelog_port) as ll:
                print(f"LibreTime stub: {lt.base_url}  (Api-Key from --api-key; control plane at /__stub__/)")
                print(f"LibreLog:       {ll.base_url}  (database {args.db})")
                print(f"For a live run: LIBRELOG_URL={ll.base_url} LIBRETIME_URL={lt.base_url}", flush=True)
                await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0


def catalog(args: argparse.Namespace) -> int:
    from .catalog import rewrite, table

    if args.write:
        changed = rewrite(Path(args.write), args.scenarios)
        print(f"{args.write}: {'updated' if changed else 'already up to date'}")
    else:
        print(table(args.scenarios))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="librelog-verify", description="Verify LibreLog → LibreTime by its effects.")
    sub = top.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the scenarios (default: against the embedded stubs)")
    r.add_argument("--target", choices=("stub", "live", "compose"), default="stub")
    r.add_argument("-k", help="only scenarios matching this expression (ids, titles)")
    r.add_argument("-m", help="only scenarios whose tags match this mark expression")
    r.add_argument("--results", default=str(DEFAULT_RESULTS), help="Allure results folder (emptied first)")
    r.add_argument("--keep-results", action="store_true", help="do not empty the results folder first")
    r.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS)
    r.add_argument("--sandbox-date", help="live: the only date a run writes to (default 2099-01-01)")
    r.add_argument("--allow-destructive", action="store_true")
    r.add_argument("-n", "--workers", help="pytest-xdist workers (e.g. 2 or auto)")
    r.add_argument("--out", default=str(DEFAULT_OUT), help="where the reports are written")
    r.add_argument("--history", default=str(DEFAULT_HISTORY), help="Allure trend history file (kept between runs)")
    r.add_argument("--no-report", action="store_true", help="only the Allure results, no HTML or Markdown")
    r.set_defaults(func=run)
    rp = sub.add_parser("report", help="build the Allure HTML and the verification report from results")
    rp.add_argument("--results", default=str(DEFAULT_RESULTS))
    rp.add_argument("--out", default=str(DEFAULT_OUT))
    rp.add_argument("--history", default=str(DEFAULT_HISTORY))
    rp.set_defaults(func=report)
    v = sub.add_parser("validate", help="check scenario files (schema, lines, hollow successes)")
    v.add_argument("paths", nargs="*")
    v.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS)
    v.set_defaults(func=validate)
    c = sub.add_parser("catalog", help="the scenario table, from the scenarios' metadata")
    c.add_argument("--write", metavar="README", help="replace the generated block in this file")
    c.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS)
    c.set_defaults(func=catalog)
    s = sub.add_parser("serve", help="run both stubs for manual use and print their URLs")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--libretime-port", type=int, default=8080)
    s.add_argument("--librelog-port", type=int, default=8000)
    s.add_argument("--api-key", default="stub-api-key")
    s.add_argument("--fixture", default="small")
    s.add_argument("--timezone", default="UTC")
    s.add_argument("--db", default="data/librelog.sqlite3")
    s.set_defaults(func=serve)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
