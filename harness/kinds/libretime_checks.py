"""Step kinds that check effects: what LibreTime holds (schedule, files) and what LibreLog
stored from it, plus provisioning LibreTime test data through its own API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import checks
from ..errors import HarnessError
from .registry import StepKind

if TYPE_CHECKING:
    from ..steps import Runner


async def _snapshot(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    runner.snapshots[spec["save_as"]] = await checks.snapshot(
        runner.target, spec["date"], spec.get("timezone", "UTC"), runner.rec
    )


async def _matches_log(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    await checks.schedule_matches_log(
        runner.target, spec["log_id"], runner.rec, hard_start=spec.get("hard_start", False)
    )


async def _matches(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    from ..checks.expected_entries import schedule_matches

    await schedule_matches(runner.target, spec, runner.rec)


async def _rows_valid(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    from ..checks.schedule import rows_valid

    snap = await checks.snapshot(runner.target, spec["date"], spec.get("timezone", "UTC"), runner.rec)
    await rows_valid(runner.target, snap, runner.rec)


async def _diff(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    before = runner.snapshots.get(spec["since"])
    if before is None:
        raise HarnessError(f"no snapshot named {spec['since']!r} was taken before this step")
    after = await checks.snapshot(runner.target, before.date, before.timezone, runner.rec)
    checks.schedule_diff(before, after, spec["changed_hours"], spec.get("must_change", False), runner.rec)


async def _file(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    await checks.file_check(runner.target, spec, runner.rec)


async def _provision(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    from ..provision import provision

    runner.ctx.saved.update(await provision(runner.target, spec, runner.rec))


async def _tracks(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    await checks.tracks_match_libretime(runner.target, spec, runner.rec)


async def _placement(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    await checks.librelog_placement(runner.target, runner.rec)


async def _proxy(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
    await checks.proxy_matches_libretime(runner.target, spec, runner.rec)


KINDS = [
    StepKind("libretime.snapshot", "libretime_checks", _snapshot, {"$ref": "#/$defs/snapshot"}),
    StepKind(
        "libretime.schedule_matches_log",
        "libretime_checks",
        _matches_log,
        {"$ref": "#/$defs/matches_log"},
        effect=True,
    ),
    StepKind(
        "libretime.schedule_matches",
        "libretime_checks",
        _matches,
        {"$ref": "#/$defs/schedule_matches"},
        effect=True,
        title=lambda spec: f"LibreTime's schedule of {spec['date']} ({spec['timezone']}) holds the expected entries",
    ),
    StepKind("libretime.schedule_diff", "libretime_checks", _diff, {"$ref": "#/$defs/schedule_diff"}, effect=True),
    StepKind(
        "libretime.rows_valid",
        "libretime_checks",
        _rows_valid,
        {"$ref": "#/$defs/snapshot_day"},
        description="every schedule row of a station-local day is well formed: cue window, fades, instance,"
        " no two rows playing at once (an empty day passes)",
        effect=True,
        title=lambda spec: f"every row of LibreTime's {spec['date']} ({spec.get('timezone', 'UTC')}) is well formed",
    ),
    StepKind("libretime.file", "libretime_checks", _file, {"$ref": "#/$defs/file"}, effect=True),
    StepKind("libretime.provision", "libretime_checks", _provision, {"$ref": "#/$defs/libretime_provision"}),
    StepKind(
        "librelog.tracks_match_libretime",
        "libretime_checks",
        _tracks,
        {"$ref": "#/$defs/librelog_tracks_match_libretime"},
        effect=True,
    ),
    StepKind("librelog.placement", "libretime_checks", _placement, {"$ref": "#/$defs/librelog_placement"}),
    StepKind(
        "librelog.proxy_matches_libretime",
        "libretime_checks",
        _proxy,
        {"$ref": "#/$defs/librelog_proxy_matches_libretime"},
        effect=True,
    ),
]
