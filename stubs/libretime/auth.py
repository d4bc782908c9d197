"""LibreTime's two gates: the v2 API (DRF) and the legacy PHP app.

v2: ``Authorization: Api-Key <key>`` is checked by a permission class that does
``header.startswith("Api-Key")`` and ``header.split()[1]`` — so two spaces work, ``Api-Key`` alone
raises (500), and every failure is 403 "credentials were not provided" (never 401). HTTP Basic
with a LibreTime user works too; bad Basic credentials fail even on public routes because DRF
authenticates before it checks permissions.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from aiohttp import web

from .config import StubConfig
from .errors import LegacyError, drf_detail, not_authenticated, upstream_500


def _basic_credentials(header: str) -> tuple[str, str]:
    """DRF BasicAuthentication's parsing, with its error messages."""
    parts = header.split()
    if len(parts) == 1:
        raise drf_detail(403, "Invalid basic header. No credentials provided.")
    if len(parts) > 2:
        raise drf_detail(403, "Invalid basic header. Credentials string should not contain spaces.")
    try:
        decoded = base64.b64decode(parts[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise drf_detail(403, "Invalid basic header. Credentials not correctly base64 encoded.") from None
    user, sep, password = decoded.partition(":")
    if not sep:
        raise drf_detail(403, "Invalid basic header. Credentials not correctly base64 encoded.")
    return user, password


def authenticate_v2(request: web.Request, config: StubConfig, *, public: bool) -> None:
    """Raise the upstream error unless the request may use a v2 route."""
    header = request.headers.get("Authorization", "")
    if header.split(" ", 1)[0].lower() == "basic":
        user, password = _basic_credentials(header)
        expected = config.users.get(user)
        if expected is None or not hmac.compare_digest(expected, password):
            raise drf_detail(403, "Invalid username/password.")
        return
    if public:
        return
    if header.startswith("Api-Key"):
        parts = header.split()
        if len(parts) < 2:
            raise upstream_500()  # IndexError in upstream's permission class
        if hmac.compare_digest(parts[1].encode(), config.api_key.encode()):
            return
    raise not_authenticated()


def authenticate_legacy(request: web.Request, config: StubConfig) -> None:
    """The PHP app compares what follows the header's first six characters ("Basic ") with
    base64("<key>:"). A failure is thrown as an exception its error controller renders: 500,
    the refusal's text and the error page after it."""
    header = request.headers.get("Authorization", "")
    expected = base64.b64encode(f"{config.api_key}:".encode()).decode()
    if not hmac.compare_digest(header[6:].encode(), expected.encode()):
        raise LegacyError(500, "ERROR: Incorrect API key.", page=True)
