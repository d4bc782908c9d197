"""LibreLog's validators answer bad input with every problem named, field by field, in words a
client can show as they are. The messages are part of the contract: tests pin them exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stubs.librelog import ids
from stubs.librelog.errors import FieldErrors, ValidationFailed
from stubs.librelog.services.logs import parse_entries
from stubs.librelog.services.sync import history_window, sync_params
from stubs.librelog.services.tracks import validate_track

TYPES = "MUS, ADV, PSA, LIN, INT, PRO, SHO, IDS, COM, NEW, VOT"
MAX = ids.MAX_ID
NEW_YORK = ZoneInfo("America/New_York")


def problems(call: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        call()
    assert failed.value.status == 400
    return [(e["field"], e["message"]) for e in failed.value.details["errors"]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], [("body", "Expected a JSON object.")]),
        ({}, [("title", "Required: a non-empty string.")]),
        ({"title": "  "}, [("title", "Required: a non-empty string.")]),
        ({"title": "x", "type": "XYZ"}, [("type", f"Must be one of {TYPES}.")]),
        ({"title": "x", "artist": 5, "md5": []}, [("artist", "Must be a string."), ("md5", "Must be a string.")]),
        ({"title": "x", "duration_s": -0.5}, [("duration_s", "Must be a number of seconds, 0 or more.")]),
        ({"title": "x", "duration_s": "3"}, [("duration_s", "Must be a number of seconds, 0 or more.")]),
        ({"title": "x", "libretime_id": 0}, [("libretime_id", f"Must be an integer from 1 to {MAX}.")]),
        ({"title": "x", "libretime_id": MAX + 1}, [("libretime_id", f"Must be an integer from 1 to {MAX}.")]),
    ],
)
def test_a_bad_track_names_each_problem(body: Any, expected: list[tuple[str, str]]) -> None:
    assert problems(lambda: validate_track(body)) == expected


def test_a_track_is_music_by_default_and_keeps_the_edges_of_its_ranges() -> None:
    clean = validate_track({"title": " Song ", "duration_s": 0, "libretime_id": MAX, "genre": None})
    assert (clean["title"], clean["type"], clean["duration_s"], clean["libretime_id"]) == ("Song", "MUS", 0, MAX)
    assert validate_track({"title": "x", "type": "lin", "duration_s": MAX})["type"] == "LIN"


@pytest.mark.parametrize(
    ("limit", "batch", "expected"),
    [
        ("0", None, [("limit", f"An integer from 1 to {MAX} (the most tracks to process).")]),
        ("x", "0", [("limit", f"An integer from 1 to {MAX} (the most tracks to process)."),
                    ("batch_size", "An integer from 1 to 1000 (tracks per page).")]),
        (None, "1001", [("batch_size", "An integer from 1 to 1000 (tracks per page).")]),
    ],
)  # fmt: skip
def test_bad_sync_parameters_name_each_problem(
    limit: str | None, batch: str | None, expected: list[tuple[str, str]]
) -> None:
    assert problems(lambda: sync_params(limit, batch)) == expected


def test_sync_parameters_keep_their_edges_and_default_to_pages_of_500() -> None:
    assert sync_params(None, None) == (None, 500)
    assert sync_params("1", "1") == (1, 1)
    assert sync_params(str(MAX), "1000") == (MAX, 1000)


DATE = "Required: a date YYYY-MM-DD (station-local, inclusive)."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], [("body", "Expected a JSON object with start_date and end_date.")]),
        ({}, [("start_date", DATE), ("end_date", DATE)]),
        ({"start_date": "2030-01-02", "end_date": "2030-01-01"}, [("end_date", "Must not be before start_date.")]),
        ({"start_date": "2030-01-01", "end_date": "2031-01-03"}, [("end_date", "At most 366 days per sync.")]),
    ],
)
def test_a_bad_history_window_names_each_problem(body: Any, expected: list[tuple[str, str]]) -> None:
    assert problems(lambda: history_window(body, "UTC")) == expected


def test_a_history_window_covers_whole_station_local_days_up_to_366_of_them() -> None:
    start, end, first, last = history_window({"start_date": "2030-01-01", "end_date": "2031-01-02"}, "America/New_York")
    assert (first, last) == (date(2030, 1, 1), date(2031, 1, 2))
    # New York midnight is 05:00 UTC in winter; the end is the last microsecond of the last day.
    assert start == datetime(2030, 1, 1, 5, tzinfo=UTC)
    assert end == datetime(2031, 1, 3, 4, 59, 59, 999999, tzinfo=UTC)


def entry_problems(entries: Any, *, hour: int | None = None, day: date = date(2030, 3, 10)) -> list[tuple[str, str]]:
    errors = FieldErrors()
    parse_entries(entries, day, NEW_YORK, errors, hour=hour)
    return [(e["field"], e["message"]) for e in errors.items]


CLOCK = "Required: a wall-clock time HH:MM:SS from 00:00:00 to 23:59:59."


@pytest.mark.parametrize(
    ("entries", "hour", "expected"),
    [
        ({}, None, [("entries", "Required: a list of entries.")]),
        ([5, {"start": "25:00:00"}], None, [("entries[0]", "Expected an object."), ("entries[1].start", CLOCK)]),
        ([{"start": "13:00:00"}], 12, [("entries[0].start", "13:00:00 is outside hour 12:00-12:59:59.")]),
        ([{"start": "09:00:00"}], 8, [("entries[0].start", "09:00:00 is outside hour 08:00-08:59:59.")]),
        (
            [{"start": "10:00:00", "fold": 2}, {"start": "10:00:01", "fold": True}],
            None,
            [
                ("entries[0].fold", "Must be 0 or 1 (1 = the second occurrence of a repeated time)."),
                ("entries[1].fold", "Must be 0 or 1 (1 = the second occurrence of a repeated time)."),
            ],
        ),
        (
            [{"start": "10:00:00", "fold": 1}],
            None,
            [("entries[0].fold", "10:00:00 happens once on 2030-03-10: fold 1 does not apply.")],
        ),
        (
            [{"start": "10:00:00", "track_id": 0, "libretime_id": "7", "voice_track_id": MAX + 1}],
            None,
            [
                ("entries[0].track_id", f"Must be an integer from 1 to {MAX}."),
                ("entries[0].libretime_id", f"Must be an integer from 1 to {MAX}."),
                ("entries[0].voice_track_id", f"Must be an integer from 1 to {MAX}."),
                ("entries[0]", "Give a track_id or a voice_track_id, not both."),
            ],
        ),
        (
            [{"start": "10:00:00", "type": "XYZ", "title": 5, "duration_s": -1, "hard_start": "yes"}],
            None,
            [
                ("entries[0].type", f"Must be one of {TYPES}."),
                ("entries[0].title", "Must be a string."),
                ("entries[0].duration_s", "Must be a number of seconds, 0 or more."),
                ("entries[0].hard_start", "Must be true or false."),
            ],
        ),
    ],
)
def test_bad_entries_name_each_problem_with_its_index(
    entries: Any, hour: int | None, expected: list[tuple[str, str]]
) -> None:
    assert entry_problems(entries, hour=hour) == expected


def test_a_time_the_clocks_skip_is_refused_with_the_reason() -> None:
    # 2030-03-10 is the spring-forward day in New York: 02:00-02:59 does not exist.
    [(field, message)] = entry_problems([{"start": "02:30:00"}])
    assert field == "entries[0].start"
    assert "02:30:00" in message and "2030-03-10" in message


def test_a_parsed_entry_keeps_what_was_given() -> None:
    errors = FieldErrors()
    given = {"start": "01:30:00", "fold": 1, "track_id": 3, "type": "lin", "title": "ID", "duration_s": 0}
    [entry] = parse_entries(
        [{**given, "hard_start": True}],
        date(2030, 11, 3),
        NEW_YORK,
        errors,
        hour=1,
    )
    assert not errors
    # 01:30 happens twice on the fall-back day; fold 1 is the second time, at EST (UTC-5).
    assert entry == {
        "index": 0,
        "start": "01:30:00",
        "fold": 1,
        "instant": datetime(2030, 11, 3, 6, 30, tzinfo=UTC),
        "type": "LIN",
        "title": "ID",
        "duration_s": 0,
        "hard_start": True,
        "track_id": 3,
        "libretime_id": None,
        "voice_track_id": None,
    }
