"""Upstream formats and station-local windows across DST changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from stubs.libretime import timeconv

NY = timeconv.load_zone("America/New_York")


def test_datetimes_render_as_drf_does() -> None:
    assert timeconv.format_datetime(datetime(2026, 11, 25, 8, 0, tzinfo=UTC)) == "2026-11-25T08:00:00Z"
    assert timeconv.format_datetime(datetime(2026, 11, 25, 8, 0, 0, 123456, tzinfo=UTC)) == (
        "2026-11-25T08:00:00.123456Z"
    )


def test_offsets_convert_to_utc_and_naive_is_utc() -> None:
    assert timeconv.parse_datetime("2026-11-25T08:00:00+02:00") == datetime(2026, 11, 25, 6, tzinfo=UTC)
    assert timeconv.parse_datetime("2026-11-25 08:00") == datetime(2026, 11, 25, 8, tzinfo=UTC)
    assert timeconv.parse_datetime("25/11/2026") is None


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=3, seconds=25), "00:03:25"),
        (timedelta(minutes=3, seconds=25, microseconds=500000), "00:03:25.500000"),
        (timedelta(days=1, hours=2), "1 02:00:00"),
    ],
)
def test_durations_use_djangos_duration_string(delta: timedelta, text: str) -> None:
    assert timeconv.format_duration(delta) == text
    assert timeconv.parse_duration(text) == delta


def test_duration_input_accepts_seconds_and_iso() -> None:
    assert timeconv.parse_duration("180") == timedelta(minutes=3)
    assert timeconv.parse_duration("PT1M30S") == timedelta(seconds=90)
    assert timeconv.parse_duration("three minutes") is None


def test_times_render_with_fraction_only_when_present() -> None:
    assert timeconv.format_time(time(0)) == "00:00:00"
    assert timeconv.format_time(time(0, 0, 1, 500000)) == "00:00:01.500000"


def test_spring_forward_day_has_23_hours_and_skips_hour_2() -> None:
    start, end = timeconv.local_day_window(date(2026, 3, 8), NY)
    assert end - start == timedelta(hours=23)
    hour2 = timeconv.local_hour_window(date(2026, 3, 8), 2, NY)
    assert hour2[0] == hour2[1]


def test_fall_back_day_has_25_hours_and_hour_1_spans_both_occurrences() -> None:
    start, end = timeconv.local_day_window(date(2026, 11, 1), NY)
    assert end - start == timedelta(hours=25)
    h1_start, h1_end = timeconv.local_hour_window(date(2026, 11, 1), 1, NY)
    assert (h1_start, h1_end) == (datetime(2026, 11, 1, 5, tzinfo=UTC), datetime(2026, 11, 1, 7, tzinfo=UTC))


@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 11, 1), date(2026, 6, 1)])
def test_hour_windows_tile_the_day(day: date) -> None:
    windows = [timeconv.local_hour_window(day, h, NY) for h in range(24)]
    day_start, day_end = timeconv.local_day_window(day, NY)
    assert windows[0][0] == day_start
    assert windows[-1][1] == day_end
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert end == start
