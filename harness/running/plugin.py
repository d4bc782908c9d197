"""The pytest plugin: ``scenarios/**/*.yaml`` become items, one per scenario.

Registered through the ``pytest11`` entry point. Tags become marks (``-m``), ids and titles are
in the node ids (``-k``), and every item is self-contained (own event loop, own services on free
ports), so pytest-xdist can spread them.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Loaded by every pytest run in the environment (pytest11 entry point): keep this module's own
# imports light and load the harness only when a scenario file is actually collected or run.
if TYPE_CHECKING:
    from ..live.capabilities import Capability, Facts
    from ..model.loader import Scenario
    from .deployment import RunOptions
    from .recorder import Recorder
    from .steps import Runner

TARGETS = ("stub", "live", "compose")
CATEGORIES = [
    {
        "name": "LibreTime or LibreLog unreachable",
        "matchedStatuses": ["broken", "failed"],
        "messageRegex": ".*(Unreachable|libretime_unreachable|libretime_timeout).*",
    },
    {"name": "Product defects", "matchedStatuses": ["failed"]},
    {"name": "Harness errors", "matchedStatuses": ["broken"]},
]


ASYNCIO_LOOP_SCOPE = "asyncio_default_fixture_loop_scope"


class AsyncioDefaults:
    """pytest-asyncio warns in every project that leaves its fixture loop scope unset. The harness
    runs its own event loops, so it settles the value pytest-asyncio will default to anyway: the
    warning never appears where this plugin is installed, and a project's own setting still wins."""

    def __init__(self, parser: pytest.Parser) -> None:
        self.parser = parser

    def apply(self) -> None:
        self.parser.addini(ASYNCIO_LOOP_SCOPE, help="default scope of asyncio fixtures' loops", default="function")

    def pytest_plugin_registered(self, plugin: object, plugin_name: str | None, manager: object) -> None:
        if plugin_name == "asyncio":  # pytest-asyncio just registered its (unset) default: settle it
            self.apply()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    defaults = AsyncioDefaults(parser)
    if pluginmanager.has_plugin("asyncio"):
        defaults.apply()
    else:
        pluginmanager.register(defaults, "librelog-verify-asyncio-defaults")
    group = parser.getgroup("librelog-verify")
    group.addoption("--target", choices=TARGETS, default="stub", help="where scenarios run (default: stub)")
    group.addoption("--sandbox-date", default=None, help="live runs write only on this date (default 2099-01-01)")
    group.addoption("--allow-destructive", action="store_true", help="let live runs write outside the sandbox")
    group.addoption("--preflight", default=None, help="the preflight's findings (JSON), as the CLI wrote them")
    group.addoption("--allow-commands", action="store_true", help="let scenarios run local programs (command steps)")
    group.addoption("--ledger", default=None, help="live runs: where the record of what the run creates is kept")
    group.addoption(
        "--interposer-url",
        default=None,
        help="an interposer LibreLog's LibreTime traffic goes through (default: LIBRETIME_INTERPOSER_URL)",
    )
    group.addoption(
        "--scenario-dir",
        action="append",
        default=[],
        help="a folder whose YAML files are scenarios (besides any folder named 'scenarios')",
    )


