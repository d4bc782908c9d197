"""The ``librelog-verify`` command: its parser, one subcommand per module of this package, and
the one place errors become exit codes (a usage problem is one line on stderr, never a traceback)."""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import ConfigError, HarnessError
from . import catalog, check, cleanup, drift, interpose, reference, report, run, schema, serve, validate
from .common import FAILED, INTERRUPTED, NOTHING_VERIFIED, PROG, USAGE, NothingVerified, Parser

COMMANDS = (run, report, validate, schema, reference, catalog, cleanup, check, drift, interpose, serve)


def parser() -> argparse.ArgumentParser:
    top = Parser(
        prog=PROG,
        description="Verify LibreLog → LibreTime by its effects.",
        epilog="exit codes: 0 verified, 1 a scenario failed, 2 usage or configuration problem, 3 nothing verified",
    )
    top.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
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
