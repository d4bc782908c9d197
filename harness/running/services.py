"""Per-service defaults a scenario (or its pack) states: headers sent with every request, and a
bearer token read from the environment. The token, and the value of a credential header
(Authorization, X-Api-Key, Cookie), are secrets to the masker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError
from ..targets import Target

SECRET_HEADERS = {"authorization", "x-api-key", "cookie"}


def service_headers(services: Mapping[str, Any], name: str, env: Mapping[str, str]) -> dict[str, str]:
    """The headers a service's settings give, its bearer token included."""
    settings = services.get(name) or {}
    headers = dict(settings.get("headers") or {})
    variable = settings.get("bearer_env")
    if variable:
        if not env.get(variable):
            raise ConfigError(f"services.{name}.bearer_env: {variable} is not set in the environment")
        headers["Authorization"] = f"Bearer {env[variable]}"
    return headers


def apply_services(target: Target, services: Mapping[str, Any], env: Mapping[str, str]) -> None:
    for name in services:
        client = target.librelog if name == "librelog" else target.libretime
        for header, value in service_headers(services, name, env).items():
            client.headers[header] = value
            if header.lower() in SECRET_HEADERS:
                target.masker.add(value.split(" ", 1)[-1])  # the credential, with or without its scheme
