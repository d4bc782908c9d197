"""LibreLog's settings, read from the environment only when ``Settings.from_env`` is called."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Flavor = Literal["integration", "v2"]
FLAVORS: tuple[Flavor, ...] = ("integration", "v2")
_API_SUFFIX = re.compile(r"/api(?:/v2)?$")


class SettingsError(ValueError):
    """A configuration value that cannot be used (named, never echoing secrets)."""


def normalise_base_url(url: str) -> str:
    """Drop trailing slashes and a trailing ``/api/v2`` or ``/api`` *suffix* (not characters).

    ``http://api`` stays ``http://api`` (the original's ``rstrip("/api/v2")`` made it ``http:``).
    """
    parts = urlsplit(url.strip())
    # Only the path is trimmed: in "http://api" the "api" is the host.
    path = _API_SUFFIX.sub("", parts.path.rstrip("/")).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True)
class Settings:
    libretime_url: str | None = None
    url_source: str | None = None
    api_key: str = ""
    public_url: str | None = None
    flavor: Flavor = "integration"
    timeout_s: float = 10.0
    retries: int = 3
    db_path: str = "data/librelog.sqlite3"
    api_token: str | None = None
    station_timezone: str = "UTC"
    station: str = "main"
    max_upload_bytes: int = 100 * 1024 * 1024
    # Test deployments only: expose POST /__test__/reset (wipes LibreLog) so a harness can start
    # every scenario fresh on a shared stack. Never set it on a station.
    test_reset: bool = False
    # Backoff between retries: base * 2**attempt plus jitter, capped (seconds).
    backoff_base_s: float = 0.2
    backoff_cap_s: float = 5.0
    # How long a voice upload through stock LibreTime's /rest/media waits for LibreTime's analyzer
    # before setting the file's metadata (the analyzer's own results would overwrite it).
    import_wait_s: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        internal = env.get("LIBRETIME_INTERNAL_URL", "").strip()
        api = env.get("LIBRETIME_API_URL", "").strip()
        if internal:
            url, source = normalise_base_url(internal), "LIBRETIME_INTERNAL_URL"
        elif api:
            url, source = normalise_base_url(api), "LIBRETIME_API_URL"
        else:
            url, source = None, None
        station_tz = env.get("LIBRELOG_STATION_TIMEZONE") or "UTC"
        try:
            ZoneInfo(station_tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"LIBRELOG_STATION_TIMEZONE is not a known IANA time zone: {station_tz!r}") from None
        flavor = env.get("LIBRETIME_API_FLAVOR", "integration").strip() or "integration"
        if flavor not in FLAVORS:
            raise SettingsError(f"LIBRETIME_API_FLAVOR must be one of {', '.join(FLAVORS)}, not {flavor!r}")
        return cls(
            libretime_url=url,
            url_source=source,
            api_key=env.get("LIBRETIME_API_KEY", ""),
            public_url=env.get("LIBRETIME_PUBLIC_URL") or None,
            flavor=flavor,  # type: ignore[arg-type]
            timeout_s=_number(env, "LIBRETIME_TIMEOUT", 10.0, low=0.1),
            retries=int(_number(env, "LIBRETIME_RETRIES", 3, low=0, integer=True)),
            db_path=env.get("LIBRELOG_DB") or "data/librelog.sqlite3",
            api_token=env.get("LIBRELOG_API_TOKEN") or None,
            station_timezone=station_tz,
            max_upload_bytes=int(_number(env, "LIBRELOG_MAX_UPLOAD_MB", 100, low=1, integer=True)) * 1024 * 1024,
            test_reset=env.get("LIBRELOG_TEST_RESET", "").strip().lower() in {"1", "true", "yes"},
            import_wait_s=_number(env, "LIBRETIME_IMPORT_WAIT", 30.0, low=0),
        )


def _number(env: Mapping[str, str], name: str, default: float, *, low: float, integer: bool = False) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a{'n integer' if integer else ' number'}, not {raw!r}") from None
    if value < low:
        raise SettingsError(f"{name} must be at least {low}")
    return value
