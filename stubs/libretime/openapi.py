"""LibreTime's own OpenAPI schema, shipped with the stub, and the field rules derived from it.

The stub validates writes with the same types, nullability, lengths and required fields as
upstream because it reads them from upstream's schema rather than restating them by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

Kind = Literal["int", "choice", "bool", "str", "datetime", "time", "duration", "decimal", "float", "fk"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    nullable: bool = False
    read_only: bool = False
    required: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Any, ...] = ()
    fk_table: str | None = None
    max_whole_digits: int | None = None
    decimal_places: int | None = None


SCHEMA_JSON = "data/libretime-openapi.json"


@cache
def schema_text() -> bytes:
    """The schema file's bytes (served verbatim by ``GET /api/v2/schema``)."""
    return resources.files(__package__).joinpath("data/libretime-openapi.yml").read_bytes()


@cache
def schema() -> dict[str, Any]:
    """Parsed once per process, from the JSON twin of the YAML file (a test keeps the two equal):
    parsing the YAML took a fifth of a second in every process that starts a stub."""
    return json.loads(resources.files(__package__).joinpath(SCHEMA_JSON).read_bytes())


def schema_from_yaml() -> dict[str, Any]:
    """The YAML file parsed, as served: what the JSON twin must equal."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(schema_text(), Loader=loader)  # noqa: S506 - SafeLoader variants only


def write_json_twin() -> None:
    """Rewrite the JSON twin from the YAML file (after the YAML changed)."""
    text = json.dumps(schema_from_yaml(), separators=(",", ":"), ensure_ascii=False) + "\n"
    target = resources.files(__package__).joinpath(SCHEMA_JSON)
    with resources.as_file(target) as path:
        path.write_text(text, encoding="utf-8")


@cache
def schema_json() -> bytes:
    return json.dumps(schema()).encode()


def component(name: str) -> dict[str, Any]:
    return schema()["components"]["schemas"][name]


def _resolve(ref: str) -> dict[str, Any]:
    return component(ref.rsplit("/", 1)[-1])


def field_specs(
    component_name: str,
    *,
    durations: frozenset[str] = frozenset(),
    fks: dict[str, str] | None = None,
) -> dict[str, FieldSpec]:
    """Field rules of one component, in the schema's (= DRF's output) order."""
    fks = fks or {}
    comp = component(component_name)
    required = set(comp.get("required", []))
    specs: dict[str, FieldSpec] = {}
    for name, prop in comp["properties"].items():
        kind: Kind
        choices: tuple[Any, ...] = ()
        nullable = bool(prop.get("nullable", False))
        whole = places = None
        if "allOf" in prop or "oneOf" in prop:
            refs = [_resolve(p["$ref"]) for p in prop.get("allOf", prop.get("oneOf", []))]
            values = [v for r in refs for v in r.get("enum", [])]
            nullable = nullable or None in values
            kind, choices = "choice", tuple(v for v in values if v is not None)
        elif name in fks:
            kind = "fk"
        elif prop.get("type") == "integer":
            kind = "int"
        elif prop.get("type") == "boolean":
            kind = "bool"
        elif prop.get("type") == "number":
            kind = "float"
        elif prop.get("format") == "date-time":
            kind = "datetime"
        elif prop.get("format") == "time":
            kind = "time"
        elif prop.get("format") == "decimal":
            kind = "decimal"
            # drf-spectacular encodes max_digits/decimal_places as ^-?\d{0,W}(?:\.\d{0,P})?$
            pattern = prop.get("pattern", "")
            nums = [int(n) for n in pattern.replace("{0,", " ").replace("}", " ").split() if n.isdigit()]
            if len(nums) == 2:
                whole, places = nums
        elif name in durations:
            kind = "duration"
        else:
            kind = "str"
        specs[name] = FieldSpec(
            name=name,
            kind=kind,
            nullable=nullable,
            read_only=bool(prop.get("readOnly", False)),
            required=name in required and not prop.get("readOnly", False),
            max_length=prop.get("maxLength"),
            minimum=prop.get("minimum"),
            maximum=prop.get("maximum"),
            choices=choices,
            fk_table=fks.get(name),
            max_whole_digits=whole,
            decimal_places=places,
        )
    return specs
