"""``librelog-verify schema``: the scenario JSON Schema with every registered step kind, for editors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import OK


def schema(args: argparse.Namespace) -> int:
    """The scenario schema as validation uses it: the shipped document with every registered kind."""
    from ..kinds import scenario_schema

    text = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{args.output}: the scenario schema with {len(scenario_schema()['$defs']['step']['oneOf'])} step kinds")
    else:
        sys.stdout.write(text)
    return OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    sc = sub.add_parser("schema", help="the scenario JSON Schema, every registered step kind included (for editors)")
    sc.add_argument("--output", metavar="FILE", help="write it here instead of standard output")
    sc.set_defaults(func=schema)
