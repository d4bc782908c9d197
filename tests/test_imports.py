"""Every import the project's own code names resolves, including the ones inside functions.

Imports deferred into a function (to keep start-up cheap or an optional dependency optional)
only fail when that path runs; a module moved between packages can leave one behind that no
stub-only test reaches. This reads each module's imports and resolves them without running it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("harness", "stubs")


def _module_name(path: Path) -> tuple[str, str]:
    """(the module's dotted name, the package its relative imports start from)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        name = ".".join(parts[:-1])
        return name, name
    name = ".".join(parts)
    return name, name.rpartition(".")[0]


def _own_imports(path: Path, package: str) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, names taken from it) for each import of the project's own packages."""
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, target] if target else base)
            if target.split(".")[0] in PACKAGES:
                found.append((node.lineno, target, [a.name for a in node.names if a.name != "*"]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] in PACKAGES]
    return found


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _unresolved(path: Path, package: str) -> list[str]:
    missing: list[str] = []
    for line, module, names in _own_imports(path, package):
        try:
            loaded = importlib.import_module(module)
        except ImportError as exc:
            missing.append(f"line {line}: {module}: {exc}")
            continue
        for name in names:
            if not hasattr(loaded, name) and importlib.util.find_spec(f"{module}.{name}") is None:
                missing.append(f"line {line}: {module} has no {name}")
    return missing


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_own_import_resolves(path: Path) -> None:
    missing = _unresolved(path, _module_name(path)[1])
    assert not missing, "\n".join(missing)


def test_the_checker_sees_a_broken_deferred_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def later():\n    from . import no_such_module\n    from ..drift import fuzz\n", encoding="utf-8")
    assert _own_imports(probe, "harness.cli") == [
        (2, "harness.cli", ["no_such_module"]),
        (3, "harness.drift", ["fuzz"]),
    ]
    assert _unresolved(probe, "harness.cli") == ["line 2: harness.cli has no no_such_module"]


def test_the_command_line_and_the_scenario_check_start_without_the_services() -> None:
    import subprocess
    import sys

    # Neither service, nor aiohttp under them, nor the seeding that talks to them, nor the drift
    # command's probes: the command line and the scenario schema need none of these.
    services = ("stubs.librelog.app", "stubs.libretime.app", "harness.targets.stub", "aiohttp", "harness.seeding")
    services += ("harness.drift.capture",)
    probe = (
        "import sys\n"
        "import harness.cli\n"
        "import harness.running.deployment\n"  # the run's set-up, in the process that starts pytest
        "from harness.kinds.registry import scenario_schema\n"
        "scenario_schema()\n"
        f"print(sorted(m for m in {services!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_lazy_names_of_the_targets_and_the_stub_resolve() -> None:
    import harness.targets
    import stubs.libretime

    for name in harness.targets.__all__:
        assert getattr(harness.targets, name) is not None, name
    for name in stubs.libretime.__all__:
        assert getattr(stubs.libretime, name) is not None, name
    with pytest.raises(AttributeError):
        _ = harness.targets.no_such_target
