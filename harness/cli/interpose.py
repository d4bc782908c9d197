"""``librelog-verify interpose``: the recording, fault-injecting proxy in front of a real LibreTime,
for a LibreLog the run does not start, until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from ..errors import ConfigError
from .common import OK


def interpose(args: argparse.Namespace) -> int:
    """Run the interposer in front of a LibreTime until stopped, for a LibreLog the run does not start."""
    from ..interposer import InterposerConfig, run_interposer
    from ..running.deployment import _address
    from ..targets import environment, libretime_of

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


def add_parser(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser(
        "interpose", help="run the interposer (journal and faults) in front of a real LibreTime until stopped"
    )
    i.add_argument("--libretime", metavar="URL", help="LibreTime's base URL (default: LIBRETIME_URL)")
    i.add_argument("--listen", default="127.0.0.1:18090", metavar="[HOST:]PORT", help="default 127.0.0.1:18090")
    i.set_defaults(func=interpose)
