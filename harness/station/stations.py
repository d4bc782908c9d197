"""The stations file of ``check --stations``: a network's stations, checked in one run.

    stations:
      - name: kxyz
        libretime_url: https://kxyz.example.org
        libretime_api_key_env: KXYZ_LIBRETIME_API_KEY   # the key itself never sits in the file
        timezone: America/Chicago                       # needed without librelog
        librelog:                                       # optional: adds the log comparison
          url: https://librelog.kxyz.example.org
          token_env: KXYZ_LIBRELOG_API_TOKEN            # optional
          station: KXYZ                                 # optional: LibreLog's station name

Every mistake is one line naming the station and the field (the command exits 2), found before
any station is read: an unknown key, a duplicate name, a variable that is not set, a zone that is
not a zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..errors import ConfigError
from .settings import StationSettings

_URL = {"type": "string", "pattern": "^https?://[^\\s]+$"}
_ENV_NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["stations"],
    "properties": {"stations": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/station"}}},
    "$defs": {
        "station": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "libretime_url", "libretime_api_key_env"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^\\S(.*\\S)?$"},
                "libretime_url": _URL,
                "libretime_api_key_env": _ENV_NAME,
                "timezone": {"type": "string", "minLength": 1},
                "librelog": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["url"],
                    "properties": {"url": _URL, "token_env": _ENV_NAME, "station": {"type": "string", "minLength": 1}},
                },
            },
        }
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


def _who(doc: Any, index: int) -> str:
    try:
        name = doc["stations"][index]["name"]
    except (KeyError, IndexError, TypeError):
        name = None
    return f"station {name!r}" if isinstance(name, str) and name else f"station #{index + 1}"


def _problem(source: str, doc: Any, error: ValidationError) -> str:
    path = list(error.absolute_path)
    in_station = len(path) >= 2 and path[0] == "stations" and isinstance(path[1], int)
    who = _who(doc, path[1]) if in_station else "the file"
    field = ".".join(map(str, path[2:] if in_station else path))
    where = f"{field}." if field else ""
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(known))
        return f"{source}: {who}: unknown key {where}{unknown[0]} (known: {', '.join(known)})"
    if error.validator == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        return f"{source}: {who}: {where}{missing} is missing"
    return f"{source}: {who}: {field or 'the entry'}: {error.message}"


def _zone(source: str, who: str, name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{source}: {who}: timezone {name!r} is not an IANA time zone") from None
    return name


def _variable(source: str, who: str, field: str, name: str, env: Mapping[str, str]) -> str:
    value = env.get(name)
    if not value:
        raise ConfigError(f"{source}: {who}: {field} names {name}, which is not set in the environment")
    return value


def parse(
    text: str, env: Mapping[str, str], source: str = "stations file", default_timezone: str | None = None
) -> list[StationSettings]:
    """The stations of a file's text; ``env`` holds the keys the file names; ``default_timezone``
    (``--timezone``) serves the stations that name none."""
    from stubs.librelog.config import normalise_base_url

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{source}: not YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    errors = sorted(_VALIDATOR.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(_problem(source, doc, errors[0]))
    seen: dict[str, int] = {}
    out = []
    for index, entry in enumerate(doc["stations"]):
        who = _who(doc, index)
        if entry["name"] in seen:
            raise ConfigError(
                f"{source}: {who}: name is used twice (stations #{seen[entry['name']] + 1} and #{index + 1})"
            )
        seen[entry["name"]] = index
        librelog = entry.get("librelog") or {}
        timezone = _zone(source, who, entry["timezone"]) if "timezone" in entry else default_timezone
        if not librelog and not timezone:
            raise ConfigError(
                f"{source}: {who}: timezone is missing (without librelog nothing else says the station's zone)"
            )
        out.append(
            StationSettings(
                libretime_url=normalise_base_url(entry["libretime_url"]),
                api_key=_variable(source, who, "libretime_api_key_env", entry["libretime_api_key_env"], env),
                librelog_url=librelog["url"].rstrip("/") if librelog else None,
                librelog_token=(
                    _variable(source, who, "librelog.token_env", librelog["token_env"], env)
                    if "token_env" in librelog
                    else None
                ),
                timezone=timezone,
                name=entry["name"],
                librelog_station=librelog.get("station"),
            )
        )
    return out


def load(path: Path, env: Mapping[str, str], default_timezone: str | None = None) -> list[StationSettings]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--stations {path}: {exc.strerror or exc}") from None
    return parse(text, env, str(path), default_timezone)
