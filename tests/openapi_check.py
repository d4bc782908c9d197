"""Validate stub responses against LibreTime's own OpenAPI schema (``../shared/reference``)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

ROOT = Path(__file__).resolve().parent.parent
SHARED_REFERENCE = ROOT.parent / "shared" / "reference"
PACKAGED = ROOT / "stubs" / "libretime" / "data" / "libretime-openapi.yml"


@cache
def spec() -> dict[str, Any]:
    # The shared copy is the contract; the packaged copy (identical, tested) serves offline runs.
    path = SHARED_REFERENCE / "libretime-openapi.yml"
    if not path.exists():
        path = PACKAGED
    return yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def _template_for(path: str) -> str:
    for template in spec()["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"{path} is not in LibreTime's schema")


def response_schema(path: str, method: str, status: int) -> dict[str, Any]:
    operation = spec()["paths"][_template_for(path)][method.lower()]
    content = operation["responses"][str(status)]["content"]["application/json"]
    return content["schema"]


def assert_conforms(path: str, method: str, status: int, body: Any) -> None:
    schema = response_schema(path, method, status)
    document = {**schema, "components": spec()["components"]}
    validator = OAS30Validator(document)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{method} {path} → {status} does not match LibreTime's schema: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )
