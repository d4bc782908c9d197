"""Per-service defaults a scenario (or its pack) states: headers sent with every request, and a
bearer token read from the environment. The token, and the value of a credential header
(Authorization, X-Api-Key, Cookie), are secrets to the masker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ConfigError
from .targets import Target

SECRET_HEADERS = {"authorization", "x-api-key", "cookie"}


def apply_services(target: Target, services: Mapping[str, Any], env: Mapping[str, str]) -> None:
    for name, settings in services.items():
        client = target.librelog if name == "librelog" else target.libretime
        for header, value in (settings.get("headers") or {}).items():
            client.headers[header] = value
            if header.lower() in SECRET_HEADERS:
                target.masker.add(value)
        variable = settings.get("bearer_env")
        if variable:
            token = env.get(variable)
            if not token:
                raise ConfigError(f"services.{name}.bearer_env: {variable} is not set in the environment")
            target.masker.add(token)
            client.headers["Authorization"] = f"Bearer {token}"


def service_headers(services: Mapping[str, Any], name: str, env: Mapping[str, str]) -> dict[str, str]:
    """The headers a service's settings give (for probes made outside a scenario, like the preflight)."""
    settings = services.get(name) or {}
    headers = dict(settings.get("headers") or {})
    if settings.get("bearer_env") and env.get(settings["bearer_env"]):
        headers["Authorization"] = f"Bearer {env[settings['bearer_env']]}"
    return headers
