"""What every command shares: the program's name, its exit codes, the errors that map to them, the
argument parser that says a usage error in one line, and the options several commands take."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from ..model.suite import BUILTIN

PROG = "librelog-verify"
DEFAULT_OUT = Path("reports/out")
OK, FAILED, USAGE, NOTHING_VERIFIED, INTERRUPTED = 0, 1, 2, 3, 130
SCENARIOS_HELP = f"a scenario folder (repeatable; default: the built-in suite, named {BUILTIN!r})"


class NothingVerified(Exception):
    """The run verified nothing; the message says why (exit 3, and no report is written)."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (exit 2) that says where help is, like every other."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{PROG}: error: {message} (see {self.prog} --help)\n")


def add_out(p: argparse.ArgumentParser, what: str = "where the reports are written") -> None:
    p.add_argument("--out", default=str(DEFAULT_OUT), help=f"{what} (default: ./reports/out)")


def add_report_options(p: argparse.ArgumentParser, results_help: str = "default: OUT/allure-results") -> None:
    """Where the Allure results and history are, and whether a missing Allure fails (run, report)."""
    p.add_argument("--results", help=results_help)
    p.add_argument("--history", help="Allure trend history file (default: OUT/allure-history.jsonl)")
    p.add_argument("--require-allure", action="store_true", help="fail when the Allure HTML cannot be built")
