"""``librelog-verify catalog``: the scenario table from the scenarios' own metadata, printed or
written between its markers in a Markdown file (docs/scenarios.md, a pack's README)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ConfigError
from ..model.suite import scenario_dirs
from .common import OK


def catalog(args: argparse.Namespace) -> int:
    from ..model.catalog import rewrite, table

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


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("catalog", help="the scenario table, from the scenarios' metadata")
    c.add_argument("--write", metavar="FILE", help="replace the generated block in this Markdown file")
    c.add_argument("--scenarios", metavar="DIR", help="default: the built-in suite")
    c.set_defaults(func=catalog)
