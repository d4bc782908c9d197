"""Step kinds as a registry, and the kinds that let a pack describe another LibreLog: a login,
per-service headers and tokens, local commands, values, and schedules from a mapped answer."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.effects.expected_entries import MappingError, expected_entries, start_of
from harness.effects.schedule import row_problems
from harness.errors import ConfigError, HarnessError
from harness.kinds import registry
from harness.kinds.commands import shown
from harness.kinds.values import collection_differences
from harness.live.capabilities import Capability
from harness.model.loader import Scenario, ScenarioError, load
from harness.model.templating import Context
from harness.running.expect import ExpectationFailed
from harness.running.recorder import Recorder
from harness.running.services import apply_services
from harness.running.steps import Runner
from harness.secrets import Masker
from harness.targets import Target

ROOT = Path(__file__).resolve().parent.parent


class Kept(Recorder):
    """A recorder that keeps what it would attach, masked as it would be."""

    def __init__(self, masker: Masker) -> None:
        super().__init__(masker, attachments=True)
        self.kept: list[str] = []

    def json(self, name: str, value: Any) -> None:
        self.kept.append(self.masker.text(json.dumps(value, default=str)))

    def text(self, name: str, value: str) -> None:
        self.kept.append(self.masker.text(value))

    def table(self, name: str, header: Any, rows: Any) -> None:
        self.kept.append(self.masker.text(json.dumps([header, rows], default=str)))


def target(handler: Any, *, commands: bool = False) -> Target:
    transport = httpx.MockTransport(handler)
    return Target(
        name="test",
        librelog=httpx.AsyncClient(base_url="http://librelog.test", transport=transport),
        libretime=httpx.AsyncClient(base_url="http://libretime.test", transport=transport),
        librelog_url="http://librelog.test",
        libretime_url="http://libretime.test",
        masker=Masker([]),
        sandbox_date=date(2099, 1, 1),
        has_control_plane=False,
        may_run_commands=commands,
    )


def run_steps(t: Target, steps: list[dict[str, Any]], env: dict[str, str] | None = None) -> tuple[Runner, Kept]:
    scenario = Scenario(path=Path("t.yaml"), data={"id": "t", "steps": steps})
    rec = Kept(t.masker)
    ctx = Context(sandbox_date=t.sandbox_date, env=env or {}, target={}, vars={})
    runner = Runner(scenario, t, ctx, rec)
    asyncio.run(runner.run())
    return runner, rec


# --- the registry ---------------------------------------------------------------------------


def test_every_kind_is_registered_once_by_family_and_the_schema_learns_them() -> None:
    kinds = registry.kinds()
    families = {k.family for k in kinds.values()}
    assert {
        "requests",
        "libretime_checks",
        "seeding",
        "values",
        "faults",
        "journal",
        "stub_control",
        "containers",
        "commands",
    } <= families
    schema = registry.scenario_schema()
    step = schema["$defs"]["step"]
    assert [o["required"][0] for o in step["oneOf"]] == list(kinds)
    assert set(kinds) <= set(step["properties"])
    assert "commands" in schema["properties"]["requires"]["items"]["enum"]
    assert kinds["command"].needs is Capability.COMMANDS and kinds["stub.fault"].needs is Capability.FAULTS
    assert kinds["stub.journal"].needs is Capability.JOURNAL and kinds["libretime.schedule_matches"].effect
    assert kinds["stub.journal"] is kinds["libretime.journal"] and kinds["stub.tamper"].needs is Capability.STUB_CONTROL


def test_the_runner_knows_no_kind_and_the_old_if_chain_is_gone() -> None:
    source = (ROOT / "harness" / "running" / "steps.py").read_text()
    assert "elif kind ==" not in source and '"stub.seed"' not in source


def _plugin_tree(tmp_path: Path, name: str = "ping") -> Path:
    """A distribution on disk whose entry point registers one step kind, as a user's package would."""
    site = tmp_path / "site"
    (site / "ping_kind-0.1.dist-info").mkdir(parents=True)
    (site / "ping_kind-0.1.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: ping-kind\nVersion: 0.1\n")
    (site / "ping_kind-0.1.dist-info" / "entry_points.txt").write_text(
        "[librelog_verify.step_kinds]\nping = ping_kind:KINDS\n"
    )
    (site / "ping_kind.py").write_text(
        textwrap.dedent(
            f"""
            from harness.running.expect import ExpectationFailed
            from harness.kinds import StepKind

            async def run(runner, spec, step, since):
                if spec["say"] != "pong":
                    raise ExpectationFailed(f"ping heard {{spec['say']!r}}, not pong")
                runner.ctx.saved["heard"] = spec["say"]

            KINDS = [StepKind("{name}", "ping", run,
                {{"type": "object", "required": ["say"], "additionalProperties": False,
                  "properties": {{"say": {{"type": "string"}}}}}}, effect=True)]
            """
        )
    )
    return site


