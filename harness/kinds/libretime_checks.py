"""Step kinds that check effects: what LibreTime holds (schedule, files) and what LibreLog
stored from it."""

from __future__ import annotations

from ..effects.deployment import librelog_placement, proxy_matches_libretime
from ..effects.library import file_check, tracks_match_libretime
from ..effects.schedule import schedule_diff, schedule_matches_log, snapshot
from ..errors import HarnessError
from .registry import StepContext, StepKind


async def _snapshot(context: StepContext) -> None:
    spec = context.spec
    context.runner.snapshots[spec["save_as"]] = await snapshot(
        context.target, spec["date"], spec.get("timezone", "UTC"), context.rec
    )


async def _matches_log(context: StepContext) -> None:
    spec = context.spec
    await schedule_matches_log(context.target, spec["log_id"], context.rec, hard_start=spec.get("hard_start", False))


async def _matches(context: StepContext) -> None:
    from ..effects.expected_entries import schedule_matches

    await schedule_matches(context.target, context.spec, context.rec)


async def _rows_valid(context: StepContext) -> None:
    from ..effects.schedule import rows_valid

    spec = context.spec
    snap = await snapshot(context.target, spec["date"], spec.get("timezone", "UTC"), context.rec)
    await rows_valid(context.target, snap, context.rec)


async def _diff(context: StepContext) -> None:
    spec = context.spec
    before = context.runner.snapshots.get(spec["since"])
    if before is None:
        raise HarnessError(f"no snapshot named {spec['since']!r} was taken before this step")
    after = await snapshot(context.target, before.date, before.timezone, context.rec)
    schedule_diff(before, after, spec["changed_hours"], spec.get("must_change", False), context.rec)


async def _file(context: StepContext) -> None:
    await file_check(context.target, context.spec, context.rec)


async def _tracks(context: StepContext) -> None:
    await tracks_match_libretime(context.target, context.spec, context.rec)


async def _placement(context: StepContext) -> None:
    await librelog_placement(context.target, context.rec)


async def _proxy(context: StepContext) -> None:
    await proxy_matches_libretime(context.target, context.spec, context.rec)


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
