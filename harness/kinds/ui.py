"""Step kinds that read LibreTime's own web UI in a headless browser (``harness/ui``) and compare
it with LibreLog: a published day in the Scheduled Shows pane, a day before and after an hour was
replaced, a voice track in the Tracks library. They replace the seed's "requires LibreTime UI
check" with what the UI shows, keeping a screenshot of each view as evidence.

They need the ``ui`` capability; where a target has no web UI, each such step is skipped, naming
it, and the rest of the scenario runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from ..errors import HarnessError
from ..live.capabilities import Capability
from ..running.expect import ExpectationFailed
from ..ui import UIError, UISettings
from ..ui.checks import log_in_ui, voice_in_ui
from ..ui.compare import compare_outside
from ..ui.library_view import LibraryView
from ..ui.schedule_view import ScheduleView, read_day
from ..ui.session import UISession, open_session
from .registry import StepContext, StepKind

# The seed's rows each kind replaces, word for word.
SEED_PUBLISH = (
    "1. Log Publishing: Verify log appears in LibreTime schedule",
    "1. Log Publishing: Check schedule entries match LibreLog log entries",
)
SEED_HOUR = (
    "2. Hour-Specific Publishing: Verify only hour 12 is updated in LibreTime",
    "2. Hour-Specific Publishing: Verify other hours remain unchanged",
)
SEED_VOICE = (
    "4. Voice Track Upload: Verify file appears in LibreTime media library",
    "4. Voice Track Upload: Verify metadata is preserved",
)
SESSION, SNAPSHOTS = "ui.session", "ui.snapshots"
T = TypeVar("T")


async def _session(context: StepContext) -> UISession:
    """The scenario's logged-in browser page: opened by its first UI step, closed after its last."""
    runner = context.runner
    if SESSION not in runner.resources:
        settings: UISettings | None = context.target.ui
        if settings is None:
            raise HarnessError(
                "this target has no LibreTime web UI settings (LIBRETIME_UI_USER, LIBRETIME_UI_PASSWORD)"
            )
        runner.resources[SESSION] = await runner.stack.enter_async_context(open_session(settings))
    return runner.resources[SESSION]


def _evidence(
    context: StepContext,
    view_name: str,
    view: ScheduleView | LibraryView,
    seed_rows: Sequence[str],
    header: list[str],
    rows: list[list[Any]],
    differences: list[str],
) -> None:
    """The view's picture, what it showed, and which seed rows it answers, for Allure and the report."""
    rec = context.rec
    if view.screenshot is not None:
        rec.png(f"LibreTime UI: {view_name}", view.screenshot)
    rec.table(f"What LibreTime's UI shows: {view_name}", header, rows)
    rec.json(
        "LibreTime UI evidence",
        {"view": view_name, "url": view.url, "seed_rows": list(seed_rows), "differences": differences},
    )


async def _read(
    context: StepContext, view_name: str, seed_rows: Sequence[str], read: Callable[[UISession], Awaitable[T]]
) -> T:
    """Log in if the scenario has not yet, then read a view. A UI that fails (the login included)
    leaves its picture, the browser console and its evidence record in the step before it is raised."""
    try:
        return await read(await _session(context))
    except UIError as exc:
        if exc.screenshot is not None:
            context.rec.png(f"LibreTime UI: {view_name}, as the browser showed it", exc.screenshot)
        if exc.console:
            context.rec.text("browser console", "\n".join(exc.console))
        evidence = {"view": view_name, "url": "", "seed_rows": list(seed_rows), "differences": [str(exc)]}
        context.rec.json("LibreTime UI evidence", evidence)
        raise


def _item_rows(view: ScheduleView) -> list[list[Any]]:
    return [[i.day, i.starts, i.ends, i.length, i.title, i.creator, i.album, i.show] for i in view.items]


ITEM_HEADER = ["date", "start", "end", "duration", "title", "creator", "album", "show"]


async def _schedule_matches_log(context: StepContext) -> None:
    target, log_id = context.target, context.spec["log_id"]
    check = await _read(
        context,
        f"Scheduled Shows of log {log_id}'s day",
        SEED_PUBLISH,
        lambda session: log_in_ui(session, target.librelog, target.libretime, log_id),
    )
    view, day = check.view, check.log["date"]
    _evidence(context, f"Scheduled Shows, {day}", view, SEED_PUBLISH, ITEM_HEADER, _item_rows(view), check.differences)
    context.rec.table(
        f"What LibreLog's log {log_id} says the UI should show",
        ["date", "start", "title", "creator", "length (s)", "media", "from"],
        [[e.day, e.starts, e.title, e.creator, e.length_s, e.media, e.source] for e in check.expected],
    )
    if check.differences:
        raise ExpectationFailed(
            f"LibreTime's UI shows {day} differently from LibreLog's log {log_id}{check.zone_note()}:"
            f" {len(check.differences)} difference(s): " + "; ".join(check.differences[:4])
        )


