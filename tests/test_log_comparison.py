"""The shared log-against-schedule comparison, and the playability rules, on hand-made rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from harness.effects.log_comparison import Actual, Expected, compare, expected_from_log
from harness.station import playability
from harness.station.check import day_window

T0 = datetime(2099, 3, 10, 10, 0, tzinfo=UTC)
S = timedelta(seconds=1)


def kinds(differences: list[Any]) -> list[tuple[str, Any]]:
    return [(d.kind, d.at) for d in differences]


def test_the_same_rows_are_no_difference() -> None:
    log = [Expected(T0, 1, False), Expected(T0 + 180 * S, 2, True)]
    rows = [Actual(T0, 1, 10, None), Actual(T0 + 180 * S, 2, 11, None)]
    assert compare(log, rows) == []


def test_each_kind_is_told_apart() -> None:
    log = [
        Expected(T0, 1, False),  # wrong media at its instant
        Expected(T0 + 180 * S, 2, False),  # one second late
        Expected(T0 + 360 * S, 3, True),  # a hard start two seconds late
        Expected(T0 + 540 * S, 4, False),  # gone
    ]
    rows = [
        Actual(T0, 9, 10),
        Actual(T0 + 181 * S, 2, 11),
        Actual(T0 + 362 * S, 3, 12),
        Actual(T0 + 720 * S, 5, 13),  # not in the log
    ]
    assert kinds(compare(log, rows)) == [
        ("wrong_media", T0),
        ("wrong_time", T0 + 180 * S),
        ("hard_start_missed", T0 + 360 * S),
        ("missing_entry", T0 + 540 * S),
        ("unexpected_entry", T0 + 720 * S),
    ]


def test_the_same_media_hours_away_is_another_airing_not_a_move() -> None:
    log = [Expected(T0, 7, False)]
    rows = [Actual(T0 + timedelta(hours=3), 7, 10)]
    assert kinds(compare(log, rows)) == [("missing_entry", T0), ("unexpected_entry", T0 + timedelta(hours=3))]
    assert kinds(compare(log, [Actual(T0 + timedelta(minutes=59), 7, 10)])) == [("wrong_time", T0)]


def test_a_readable_hard_start_flag_counts_and_an_unreadable_one_does_not() -> None:
    log = [Expected(T0, 1, True)]
    assert kinds(compare(log, [Actual(T0, 1, 10, False)])) == [("hard_start_missed", T0)]
    assert compare(log, [Actual(T0, 1, 10, True)]) == []
    assert compare(log, [Actual(T0, 1, 10, None)]) == []


def test_a_repeated_item_pairs_one_row_each() -> None:
    log = [Expected(T0, 1, False), Expected(T0, 1, False)]
    assert kinds(compare(log, [Actual(T0, 1, 10)])) == [("missing_entry", T0)]
    assert kinds(compare(log[:1], [Actual(T0, 1, 10), Actual(T0, 1, 11)])) == [("unexpected_entry", T0)]


def test_log_entries_become_instants_in_the_log_zone_fold_included() -> None:
    log = {
        "date": "2099-11-01",
        "timezone": "America/New_York",
        "entries": [
            {"start": "01:30:00", "libretime_id": 1, "hard_start": False},
            {"start": "01:30:00", "fold": 1, "libretime_id": 2, "hard_start": True, "title": "second"},
        ],
    }
    first, second = expected_from_log(log)
    assert (first.at, second.at) == (datetime(2099, 11, 1, 5, 30, tzinfo=UTC), datetime(2099, 11, 1, 6, 30, tzinfo=UTC))
    assert (second.media, second.hard_start, second.title) == (2, True, "second")


# --- playability ------------------------------------------------------------------------------


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _row(row_id: int, start: datetime, seconds: float, instance: int = 1, **extra: Any) -> dict[str, Any]:
    length = f"00:{int(seconds // 60):02d}:{seconds % 60:09.6f}"
    return {
        "id": row_id,
        "starts_at": _iso(start),
        "ends_at": _iso(start + seconds * S),
        "length": length,
        "cue_in": "00:00:00",
        "cue_out": length,
        "fade_in": "00:00:00",
        "fade_out": "00:00:00",
        "instance": instance,
        "file": 1,
        "stream": None,
        **extra,
    }


FILES = {1: {"id": 1, "hidden": False, "import_status": 0, "exists": True, "track_title": "t"}}


def _found(
    rows: list[dict[str, Any]], instances: dict[int, dict[str, Any]], start: datetime, end: datetime
) -> list[str]:
    parsed = playability.rows_of(rows, instances, FILES)
    return [f.kind.value for f in playability.day_findings(parsed, instances, FILES, start, end, 2 * S)]


def test_a_row_from_the_day_before_covers_midnight() -> None:
    start, end = datetime(2099, 3, 10, tzinfo=UTC), datetime(2099, 3, 10, 0, 10, tzinfo=UTC)
    instances = {1: {"id": 1, "starts_at": _iso(start - 600 * S), "ends_at": _iso(end)}}
    rows = [_row(1, start - 60 * S, 120), _row(2, start + 60 * S, 540)]
    assert _found(rows, instances, start, end) == []
    # Without the row of the day before, the first minute is silent.
    assert _found(rows[1:], instances, start, end) == ["gap"]


def test_an_empty_instance_is_its_own_finding_and_silence_under_the_limit_is_none() -> None:
    start, end = T0, T0 + 600 * S
    instances = {1: {"id": 1, "starts_at": _iso(start), "ends_at": _iso(end)}}
    assert _found([], instances, start, end) == ["empty_instance"]  # not also a show-long gap
    rows = [_row(1, start, 299), _row(2, start + 301 * S, 299)]  # 1 s, then 2 s of silence
    assert _found(rows, instances, start, end) == []


def test_an_overbooked_row_neither_overlaps_nor_fills() -> None:
    start, end = T0, T0 + 300 * S
    instances = {1: {"id": 1, "starts_at": _iso(start), "ends_at": _iso(end)}}
    rows = [_row(1, start, 300), _row(2, end, 60)]
    assert _found(rows, instances, start, end + 60 * S) == ["overbooked"]


def test_a_dst_day_is_23_or_25_hours() -> None:
    from zoneinfo import ZoneInfo

    spring = day_window(datetime(2099, 3, 29).date(), ZoneInfo("Europe/Berlin"))
    autumn = day_window(datetime(2099, 10, 25).date(), ZoneInfo("Europe/Berlin"))
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_libretime_durations_past_a_day_keep_their_days() -> None:
    from harness.effects.common import duration

    assert duration("1 02:00:00.500000") == timedelta(days=1, hours=2, microseconds=500000)
    assert duration("00:03:07.25") == timedelta(minutes=3, seconds=7, microseconds=250000)
    assert duration(None) is None and duration("") is None
