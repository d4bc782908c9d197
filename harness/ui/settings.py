"""Where LibreTime's web UI is and who logs in: from the environment, the password masked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import ConfigError


@dataclass(frozen=True)
class UISettings:
    url: str  # the legacy app's base URL, behind nginx (the login page is {url}/login)
    user: str
    password: str = field(repr=False)
    timeout_s: float = 20.0  # per view: a UI that has not drawn by then is a failure, never a hang

    @classmethod
    def from_env(cls, env: Mapping[str, str], default_url: str) -> UISettings | None:
        """``LIBRETIME_UI_URL`` (default: LibreTime's URL), ``LIBRETIME_UI_USER`` and
        ``LIBRETIME_UI_PASSWORD``; None without credentials."""
        user, password = env.get("LIBRETIME_UI_USER"), env.get("LIBRETIME_UI_PASSWORD")
        if not user or not password:
            return None
        text = env.get("LIBRETIME_UI_TIMEOUT_S") or str(cls.timeout_s)
        try:
            timeout = float(text)
        except ValueError:
            raise ConfigError(f"LIBRETIME_UI_TIMEOUT_S must be a number of seconds, not {text!r}") from None
        return cls((env.get("LIBRETIME_UI_URL") or default_url).rstrip("/"), user, password, timeout)
