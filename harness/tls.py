"""One TLS context for every HTTP client the harness makes.

Building a context reads the CA bundle (tens of milliseconds each time), and a run makes hundreds
of clients (several per scenario); the context is safe to share between clients and loops.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
