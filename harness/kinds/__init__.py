"""Step kinds: the registry (``registry``) and the built-in families, one module each."""

from __future__ import annotations

from .registry import ENTRY_POINT_GROUP, StepKind, get, kinds, names, scenario_schema, step_kind

__all__ = ["ENTRY_POINT_GROUP", "StepKind", "get", "kinds", "names", "scenario_schema", "step_kind"]
