"""``{{ }}`` templates in scenario values: saved values, vars, environment and helpers.

``{{ name }}`` or ``{{ saved.log.entries[0].start }}`` are JMESPath lookups into the context;
helpers are ``sandbox_date`` / ``sandbox_date(+1)``, ``uuid``, ``now``, ``today``. A value
that is one whole template keeps its type (``{{ log_id }}`` stays an int).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_CALL = re.compile(r"^([a-z_]+)\(\s*([+-]?\d+)?\s*\)$")


class TemplateError(Exception):
    """A template that names nothing, or a helper used wrongly (a scenario mistake)."""

    harness_kind = "SCENARIO ERROR"


class Context:
    def __init__(
        self, *, sandbox_date: date, env: Mapping[str, str], target: Mapping[str, Any], vars: Mapping[str, Any]
    ):
        self.sandbox_date = sandbox_date
        self.env = dict(env)
        self.target = dict(target)
        self.vars = dict(vars)
        self.saved: dict[str, Any] = {}

    def _lookup(self, expr: str) -> Any:
        call = _CALL.match(expr)
        if call or expr in ("sandbox_date", "uuid", "now", "today"):
            name = call.group(1) if call else expr
            offset = int(call.group(2)) if call and call.group(2) else 0
            if name == "sandbox_date":
                return (self.sandbox_date + timedelta(days=offset)).isoformat()
            if name == "today":
                return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()
            if name == "now":
                return (datetime.now(UTC) + timedelta(seconds=offset)).isoformat().replace("+00:00", "Z")
            if name == "uuid":
                return str(uuid.uuid4())
            raise TemplateError(f"unknown helper {name}()")
        scope = {
            **self.vars,
            **self.saved,
            "saved": self.saved,
            "vars": self.vars,
            "env": self.env,
            "target": self.target,
        }
        try:
            value = jmespath.search(expr, scope)
        except JMESPathError as exc:
            raise TemplateError(f"{{{{ {expr} }}}} is not a valid expression: {exc}") from None
        if value is None:
            known = ", ".join(sorted([*self.saved, *self.vars])) or "nothing saved yet"
            raise TemplateError(f"{{{{ {expr} }}}} names nothing (saved/vars: {known})")
        return value

    def render_vars(self) -> None:
        """Render the vars once, at the start: a var that names something not saved yet stays a
        template, rendered where it is used (``reads: "{{ library.pages }}"``)."""
        for name, value in list(self.vars.items()):
            try:
                self.vars[name] = self.render(value)
            except TemplateError:
                continue

    def _value(self, expr: str, depth: int) -> Any:
        value = self._lookup(expr)
        if depth < 5 and isinstance(value, str) and "{{" in value:
            return self.render(value, depth + 1)  # a var left as a template at the start
        return value

    def render(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, str):
            whole = _TEMPLATE.fullmatch(value.strip())
            if whole:
                return self._value(whole.group(1), depth)
            return _TEMPLATE.sub(lambda m: str(self._value(m.group(1), depth)), value)
        if isinstance(value, list):
            return [self.render(v, depth) for v in value]
        if isinstance(value, dict):
            return {self.render(k, depth) if isinstance(k, str) else k: self.render(v, depth) for k, v in value.items()}
        return value
