"""Scenario files: YAML in, a checked ``Scenario`` out, or errors naming file, line and field."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..kinds.registry import names, scenario_schema, step_kind
from .pack import PACK_FILE, Pack, is_scenario_file, merged, pack_at, pack_of

# libyaml's parser where PyYAML has it (ten times faster, the same data and marks), else Python's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class ScenarioError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Scenario:
    path: Path
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    pack: Pack | None = None
    flavor: str | None = None  # set on the item of one flavour (``for_flavor``)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def item_id(self) -> str:
        """The id of this item: ``publish-day[v2]`` for a flavour's item, else the scenario's id."""
        return f"{self.id}[{self.flavor}]" if self.flavor else self.id

    @property
    def flavors(self) -> list[str]:
        """The LibreLog flavours the scenario applies to (none: it is flavour-agnostic)."""
        raw = self.data.get("flavors") or []
        return list(raw) if isinstance(raw, (list, dict)) else []

    def for_flavor(self, flavor: str) -> Scenario:
        """This scenario as the item of one flavour: LibreLog runs that flavour for it, and the
        flavour's vars join the scenario's: its pack's for the flavour, then the scenario's own
        (where ``flavors`` is a mapping), and ``flavor`` itself."""
        raw = self.data.get("flavors")
        extra = (raw.get(flavor) or {}) if isinstance(raw, dict) else {}
        shared = self.pack.flavors.get(flavor, {}) if self.pack is not None else {}
        data = {
            **self.data,
            "title": f"{self.data['title']} [{flavor}]",
            "settings": {**self.data.get("settings", {}), "flavor": flavor},
            "vars": {**shared, **self.data.get("vars", {}), **extra, "flavor": flavor},
        }
        return Scenario(path=self.path, data=data, lines=self.lines, pack=self.pack, flavor=flavor)

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def targets(self) -> list[str]:
        """Legacy: where a scenario said it runs. ``requires`` (harness/model/requirements.py) decides now."""
        return self.data.get("targets", [])

    @property
    def tags(self) -> list[str]:
        return self.data.get("tags", [])

    @property
    def steps(self) -> list[dict[str, Any]]:
        return self.data["steps"]

    def line(self, field_path: str) -> int:
        """Line of a field (``steps[2].expect``), or of its nearest ancestor that has one."""
        probe = field_path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe.rsplit(".", 1)[0] if "." in probe else (probe.rsplit("[", 1)[0] if "[" in probe else "")
        return 1


def field_path(parts: list[Any] | tuple[Any, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _index_lines(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}.{key.value}" if prefix else str(key.value)
            lines[name] = key.start_mark.line + 1
            _index_lines(value, name, lines)
            lines[name] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, f"{prefix}[{index}]", lines)


def _describe(error: Any) -> str:
    if error.validator == "oneOf" and isinstance(error.instance, dict) and error.schema.get("oneOf"):
        known = names()
        kinds = [k for k in known if k in error.instance]
        if all("required" in option for option in error.schema["oneOf"]):
            found = ", ".join(kinds) if kinds else "none"
            return f"a step needs exactly one of {', '.join(known)} (found: {found})"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return f"{error.message} (allowed: {', '.join(allowed)})"
    return error.message


def load(path: Path, root: Path | None = None) -> Scenario:
    """Parse and check one file; raises ScenarioError listing every problem."""
    shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    text = path.read_text(encoding="utf-8")
    try:
        node, data = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(shown, line, "", f"not valid YAML: {problem}")]) from None
    if not isinstance(data, dict) or node is None:
        raise ScenarioError([Problem(shown, 1, "", "a scenario is a YAML mapping with id, title, steps...")])
    lines: dict[str, int] = {}
    _index_lines(node, "", lines)
    pack = pack_of(path)
    if pack is not None and pack.defaults:
        data = merged(pack.defaults, data)
    scenario = Scenario(path=path, data=data, lines=lines, pack=pack)
    problems = [
        Problem(shown, scenario.line(where), where, message) for where, message in _schema_problems(pickle.dumps(data))
    ]
    if pack is not None:
        problems += _pack_problems(pack.root)
    if not problems:
        problems += _semantic_problems(scenario, shown)
    if problems:
        raise ScenarioError(problems)
    return scenario


def iter_steps(steps: list[dict[str, Any]], prefix: str = "steps") -> list[tuple[str, dict[str, Any]]]:
    """Every step with its field path, the steps inside ``eventually`` included."""
    out = []
    for index, step in enumerate(steps):
        where = f"{prefix}[{index}]"
        out.append((where, step))
        if "eventually" in step:
            out += [(f"{where}.eventually.step", step["eventually"]["step"])]
    return out


def _semantic_problems(scenario: Scenario, shown: str) -> list[Problem]:
    problems = []
    if scenario.data.get("flavors") and "flavor" in scenario.data.get("settings", {}):
        where = "settings.flavor"
        problems.append(
            Problem(shown, scenario.line(where), where, "give the flavour in flavors or in settings, not both")
        )
    for where, step in iter_steps(scenario.steps):
        kind = step_kind(step)
        if kind != "request" and ("expect" in step or "save" in step):
            problems.append(
                Problem(shown, scenario.line(where), where, f"expect/save belong to request steps, not {kind}")
            )
    return problems


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, from one parse."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


@lru_cache(maxsize=1024)
def _schema_problems(document: bytes) -> tuple[tuple[str, str], ...]:
    """Where and what the scenario schema finds wrong in a scenario (pickled: its exact values,
    dates included, as a cache key). Cached: the command checks every file before pytest collects
    the same files in the same process."""
    digest = hashlib.sha256(document).hexdigest()
    if digest in _VALID:
        return ()
    data = pickle.loads(document)  # noqa: S301 - pickled by load() above
    if _clean(data):
        _VALID.add(digest)
        return ()
    errors = _validator().iter_errors(data)
    found = tuple(
        (field_path(list(e.absolute_path)), _describe(e)) for e in sorted(errors, key=lambda e: list(e.absolute_path))
    )
    if not found:
        _VALID.add(digest)
    return found


# Digests of the scenario documents the schema found clean in this run: the process that checked
# them hands them to its pytest-xdist workers, which would otherwise check the same documents again.
_VALID: set[str] = set()


def valid_documents() -> list[str]:
    """The digests of the documents the schema found clean in this process."""
    return sorted(_VALID)


def trust_documents(digests: list[str]) -> None:
    """Take documents another process of this run found clean (exactly these bytes) as clean."""
    _VALID.update(digests)


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(scenario_schema())


@cache
def _fast_validator(part: str = "scenario") -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(scenario_schema() if part == "scenario" else _steps_schema())


def _steps_schema() -> dict[str, Any]:
    """A list of steps, as a pack's setup and teardown are."""
    return {"$defs": scenario_schema()["$defs"], "type": "array", "items": {"$ref": "#/$defs/step"}}