def test_a_plugin_adds_a_kind_through_its_entry_point_without_touching_the_runner(tmp_path: Path) -> None:
    site = _plugin_tree(tmp_path)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    head = "title: A plugin step runs\nfeature: Plugins\nseverity: normal\nsteps:\n"
    (folder / "good.yaml").write_text("id: good\n" + head + "  - ping: {say: pong}\n")
    (folder / "bad.yaml").write_text("id: bad\n" + head + "  - ping: {say: pang}\n")
    (tmp_path / "typo").mkdir()
    (tmp_path / "typo" / "typo.yaml").write_text("id: typo\n" + head + "  - ping: {shout: pong}\n")
    env = {"PYTHONPATH": f"{site}:{ROOT}", "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "harness.cli"]
    typo = subprocess.run([*command, "validate", "typo"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert typo.returncode == 1 and "steps[0].ping: Additional properties are not allowed ('shout'" in typo.stdout
    ran = subprocess.run(
        [*command, "run", "--scenarios", "scenarios", "--no-report"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "1 passed, 1 failed" in ran.stdout and "ping heard 'pang', not pong" in ran.stdout


def test_a_kind_registered_twice_or_not_a_step_kind_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Point:
        name, value = "dup", "x:y"

        def __init__(self, found: Any) -> None:
            self.found = found

        def load(self) -> Any:
            return self.found

    twin = registry.StepKind("request", "mine", registry.get("request").run, {})
    for found, message in (([twin], "registered twice"), ([object()], "not a StepKind")):
        monkeypatch.setattr(registry.metadata, "entry_points", lambda group, f=found: [Point(f)])
        registry.kinds.cache_clear()
        with pytest.raises(registry.RegistryError, match=message):
            registry.kinds()
    monkeypatch.undo()
    registry.kinds.cache_clear()
    assert "request" in registry.kinds()


# --- login, service headers, tokens -------------------------------------------------------------


def _login_server(seen: list[httpx.Request]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/auth/login":
            body = json.loads(request.content)
            if body != {"username": "admin", "password": "s3cret-pass"}:
                return httpx.Response(401, json={"detail": "bad credentials"})
            return httpx.Response(200, json={"access_token": "tok-0123456789abcdef", "token_type": "bearer"})
        if request.headers.get("Authorization") != "Bearer tok-0123456789abcdef":
            return httpx.Response(401, json={"detail": "Not authenticated"})
        return httpx.Response(200, json={"echo": request.headers.get("authorization"), "host": request.headers["host"]})

    return handler


def test_a_login_authorizes_every_later_request_and_neither_token_nor_password_is_written() -> None:
    seen: list[httpx.Request] = []
    t = target(_login_server(seen))
    login = {"service": "librelog", "path": "/auth/login", "json": {"username": "admin", "password": "s3cret-pass"}}
    read = {"request": {"service": "librelog", "method": "GET", "path": "/logs/"}, "expect": {"status": 200}}
    _runner, rec = run_steps(t, [{"service.login": login}, read])
    assert seen[-1].headers["Authorization"] == "Bearer tok-0123456789abcdef"
    written = "\n".join(rec.kept + rec.log)
    assert "tok-0123456789abcdef" not in written and "s3cret-pass" not in written and "•••" in written
    with pytest.raises(ExpectationFailed, match="status: expected 200, got 401"):
        run_steps(target(_login_server([])), [{"service.login": {**login, "json": {"username": "admin"}}}])


def test_a_login_answer_without_a_token_is_one_clear_error() -> None:
    t = target(lambda r: httpx.Response(200, json={"token_type": "bearer"}))
    with pytest.raises(HarnessError, match="'access_token' found no token"):
        run_steps(t, [{"service.login": {"service": "librelog", "path": "/auth/login", "json": {}}}])


def test_service_headers_and_a_bearer_from_the_environment_apply_and_are_masked() -> None:
    seen: list[httpx.Request] = []
    t = target(_login_server(seen))
    services = {"librelog": {"headers": {"Host": "api"}, "bearer_env": "MY_TOKEN"}}
    apply_services(t, services, {"MY_TOKEN": "tok-0123456789abcdef"})
    read = {"request": {"service": "librelog", "method": "GET", "path": "/x"}, "expect": {"status": 200}}
    _runner, rec = run_steps(t, [read])
    assert seen[-1].headers["host"] == "api" and "tok-0123456789abcdef" not in "\n".join(rec.kept)
    with pytest.raises(ConfigError, match="MY_TOKEN is not set"):
        apply_services(target(_login_server([])), services, {})


# --- commands -----------------------------------------------------------------------------------


def _command(**spec: Any) -> dict[str, Any]:
    return {"command": {"run": [sys.executable, "-c", "import sys; print(sys.argv[1:])"], **spec}}


def test_a_command_saves_its_output_as_text_json_or_lines() -> None:
    t = target(lambda r: httpx.Response(404), commands=True)
    code = "import json, sys; print(json.dumps({'args': sys.argv[1:], 'stdin': sys.stdin.read()}))"
    runner, _ = run_steps(
        t,
        [
            {
                "command": {
                    "run": [sys.executable, "-c", code, ["a", "b"], 3],
                    "stdin": "hi",
                    "save_as": "out",
                    "output": "json",
                }
            },
            {
                "command": {
                    "run": [sys.executable, "-c", "print('x'); print(''); print('y')"],
                    "save_as": "ls",
                    "output": "lines",
                }
            },
            {"command": {"run": ["echo", " padded "], "save_as": "text"}},
        ],
    )
    assert runner.ctx.saved == {"out": {"args": ["a", "b", "3"], "stdin": "hi"}, "ls": ["x", "y"], "text": "padded"}


def test_a_command_is_refused_where_the_target_allows_none_and_fails_plainly() -> None:
    with pytest.raises(HarnessError, match="does not allow commands: run with --allow-commands"):
        run_steps(target(lambda r: httpx.Response(404)), [_command()])
    allowed = target(lambda r: httpx.Response(404), commands=True)
    failing = {"command": {"run": [sys.executable, "-c", "import sys; sys.stderr.write('no such table'); sys.exit(3)"]}}
    with pytest.raises(HarnessError, match="exited 3 \\(expected 0\\): no such table"):
        run_steps(allowed, [failing])
    slow = {"command": {"run": [sys.executable, "-c", "import time; time.sleep(5)"], "timeout_s": 0.3}}
    with pytest.raises(HarnessError, match=r"did not finish within 0\.3 s"):
        run_steps(allowed, [slow])
    with pytest.raises(HarnessError, match="could not start"):
        run_steps(allowed, [{"command": {"run": ["/nonexistent/program"]}}])
    with pytest.raises(HarnessError, match="not JSON"):
        run_steps(allowed, [{"command": {"run": ["echo", "{"], "save_as": "x", "output": "json"}}])


def test_a_password_inside_a_url_argument_is_never_shown() -> None:
    assert shown("postgresql://librelog:password@127.0.0.1:5434/db") == "postgresql://librelog:•••@127.0.0.1:5434/db"
    assert shown("-qtAX") == "-qtAX"


# --- values ------------------------------------------------------------------------------------


def test_value_expect_checks_a_saved_value_with_the_response_vocabulary() -> None:
    t = target(lambda r: httpx.Response(404))
    run_steps(t, [{"value.expect": {"value": [1, 2], "jmespath": [{"path": "length(@)", "equals": 2}]}}])
    with pytest.raises(ExpectationFailed, match="the rows: length\\(@\\): expected 3, got 2"):
        run_steps(
            t,
            [{"value.expect": {"what": "the rows", "value": [1, 2], "jmespath": [{"path": "length(@)", "equals": 3}]}}],
        )


def test_collections_match_names_missing_duplicated_differing_and_unexpected_items() -> None:
    expected = [{"id": 1, "t": "A", "d": 1.5}, {"id": 2, "t": "B", "d": 2.0}, {"id": 3, "t": "C", "d": 3.0}]
    actual = [
        {"lt": "1", "title": "A", "dur": 1},
        {"lt": "2", "title": "B", "dur": 2.0},
        {"lt": "2", "title": "B", "dur": 2.0},
        {"lt": "9", "title": "Z", "dur": 9.0},
    ]
    spec = {"expected": expected, "actual": actual, "expected_key": "to_string(id)", "actual_key": "lt"}
    problems, table = collection_differences({**spec, "fields": {"t": "title", "d": "dur"}, "exact": True})
    assert problems == ["1: dur 1, expected 1.5 (d)", "2: held 2 times", "3: missing", "9: not expected"]
    assert [row[0] for row in table] == ["1", "2", "3", "9"]
    assert collection_differences({**spec, "actual": [*actual[:2], {"lt": "3"}]})[0] == []


# --- schedules from a mapped answer ---------------------------------------------------------------

LOG = {
    "json_data": {
        "hourly_logs": {
            "06:00": {
                "hour": "06:00",
                "elements": [{"start_time": 0, "media_id": 10, "hard_start": True, "title": "ID"}],
            },
            "12:00": {"hour": "12:00", "elements": [{"start_time": 6.5, "media_id": None, "libretime_id": "6"}]},
        }
    }
}
MAPPING = {
    "date": "2099-01-01",
    "timezone": "America/New_York",
    "expected": LOG,
    "entries": "values(json_data.hourly_logs)",
    "group_entries": "elements",
    "group_start": "hour",
    "start": "start_time",
    "media_id": "media_id || libretime_id",
    "hard_start": "hard_start",
    "title": "title",
}


def test_mapped_entries_take_groups_clocks_and_offsets_in_the_stated_zone() -> None:
    entries = expected_entries(MAPPING)
    assert [(e.at, e.media, e.hard_start, e.title) for e in entries] == [
        (datetime(2099, 1, 1, 11, 0, tzinfo=UTC), 10, True, "ID"),
        (datetime(2099, 1, 1, 17, 0, 6, 500000, tzinfo=UTC), 6, False, None),
    ]
    assert [e.media for e in expected_entries({**MAPPING, "hours": [12]})] == [6]
    flat = {"date": "2099-07-01", "timezone": "Europe/Paris", "expected": {"entries": [{"s": "06:00:00", "m": "3"}]}}
    (one,) = expected_entries({**flat, "entries": "entries", "start": "s", "media_id": "m"})
    assert one.at == datetime(2099, 7, 1, 4, 0, tzinfo=UTC) and one.media == 3


def test_a_start_is_an_instant_a_local_time_a_clock_or_seconds() -> None:
    tz = __import__("zoneinfo").ZoneInfo("America/New_York")
    day = date(2099, 1, 1)
    base = datetime(2099, 1, 1, tzinfo=tz)
    assert start_of("2099-01-01T06:00:00Z", base, day, tz) == datetime(2099, 1, 1, 6, tzinfo=UTC)
    assert start_of("2099-01-01T06:00:00", base, day, tz) == datetime(2099, 1, 1, 11, tzinfo=UTC)
    assert start_of("06:00", base, day, tz) == datetime(2099, 1, 1, 11, tzinfo=UTC)
    assert start_of(90, base, day, tz) == datetime(2099, 1, 1, 5, 1, 30, tzinfo=UTC)
    for bad in (True, None, "", "six o'clock"):
        with pytest.raises(MappingError):
            start_of(bad, base, day, tz)


def test_a_mapping_that_does_not_fit_its_answer_is_a_scenario_error() -> None:
    with pytest.raises(MappingError, match="gave dict, not a list"):
        expected_entries({**MAPPING, "entries": "json_data.hourly_logs"})
    with pytest.raises(MappingError, match="not a valid JMESPath"):
        expected_entries({**MAPPING, "start": "start_time["})
    with pytest.raises(MappingError, match="not an IANA time zone"):
        expected_entries({**MAPPING, "timezone": "Mars/Olympus"})


def test_two_rows_playing_at_once_are_a_row_problem() -> None:
    def row(rid: int, start: str, end: str) -> dict[str, Any]:
        return {
            "id": rid,
            "starts_at": start,
            "ends_at": end,
            "fade_in": "00:00:00",
            "fade_out": "00:00:00",
            "position": rid,
            "instance": 1,
            "file": None,
        }

    instance = {1: {"id": 1, "starts_at": "2099-01-01T12:00:00Z", "ends_at": "2099-01-01T14:00:00Z"}}
    rows = [
        row(1, "2099-01-01T13:00:00Z", "2099-01-01T13:03:07Z"),
        row(2, "2099-01-01T13:00:10Z", "2099-01-01T13:00:18Z"),
        row(3, "2099-01-01T13:03:07Z", "2099-01-01T13:04:00Z"),
    ]
    _table, problems = row_problems(rows, {}, instance)
    assert problems == ["row 2 at 2099-01-01T13:00:10Z: overlaps row 1 (2099-01-01T13:00:00Z to 2099-01-01T13:03:07Z)"]


def test_a_scenario_using_an_unknown_kind_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("id: s\ntitle: Unknown kind here\nfeature: F\nseverity: normal\nsteps:\n  - nothing.here: {}\n")
    with pytest.raises(ScenarioError, match="a step needs exactly one of request, eventually"):
        load(path)


def test_the_schema_command_prints_every_registered_kind(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "schema", "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "step kinds" in done.stdout
    written = json.loads(out.read_text())
    assert [o["required"][0] for o in written["$defs"]["step"]["oneOf"]] == list(registry.kinds())


def test_each_matches_holds_every_item_of_a_list_to_a_pattern() -> None:
    t = target(lambda r: httpx.Response(404))
    rule = {"path": "[].start", "each_matches": "(Z|[+-]\\d{2}:?\\d{2})$"}
    good = [{"start": "2099-01-01T12:00:00Z"}, {"start": "2099-01-01T12:00:00-05:00"}]
    run_steps(t, [{"value.expect": {"value": good, "jmespath": [rule]}}])
    with pytest.raises(ExpectationFailed, match=r"1 of 2 do not match .*\['2099-01-01T12:00:00'\]"):
        run_steps(t, [{"value.expect": {"value": [*good[:1], {"start": "2099-01-01T12:00:00"}], "jmespath": [rule]}}])
    with pytest.raises(ExpectationFailed, match="expected a list of strings"):
        run_steps(t, [{"value.expect": {"value": [], "jmespath": [rule]}}])


class _Teardown:
    """Just what Runner.teardown uses: ``run`` (one step at a time here) and the recorder."""

    def __init__(self, failing: set[str]) -> None:
        self.ran: list[str] = []
        self.noted: list[str] = []
        self.failing = failing
        self.rec = type("Rec", (), {"text": lambda _self, name, value: self.noted.append(value)})()

    async def run(self, steps: list[dict[str, Any]], prefix: str = "") -> None:
        for step in steps:
            self.ran.append(step["name"])
            if step["name"] in self.failing:
                raise HarnessError(f"{step['name']} failed")


@pytest.mark.parametrize("after_failure", [False, True])
async def test_every_teardown_step_runs_though_one_before_it_failed(after_failure: bool) -> None:
    from harness.running.steps import Runner

    fake = _Teardown({"a", "b"})
    steps = [{"name": n} for n in ("a", "b", "c")]
    if after_failure:
        await Runner.teardown(fake, steps, after_failure=True)  # type: ignore[arg-type]
        assert fake.noted == ["HarnessError: a failed", "HarnessError: b failed"]
    else:
        with pytest.raises(HarnessError, match="a failed"):
            await Runner.teardown(fake, steps)  # type: ignore[arg-type]
        assert fake.noted == ["HarnessError: b failed"]
    assert fake.ran == ["a", "b", "c"]


def test_workers_take_the_documents_the_command_checked_and_still_check_any_other(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from harness.running import plugin

    good = tmp_path / "good.yaml"
    good.write_text(
        "id: g\ntitle: A checked scenario\nfeature: F\nseverity: normal\nsteps:\n"
        "  - request: {service: librelog, method: GET, path: /api/health}\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\ntitle: Never checked before\nfeature: F\nseverity: normal\nsteps:\n  - nothing.here: {}\n")
    load(good)
    node = SimpleNamespace(workerinput={})
    plugin.pytest_configure_node(node)
    handed = node.workerinput["librelog_verify_valid_documents"]
    assert handed and all(len(d) == 64 for d in handed)
    # A worker handed these digests still checks every document it was not handed.
    plugin.pytest_configure(SimpleNamespace(add_cleanup=lambda _f: None, workerinput=dict(node.workerinput)))
    with pytest.raises(ScenarioError, match="a step needs exactly one of request, eventually"):
        load(bad)
