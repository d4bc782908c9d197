"""``librelog-verify cleanup``: remove exactly what an interrupted live run's ledger lists, with the
same clients and the same removal as the run's own cleanup, then forget it."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

from ..errors import ConfigError
from .common import FAILED, OK, PROG, add_out


def cleanup(args: argparse.Namespace) -> int:
    """Remove exactly what an interrupted live run's ledger lists, then forget it."""
    import httpx

    from ..live.ledger import Entry, Ledger
    from ..targets.base import client
    from ..targets.sandbox import clean

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
                client(libretime_url, {"Authorization": f"Api-Key {key}"}) as lt,
                client(librelog_url, headers) as ll,
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


def add_parser(sub: argparse._SubParsersAction) -> None:
    cl = sub.add_parser("cleanup", help="remove what an interrupted live run left, as its ledger lists it")
    add_out(cl, "the run's output folder")
    cl.add_argument("--ledger", help="the ledger file (default: OUT/live-ledger.jsonl)")
    cl.set_defaults(func=cleanup)
