"""Scenarios that apply to LibreLog's flavours run as one item per flavour, each with its flavour's
settings and vars; a scenario may have a sandbox date of its own (a clock change); vars may name
values saved later."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.live.capabilities import Capability, Facts
from harness.model.loader import ScenarioError, load
from harness.model.requirements import reason, required
from harness.model.templating import Context, TemplateError
from harness.targets import scenario_sandbox

ROOT = Path(__file__).resolve().parent.parent

HEAD = "id: f\ntitle: Flavoured\nfeature: F\nseverity: normal\n"
STEP = "steps:\n  - librelog.get: {path: /sync/status, expect: {status: 200}}\n"


def write(folder: Path, text: str) -> Path:
    path = folder / "f.yaml"
    path.write_text(HEAD + text + STEP)
    return path


def test_each_flavour_is_an_item_with_its_settings_and_vars(tmp_path: Path) -> None:
    scenario = load(write(tmp_path, "flavors:\n  integration: {reads: 5}\n  v2: {reads: 1}\nvars: {reads: 0, x: 1}\n"))
    assert scenario.flavors == ["integration", "v2"]
    v2 = scenario.for_flavor("v2")
    assert (v2.item_id, v2.flavor, v2.title) == ("f[v2]", "v2", "Flavoured [v2]")
    assert v2.data["settings"] == {"flavor": "v2"}
    assert v2.data["vars"] == {"reads": 1, "x": 1, "flavor": "v2"}  # the flavour's vars win
    assert load(write(tmp_path, "")).flavors == []  # no flavours: one item, whatever LibreLog runs


def test_a_packs_flavour_vars_are_under_the_scenarios() -> None:
    publish = load(ROOT / "scenarios" / "errors" / "libretime-500.yaml", ROOT)
    integration, v2 = (publish.for_flavor(f).data["vars"] for f in ("integration", "v2"))
    assert integration["calls"]["publish_day"]["path"] == "/api/v2/integration/schedule/replace-day"
    assert v2["calls"]["publish_day"] == {"method": "POST", "path": "/api/v2/schedule"}


def test_a_flavour_item_needs_its_flavour_and_says_why_when_it_cannot_run(tmp_path: Path) -> None:
    scenario = load(write(tmp_path, "flavors: [integration, v2]\n"))
    stock = Facts(
        target="live",
        capabilities={Capability.FLAVOR_V2},
        notes=["flavor_integration: LibreTime has no integration extension (stock LibreTime)"],
    )
    assert required(scenario.for_flavor("v2"), stock) == {Capability.FLAVOR_V2}
    lacking = sorted(required(scenario.for_flavor("integration"), stock) - stock.capabilities)
    assert reason(lacking, stock) == (
        "needs flavor_integration (LibreTime has no integration extension (stock LibreTime)): the live target"
        " does not offer it"
    )


def test_flavours_and_a_flavour_setting_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="give the flavour in flavors or in settings, not both"):
        load(write(tmp_path, "flavors: [v2]\nsettings: {flavor: v2}\n"))


@pytest.mark.parametrize(
    ("base", "spec", "expected"),
    [
        (date(2099, 1, 1), None, date(2099, 1, 1)),
        (date(2099, 1, 1), {"dst_change": "fall", "timezone": "America/New_York"}, date(2099, 11, 1)),
        (date(2026, 11, 1), {"dst_change": "fall", "timezone": "America/New_York"}, date(2026, 11, 1)),
        (date(2099, 1, 1), {"dst_change": "spring", "timezone": "Europe/Berlin"}, date(2099, 3, 29)),
        (date(2099, 1, 1), {"dst_change": "spring", "timezone": "Australia/Sydney"}, date(2099, 10, 4)),
    ],
)
def test_a_scenarios_own_sandbox_is_its_zones_next_clock_change(base: date, spec: dict | None, expected: date) -> None:
    assert scenario_sandbox(base, spec) == expected


def test_a_zone_that_never_changes_its_clocks_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="changes its clocks"):
        scenario_sandbox(date(2099, 1, 1), {"dst_change": "fall", "timezone": "America/Phoenix"})


def test_a_var_may_name_a_value_saved_later() -> None:
    context = Context(
        sandbox_date=date(2099, 1, 1), env={}, target={}, vars={"reads": "{{ library.pages }}", "day": "{{ today }}"}
    )
    context.render_vars()
    assert context.vars["reads"] == "{{ library.pages }}" and context.vars["day"] != "{{ today }}"
    with pytest.raises(TemplateError, match="names nothing"):
        context.render("{{ reads }}")
    context.saved["library"] = {"pages": 3}
    assert context.render("{{ reads }}") == 3  # rendered where it is used, keeping its type