def _clean(data: Any, part: str = "scenario") -> bool:
    """jsonschema-rs's verdict, where it is "valid": it decides a clean document a hundred times
    faster than jsonschema. Anything else (a problem, a value JSON has no type for, such as a
    YAML date or a number as a key, or a step kind's schema jsonschema-rs cannot compile) is
    judged by jsonschema, whose messages the writer reads. ``part``: a whole scenario, or a list
    of ``steps``."""
    try:
        return bool(_fast_validator(part).is_valid(data))
    except ValueError:
        return False


@cache
def _pack_problems(root: Path) -> tuple[Problem, ...]:
    """The pack's own setup and teardown steps, checked like a scenario's (once per pack)."""
    pack = pack_at(root)
    assert pack is not None  # only called for a scenario's own pack
    if all(_clean(getattr(pack, part), "steps") for part in ("setup", "teardown")):
        return ()
    validator = _validator()
    checker = type(validator)(_steps_schema())
    shown = str(root / PACK_FILE)
    return tuple(
        Problem(shown, 1, field_path([part, *error.absolute_path]), _describe(error))
        for part in ("setup", "teardown")
        for error in checker.iter_errors(getattr(pack, part))
    )


def discover(root: Path) -> list[Path]:
    """The scenario files under a folder (a pack's own pack.yaml and manifest are not scenarios)."""
    return sorted(p for p in root.rglob("*.yaml") if p.is_file() and is_scenario_file(p.name))
