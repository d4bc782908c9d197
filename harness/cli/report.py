"""``librelog-verify report``: the verification report (Markdown and HTML) and Allure's HTML from a
run's results; ``run`` builds them the same way when it ends."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ConfigError
from .common import FAILED, OK, PROG, add_out, add_report_options


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


def add_parser(sub: argparse._SubParsersAction) -> None:
    rp = sub.add_parser("report", help="build the Allure HTML and the verification report from results")
    add_out(rp)
    add_report_options(rp)
    rp.set_defaults(func=report)