def _is_scenario_file(file_path: Path, config: pytest.Config) -> bool:
    """YAML under a folder named ``scenarios`` or a given ``--scenario-dir``; other YAML is left alone."""
    from ..model.pack import is_scenario_file

    if file_path.suffix not in (".yaml", ".yml") or not is_scenario_file(file_path.name):
        return False
    if "scenarios" in file_path.parts:
        return True
    return any(file_path.is_relative_to(Path(d).resolve()) for d in config.getoption("scenario_dir"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _is_scenario_file(file_path, parent.config):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[ScenarioItem]:
        from ..model.lint import hollow_successes
        from ..model.loader import ScenarioError, load

        root = Path(str(self.config.rootpath))
        try:
            scenario = load(self.path, root)
        except ScenarioError as exc:
            raise self.CollectError(f"invalid scenario:\n{exc}") from None
        problems = hollow_successes(
            scenario, str(self.path.relative_to(root)) if self.path.is_relative_to(root) else str(self.path)
        )
        if problems:
            raise self.CollectError("invalid scenario:\n" + "\n".join(map(str, problems)))
        for tag in scenario.tags:
            self.config.addinivalue_line("markers", f"{tag}: scenario tag")
        flavors = scenario.flavors
        if not flavors:
            yield ScenarioItem.from_parent(self, name=scenario.id, scenario=scenario)
        for flavor in flavors:  # one item per flavour the scenario applies to
            item = scenario.for_flavor(flavor)
            yield ScenarioItem.from_parent(self, name=item.item_id, scenario=item)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        from ..secrets import Masker

        self.recorder: Recorder | None = None
        self.masker = Masker([])
        for tag in scenario.tags:
            self.add_marker(tag)

    def runtest(self) -> None:
        import allure

        severity = {
            "blocker": allure.severity_level.BLOCKER,
            "critical": allure.severity_level.CRITICAL,
            "normal": allure.severity_level.NORMAL,
            "minor": allure.severity_level.MINOR,
            "trivial": allure.severity_level.TRIVIAL,
        }
        from ..live.capabilities import missing
        from ..model.requirements import reason, required

        target = self.config.getoption("target")
        data = self.scenario.data
        # Labels first: a scenario skipped for a missing capability is still filed under its feature.
        allure.dynamic.title(self.scenario.title)
        allure.dynamic.label("epic", "LibreLog → LibreTime")
        allure.dynamic.feature(data["feature"])
        if data.get("story"):
            allure.dynamic.story(data["story"])
        allure.dynamic.severity(severity[data["severity"]])
        allure.dynamic.tag(*self.scenario.tags, f"target:{target}")
        allure.dynamic.label("scenario_id", self.scenario.item_id)
        if self.scenario.flavor:
            allure.dynamic.label("flavor", self.scenario.flavor)
        if data.get("seed_doc"):
            allure.dynamic.label("seed_doc", data["seed_doc"])
        for step in data.get("seed_plan", []):
            allure.dynamic.label("seed_plan", str(step))
        for claim in data.get("seed_claims", []):
            allure.dynamic.label("seed_claim", claim)
        if data.get("defect"):
            allure.dynamic.label("defect", data["defect"])
        if self.scenario.pack is not None:
            allure.dynamic.label("pack", self.scenario.pack.name)
        allure.dynamic.description(data.get("description") or data.get("seed_doc") or data["title"])
        facts = target_facts(self.config)
        need = required(self.scenario, facts)
        lacking = missing(need, facts)
        if lacking:
            pytest.skip(reason(lacking, facts))
        try:
            skipped = asyncio.run(self._run(target, facts, need))
        except Exception as exc:
            self.masker.exception(exc)  # Allure and pytest both read the exception's own text
            raise
        if skipped:
            allure.dynamic.label("skipped_steps", str(len(skipped)))

    async def _run(self, target_name: str, facts: Facts, need: set[Capability]) -> list[str]:
        from dataclasses import replace

        from ..live.capabilities import Capability
        from ..model.templating import Context
        from ..targets import environment, scenario_sandbox
        from .deployment import open_target
        from .recorder import Recorder
        from .services import apply_services
        from .steps import Runner

        options = run_options(self.config)
        options = replace(options, sandbox=scenario_sandbox(options.sandbox, self.scenario.data.get("sandbox")))
        env = environment()
        context = Context(sandbox_date=options.sandbox, env=env, target={}, vars=self.scenario.data.get("vars", {}))
        context.render_vars()  # vars may use {{ sandbox_date }}, {{ env.X }} and values saved later
        settings = self.scenario.data.get("settings", {})
        async with open_target(facts, options, env, settings, need) as target:
            self.masker = target.masker
            self.recorder = Recorder(target.masker)
            context.target = target.describe()
            target.may_run_commands = Capability.COMMANDS in facts.capabilities
            apply_services(target, context.render(self.scenario.data.get("services", {})), env)
            runner = Runner(self.scenario, target, context, self.recorder, facts)
            teardown = self.scenario.pack.teardown if self.scenario.pack is not None else []
            async with runner.stack:
                await self._steps(runner, teardown)
            return runner.skipped

    async def _steps(self, runner: Runner, teardown: list[dict[str, Any]]) -> None:
        """The fixtures, the pack's setup, the scenario's steps, then the pack's teardown."""
        pack = self.scenario.pack
        try:
            await self._steps_of(runner, teardown)
        finally:
            if pack is not None and pack.foreign and runner.target.control is not None:
                await _record_libretime_calls(runner)

    async def _steps_of(self, runner: Runner, teardown: list[dict[str, Any]]) -> None:
        pack = self.scenario.pack
        try:
            fixtures = self.scenario.data.get("fixtures")
            if fixtures:
                await runner.run([{"name": "Seed the scenario's fixtures in LibreTime", "libretime.seed": fixtures}])
            if pack is not None and pack.setup:
                await runner.run(pack.setup, prefix="pack setup: ")
            await runner.run()
        except BaseException:
            if teardown:
                await runner.teardown(teardown, after_failure=True)
            raise
        if teardown:
            await runner.teardown(teardown)
            return runner.skipped

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        exc = excinfo.value
        # A class attribute, not isinstance: the harness modules are imported lazily and may be
        # reloaded between in-process pytest runs (pytester), which makes classes differ.
        kind = getattr(type(exc), "harness_kind", None)
        if kind is not None:
            trail = "\n".join(self.recorder.log) if self.recorder else ""
            return self.masker.text(f"{kind} in {self.scenario.title} ({self.scenario.id})\n{trail}\n{exc}")
        return self.masker.text(str(super().repr_failure(excinfo)))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario {self.scenario.id}: {self.scenario.title}"


async def _record_libretime_calls(runner: Runner) -> None:
    """Every request a pack's LibreLog made to LibreTime during the scenario, kept with its
    results: the report says which of them stock LibreTime answers."""
    from ..errors import HarnessError

    try:
        journal = await runner.target.control.journal()
    except HarnessError as exc:  # the record is said to be missing; the scenario's own verdict stands
        runner.rec.text("LibreTime calls", f"the journal could not be read: {exc}")
        return
    from ..compatibility import operation

    calls = []
    for request in journal["requests"]:
        template, stock = operation(request["method"], request["path"])
        calls.append({"method": request["method"], "path": template, "status": request.get("status"), "stock": stock})
    with runner.rec.step(f"What LibreLog asked of LibreTime: {len(calls)} request(s)"):
        runner.rec.json("LibreTime calls", calls)


FACTS_KEY = pytest.StashKey["Facts"]()


def given_pack(config: pytest.Config) -> Any:
    """The pack among the given scenario folders, if one of them is a pack."""
    from ..model.pack import pack_at

    return next((p for p in (pack_at(Path(d)) for d in config.getoption("scenario_dir")) if p), None)


def run_options(config: pytest.Config) -> RunOptions:
    from ..targets import env_sandbox
    from .deployment import RunOptions

    return RunOptions(
        target=config.getoption("target"),
        sandbox=env_sandbox(config.getoption("sandbox_date")),
        allow_destructive=config.getoption("allow_destructive"),
        allow_commands=config.getoption("allow_commands"),
        ledger=Path(config.getoption("ledger") or "reports/out/live-ledger.jsonl"),
        interposer_url=config.getoption("interposer_url") or os.environ.get("LIBRETIME_INTERPOSER_URL") or None,
    )


def target_facts(config: pytest.Config) -> Facts:
    """What the target offers: the CLI's preflight (passed as a file), else found once per process."""
    if FACTS_KEY not in config.stash:
        from ..live.capabilities import Facts
        from ..targets import environment
        from .deployment import facts_for

        if config.getoption("preflight"):
            facts = Facts.from_json(json.loads(Path(config.getoption("preflight")).read_text()))
        else:
            options = run_options(config)
            facts = facts_for(options, environment(), given_pack(config), options.interposer_url)
        config.stash[FACTS_KEY] = facts
    return config.stash[FACTS_KEY]


def _versions(session: pytest.Session, target: str) -> dict[str, str]:
    import platform
    from importlib.metadata import version

    found = {"librelog_verify": version("librelog-verify"), "python": platform.python_version()}
    if target == "stub":
        found["libretime_api"] = "2.0.0 (embedded stub)"
    else:  # read once, by the preflight
        found["libretime_api"] = target_facts(session.config).libretime_api_version or "unknown"
    return found


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Allure's environment and categories, next to the results (no secrets in either)."""
    results = session.config.getoption("allure_report_dir", default=None)
    if not results or hasattr(session.config, "workerinput"):
        return
    from ..targets import env_sandbox

    folder = Path(results)
    folder.mkdir(parents=True, exist_ok=True)
    target = session.config.getoption("target")
    env = os.environ
    facts = target_facts(session.config) if target != "stub" else None
    lines = {
        "target": target,
        "sandbox_date": str(env_sandbox(session.config.getoption("sandbox_date"))),
        # The deployment as the preflight found it (a LibreLog the run started has no variable of its own).
        "librelog_url": facts.librelog_url if facts is not None else "embedded stub",
        "libretime_url": facts.libretime_url if facts is not None else "embedded stub",
        "libretime_api_key": "set (embedded stub key)"
        if target == "stub"
        else ("set" if env.get("LIBRETIME_API_KEY") else "not set"),
        "librelog_api_token": "set" if env.get("LIBRELOG_API_TOKEN") else "not set",
    }
    lines.update(_versions(session, target))
    (folder / "environment.properties").write_text("".join(f"{k}={v}\n" for k, v in lines.items()))
    (folder / "categories.json").write_text(json.dumps(CATEGORIES, indent=2))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Cleanups run after every unconfigure hook and last-in, first-out: registered before pytest's
    # unraisable-exception plugin registers its own, this runs after its final collections, which
    # then skip the frozen objects; a process that runs pytest again still gets them back to free.
    config.add_cleanup(gc.unfreeze)
    handed = getattr(config, "workerinput", {}).get("librelog_verify_valid_documents")
    if handed:
        from ..model.loader import trust_documents

        trust_documents(handed)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the process that starts the workers: the scenario documents the command
    already checked against the schema, so that each worker does not check them again."""
    from ..model.loader import valid_documents

    node.workerinput["librelog_verify_valid_documents"] = valid_documents()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what start-up and collection built out of the garbage collector's sight: modules,
    scenario documents and test items live for the whole run, and every full collection during
    the scenarios would otherwise walk them again, for nothing. Only in a session that runs
    scenarios: a project's own tests, collected beside this plugin, keep the collector as it was."""
    if any(isinstance(item, ScenarioItem) for item in session.items):
        _load_what_scenarios_use(session.config.getoption("target"))
        gc.freeze()


def _load_what_scenarios_use(target: str) -> None:
    """The modules every scenario loads on its first run, loaded now so that they are frozen with
    the rest: the stub target's two services (aiohttp, their apps) are most of a process's objects."""
    import importlib

    names = ["harness.running.deployment", "harness.running.steps", "harness.running.services"]
    if target == "stub":
        names.append("harness.targets.stub")
    for name in names:
        importlib.import_module(name)
