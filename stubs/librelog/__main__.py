"""``python -m stubs.librelog --host 127.0.0.1 --port 8000`` (configuration from the environment)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from aiohttp import web

from .app import create_app
from .config import Settings, SettingsError


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stubs.librelog", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # LibreLog logs its own LibreTime calls
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        sys.exit(f"librelog: {exc}")
    source = settings.url_source or "nothing configured"
    print(
        f"LibreLog on http://{args.host}:{args.port} → LibreTime {settings.libretime_url} ({source}),"
        f" flavour {settings.flavor}, db {settings.db_path}",
        flush=True,
    )
    web.run_app(create_app(settings), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