async def _snapshot(context: StepContext) -> None:
    day = date.fromisoformat(str(context.spec["date"]))
    view = await _read(context, f"Scheduled Shows, {day}", (), lambda session: read_day(session, day))
    _evidence(context, f"Scheduled Shows, {day}", view, (), ITEM_HEADER, _item_rows(view), [])
    context.runner.resources.setdefault(SNAPSHOTS, {})[context.spec["save_as"]] = view


async def _diff(context: StepContext) -> None:
    before: ScheduleView | None = context.runner.resources.get(SNAPSHOTS, {}).get(context.spec["since"])
    if before is None:
        raise HarnessError(f"no UI snapshot named {context.spec['since']!r} was taken before this step")
    after = await _read(
        context, f"Scheduled Shows, {before.day}, after", SEED_HOUR, lambda session: read_day(session, before.day)
    )
    hours = set(context.spec["changed_hours"])
    differences, changed = compare_outside(before.items, after.items, hours)
    if context.spec.get("must_change", False) and not changed:
        differences.append(f"nothing the UI shows in hour(s) {sorted(hours)} changed")
    _evidence(
        context,
        f"Scheduled Shows, {after.day}, after",
        after,
        SEED_HOUR,
        ITEM_HEADER,
        _item_rows(after),
        differences,
    )
    if differences:
        raise ExpectationFailed(
            f"LibreTime's UI shows {after.day} changed outside hour(s) {sorted(hours)}: " + "; ".join(differences[:4])
        )


async def _voice_in_library(context: StepContext) -> None:
    target, voice_id = context.target, context.spec["voice_id"]
    check = await _read(
        context,
        f"Tracks, searched for voice track {voice_id}",
        SEED_VOICE,
        lambda session: voice_in_ui(
            session, target.librelog, target.libretime, voice_id, context.spec.get("track_type")
        ),
    )
    header = ["id", *check.expected.keys(), "Length"]
    rows = [[r.get("id"), *(r.get(c, "") for c in header[1:])] for r in check.view.rows]
    view_name = f"Tracks, searched for {check.voice['title']!r}"
    _evidence(context, view_name, check.view, SEED_VOICE, header, rows, check.differences)
    if check.differences:
        raise ExpectationFailed(
            f"LibreTime's UI does not show LibreLog's voice track {voice_id} as LibreLog holds it: "
            + "; ".join(check.differences[:4])
        )


def _day_schema(extra: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": extra, "required": required}


ANY_ID = {"type": ["integer", "string"]}


def _ui_kind(name: str, run: Any, schema: dict[str, Any], **more: Any) -> StepKind:
    """A UI step kind: it needs ``ui``, and without it is skipped alone, not its scenario."""
    return StepKind(name, "ui", run, schema, needs=Capability.UI, skippable=True, **more)


KINDS = [
    _ui_kind(
        "ui.schedule_matches_log",
        _schedule_matches_log,
        _day_schema({"log_id": ANY_ID}, ["log_id"]),
        description="LibreTime's UI shows the log's day exactly: each entry at its station time, with its title,"
        " creator and length, and nothing else",
        effect=True,
        title=lambda spec: f"LibreTime's UI shows log {spec['log_id']}'s day as LibreLog holds it",
    ),
    _ui_kind(
        "ui.snapshot",
        _snapshot,
        _day_schema({"date": {"type": "string"}, "save_as": {"type": "string"}}, ["date", "save_as"]),
        description="What LibreTime's UI shows for a day, kept for ui.schedule_diff",
        title=lambda spec: f"LibreTime's UI: the Scheduled Shows of {spec['date']}, kept as {spec['save_as']!r}",
    ),
    _ui_kind(
        "ui.schedule_diff",
        _diff,
        _day_schema(
            {
                "since": {"type": "string"},
                "changed_hours": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 23}},
                "must_change": {"type": "boolean"},
            },
            ["since", "changed_hours"],
        ),
        description="LibreTime's UI shows the day as the snapshot did, except in the changed hours",
        effect=True,
        title=lambda spec: f"LibreTime's UI reads as before outside hour(s) {spec['changed_hours']}",
    ),
    _ui_kind(
        "ui.voice_in_library",
        _voice_in_library,
        _day_schema({"voice_id": ANY_ID, "track_type": {"type": "string"}}, ["voice_id"]),
        description="LibreTime's Tracks library lists the voice track with LibreLog's title, creator, genre,"
        " description and its length",
        effect=True,
        title=lambda spec: f"LibreTime's Tracks library shows voice track {spec['voice_id']} as LibreLog holds it",
    ),
]

__all__ = ["KINDS"]
