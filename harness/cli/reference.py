"""``librelog-verify reference``: the step-kind reference page, from the registry and the scenario
schema (docs/step-kinds.md is this command's output; a test keeps it current)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import OK


def reference(args: argparse.Namespace) -> int:
    """The step-kind reference page, from the registry and the scenario schema."""
    from ..reference import page

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


def add_parser(sub: argparse._SubParsersAction) -> None:
    ref = sub.add_parser("reference", help="the step-kind reference page (Markdown), from the registry")
    ref.add_argument("--write", metavar="FILE", help="write it here (docs/step-kinds.md) instead of stdout")
    ref.set_defaults(func=reference)
