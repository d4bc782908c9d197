"""``librelog-verify serve``: both stubs (and optionally LibreTime's API face) for manual use, wired
together, until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os

from ..errors import ConfigError
from .common import OK


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


def add_parser(sub: argparse._SubParsersAction) -> None:
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
