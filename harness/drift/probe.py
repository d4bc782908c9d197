"""A drift probe, as data: the rows it sets up through the v2 API, one request, what to compare.

Probes live in ``probes.yaml`` beside this module (validated by ``probe.schema.json``), so the
set grows by adding an entry whenever a difference is found by other means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ..errors import ConfigError

ASPECTS = ("status", "content_type", "keys", "body", "headers")


@dataclass(frozen=True)
class Setup:
    create: str  # a v2 collection: files, shows, show-instances, schedule, playout-history, libraries, webstreams
    name: str  # later templates read its row as {{ name.id }}
    body: dict[str, Any]  # merged over the collection's defaults
    upload: dict[str, Any] | None = None  # instead: real audio through /rest/media, analysed before the probe


@dataclass(frozen=True)
class Probe:
    id: str
    covers: str  # the behaviour of the written contract it checks
    request: dict[str, Any]  # method, path, params, json | data | files | raw, auth
    setup: list[Setup] = field(default_factory=list)
    compare: tuple[str, ...] = ("status", "content_type", "keys", "body")
    headers: tuple[str, ...] = ()  # response headers compared when "headers" is in compare
    scope: str | None = None  # a list answer: keep only the rows of this collection the probe made
    creates: str | None = None  # the request creates a row of this collection (cleaned up after)
    follow: dict[str, Any] | None = None  # a read after the request: what the write did
    ignore: tuple[str, ...] = ()  # body keys left out of the comparison, with the reason in `covers`
    contract: bool = True  # False: a route LIBRETIME.md does not cover (reported, never drift)
    face: str = "api"  # api: LibreTime's API port; nginx: its front (the legacy app, downloads served)
    body_as: str = "kind"  # kind: JSON by its label, else its kind; json: JSON whatever the label; text
    types: tuple[str, ...] = ()  # body fields compared by JSON type only (an analyzer's own numbers)
    present: tuple[str, ...] = ()  # headers compared by presence only


# The v2 collections LIBRETIME.md sections 1-2 describe; every other route of LibreTime's own
# OpenAPI document is outside the stub's contract.
CONTRACT = (
    "version",
    "info",
    "schema",
    "stream/state",
    "stream/preferences",
    "files",
    "schedule",
    "shows",
    "show-instances",
    "libraries",
    "playout-history",
    "webstreams",
)


def out_of_contract() -> list[Probe]:
    """One read per route of LibreTime's OpenAPI that the contract leaves out: what the stub does
    there is listed, not held to LibreTime's behaviour."""
    from stubs.libretime import openapi

    probes = []
    for path in openapi.schema()["paths"]:
        route = path.removeprefix("/api/v2/")
        if "{" in route or any(route == c or route.startswith(c + "/") for c in CONTRACT):
            continue
        probes.append(
            Probe(
                id=f"outside-{route.replace('/', '-')}",
                covers=f"GET {path}: not in the stub's contract",
                request={"method": "GET", "path": path},
                compare=("status", "content_type"),
                contract=False,
            )
        )
    return probes


def _schema() -> dict[str, Any]:
    return json.loads(resources.files("harness.drift").joinpath("probe.schema.json").read_text())


def load(path: Path | None = None) -> list[Probe]:
    """The built-in probe set, or the file given; every entry checked before anything is sent."""
    text = (
        path.read_text(encoding="utf-8")
        if path
        else resources.files("harness.drift").joinpath("probes.yaml").read_text()
    )
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"probe file is not readable YAML: {exc}") from None
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path)
        raise ConfigError(f"probe file: {where}: {first.message} ({len(errors)} problem(s))")
    probes = []
    for item in raw:
        setup = [
            Setup(s.get("create", "files"), s["as"], s.get("body", {}), s.get("upload")) for s in item.get("setup", [])
        ]
        probes.append(
            Probe(
                id=item["id"],
                covers=item["covers"],
                request=item["request"],
                setup=setup,
                compare=tuple(item.get("compare", ("status", "content_type", "keys", "body"))),
                headers=tuple(item.get("headers", ())),
                scope=item.get("scope"),
                creates=item.get("creates"),
                follow=item.get("follow"),
                ignore=tuple(item.get("ignore", ())),
                face=item.get("face", "api"),
                body_as=item.get("body_as", "kind"),
                types=tuple(item.get("types", ())),
                present=tuple(item.get("present", ())),
            )
        )
    ids = [p.id for p in probes]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"probe file: ids used twice: {', '.join(duplicates)}")
    return probes
