"""``python -m stubs.libretime --host 127.0.0.1 --port 8080 --api-key KEY [--face nginx|api]``."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from aiohttp import web

from .accesslog import RedactingAccessLogger
from .app import create_app
from .config import StubConfig
from .fixtures import FIXTURES


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m stubs.libretime", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback only)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--api-key",
        default=None,
        help="LibreTime API key (default: $LIBRETIME_API_KEY, else 'stub-api-key')",
    )
    parser.add_argument("--face", choices=("nginx", "api"), default="nginx")
    parser.add_argument("--station-name", default="LibreTime Stub")
    parser.add_argument("--state-file", type=Path, help="load state from this JSON file and save it at shutdown")
    parser.add_argument("--fixture", choices=sorted(FIXTURES), help="seed a named fixture at start-up")
    parser.add_argument("--analyze-delay", type=float, default=0.0, help="seconds before legacy uploads import")
    parser.add_argument("--max-body-mb", type=int, default=512)
    parser.add_argument(
        "--no-control-plane",
        action="store_true",
        help="no /__stub__/ routes: a client sees a LibreTime like a station's (seeding and faults from outside)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = StubConfig(
        api_key=args.api_key or os.environ.get("LIBRETIME_API_KEY") or "stub-api-key",
        face=args.face,
        station_name=args.station_name,
        state_file=args.state_file,
        fixture=args.fixture,
        analyze_delay_s=args.analyze_delay,
        max_body_bytes=args.max_body_mb * 1024 * 1024,
        control_plane=not args.no_control_plane,
    )
    app = create_app(config)
    web.run_app(
        app,
        access_log_class=RedactingAccessLogger,
        host=args.host,
        port=args.port,
        print=lambda _: print(f"LibreTime stub ({config.face} face) on http://{args.host}:{args.port}", flush=True),
    )


if __name__ == "__main__":
    main()
