"""LibreLog units: settings and URL precedence, type mapping, wall clock ↔ UTC, hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from stubs.librelog import timeconv
from stubs.librelog.config import Settings, SettingsError, normalise_base_url
from stubs.librelog.libretime.flavors import _duration, _seconds
from stubs.librelog.typemap import TYPES, map_type


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://nginx:8080", "http://nginx:8080"),
        ("http://nginx:8080/", "http://nginx:8080"),
        ("http://nginx:8080/api/v2", "http://nginx:8080"),
        ("http://nginx:8080/api/v2/", "http://nginx:8080"),
        ("http://nginx:8080/api", "http://nginx:8080"),
        ("http://api", "http://api"),  # defect 6: rstrip("/api/v2") made this "http:"
        ("http://api:9001/api/v2", "http://api:9001"),
        ("https://radio.example/libretime/api/v2", "https://radio.example/libretime"),
        ("http://v2", "http://v2"),
    ],
)
def test_base_url_normalisation_strips_suffixes_not_characters(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected


def test_internal_url_wins_over_api_url() -> None:
    both = Settings.from_env({"LIBRETIME_INTERNAL_URL": "http://nginx:8080/", "LIBRETIME_API_URL": "http://pub/api/v2"})
    only_api = Settings.from_env({"LIBRETIME_API_URL": "http://pub/api/v2"})
    none = Settings.from_env({})
    assert (both.libretime_url, both.url_source) == ("http://nginx:8080", "LIBRETIME_INTERNAL_URL")
    assert (only_api.libretime_url, only_api.url_source) == ("http://pub", "LIBRETIME_API_URL")
    assert (none.libretime_url, none.url_source) == (None, None)


def test_settings_read_every_documented_variable() -> None:
    settings = Settings.from_env(
        {
            "LIBRETIME_API_URL": "http://lt",
            "LIBRETIME_API_KEY": "k" * 20,
            "LIBRETIME_PUBLIC_URL": "https://radio.example",
            "LIBRETIME_API_FLAVOR": "v2",
            "LIBRETIME_TIMEOUT": "2.5",
            "LIBRETIME_RETRIES": "0",
            "LIBRELOG_DB": "/srv/librelog/x.sqlite3",
            "LIBRELOG_API_TOKEN": "tok",
            "LIBRELOG_STATION_TIMEZONE": "America/Phoenix",
        }
    )
    assert (settings.flavor, settings.timeout_s, settings.retries) == ("v2", 2.5, 0)
    assert (settings.db_path, settings.api_token, settings.station_timezone) == (
        "/srv/librelog/x.sqlite3",
        "tok",
        "America/Phoenix",
    )


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"LIBRETIME_API_FLAVOR": "java"}, "LIBRETIME_API_FLAVOR"),
        ({"LIBRETIME_TIMEOUT": "fast"}, "LIBRETIME_TIMEOUT"),
        ({"LIBRETIME_RETRIES": "-1"}, "LIBRETIME_RETRIES"),
        ({"LIBRELOG_STATION_TIMEZONE": "Mars/Olympus_Mons"}, "LIBRELOG_STATION_TIMEZONE"),
    ],
)
def test_bad_settings_are_named(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


@pytest.mark.parametrize("code", TYPES)
def test_every_librelog_type_maps_to_itself(code: str) -> None:
    assert map_type(code) == (code, None)
    assert map_type(code.lower()) == (code, None)


@pytest.mark.parametrize("code", ["BED", "XMAS", None, ""])
def test_unknown_or_missing_codes_become_mus_with_a_warning(code: str | None) -> None:
    mapped, warning = map_type(code)
    assert mapped == "MUS"
    assert warning


def test_phoenix_six_am_is_thirteen_utc() -> None:
    tz = timeconv.zone("America/Phoenix")
    assert timeconv.to_utc(date(2026, 11, 25), time(6), tz) == datetime(2026, 11, 25, 13, tzinfo=UTC)


def test_skipped_times_are_refused_and_repeated_times_need_fold() -> None:
    tz = timeconv.zone("America/New_York")
    with pytest.raises(timeconv.NonexistentTime):
        timeconv.to_utc(date(2026, 3, 8), time(2, 30), tz)
    first = timeconv.to_utc(date(2026, 11, 1), time(1, 30), tz, fold=0)
    second = timeconv.to_utc(date(2026, 11, 1), time(1, 30), tz, fold=1)
    assert (second - first).total_seconds() == 3600
    assert timeconv.is_ambiguous(date(2026, 11, 1), time(1, 30), tz)
    assert not timeconv.is_ambiguous(date(2026, 11, 1), time(3, 30), tz)


@pytest.mark.parametrize(("given", "hour"), [(12, 12), ("12", 12), ("12:00", 12), (0, 0), ("7", 7), ("23:00", 23)])
def test_hours_in_every_accepted_form(given: object, hour: int) -> None:
    assert timeconv.parse_hour(given) == hour


@pytest.mark.parametrize("given", [24, -1, "24", "12:30", "noon", True, None, 12.5, "25:00"])
def test_bad_hours_are_rejected(given: object) -> None:
    assert timeconv.parse_hour(given) is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [("14:00:00", True), ("14:00", True), ("24:00:00", False), ("14:60", False), ("3600", False), ("1:00:00", False)],
)
def test_wall_clock_parsing(text: str, ok: bool) -> None:
    assert (timeconv.parse_clock(text) is not None) is ok


NEW_YORK = timeconv.zone("America/New_York")


def test_station_days_and_hours_are_bounded_in_the_station_zone() -> None:
    assert NEW_YORK is not None
    # Winter: UTC-5. A day and its hours, including the last hour ending at the next midnight.
    assert timeconv.day_bounds(date(2030, 1, 1), NEW_YORK) == (
        datetime(2030, 1, 1, 5, tzinfo=UTC),
        datetime(2030, 1, 2, 5, tzinfo=UTC),
    )
    assert timeconv.hour_bounds(date(2030, 1, 1), 0, NEW_YORK) == (
        datetime(2030, 1, 1, 5, tzinfo=UTC),
        datetime(2030, 1, 1, 6, tzinfo=UTC),
    )
    assert timeconv.hour_bounds(date(2030, 1, 1), 23, NEW_YORK) == (
        datetime(2030, 1, 2, 4, tzinfo=UTC),
        datetime(2030, 1, 2, 5, tzinfo=UTC),
    )
    # Spring forward (2030-03-10): hour 2 does not exist, hour 1 ends when hour 3 starts.
    assert timeconv.hour_bounds(date(2030, 3, 10), 2, NEW_YORK) == (
        datetime(2030, 3, 10, 7, tzinfo=UTC),
        datetime(2030, 3, 10, 7, tzinfo=UTC),
    )
    # Fall back (2030-11-03): hour 1 happens twice and spans both.
    assert timeconv.hour_bounds(date(2030, 11, 3), 1, NEW_YORK) == (
        datetime(2030, 11, 3, 5, tzinfo=UTC),
        datetime(2030, 11, 3, 7, tzinfo=UTC),
    )
    for value in (
        *timeconv.day_bounds(date(2030, 7, 1), NEW_YORK),
        *timeconv.hour_bounds(date(2030, 7, 1), 9, NEW_YORK),
    ):
        assert value.tzinfo is UTC


def test_instants_render_and_parse_as_utc() -> None:
    assert timeconv.iso_z(datetime(2030, 1, 1, 5, tzinfo=UTC)) == "2030-01-01T05:00:00Z"
    assert timeconv.iso_z(datetime(2030, 1, 1, 0, 30, tzinfo=NEW_YORK)) == "2030-01-01T05:30:00Z"
    assert timeconv.iso_z(datetime(2030, 1, 1, 5, 0, 0, 250000, tzinfo=UTC)) == "2030-01-01T05:00:00.250000Z"
    assert timeconv.parse_instant(" 2030-01-01T00:30:00-05:00 ") == datetime(2030, 1, 1, 5, 30, tzinfo=UTC)
    assert timeconv.parse_instant("2030-01-01T05:30:00") == datetime(2030, 1, 1, 5, 30, tzinfo=UTC)
    assert timeconv.parse_instant("2030-01-01T05:30:00").tzinfo is UTC  # type: ignore[union-attr]
    assert [timeconv.parse_instant(v) for v in (None, 5, "soon", "")] == [None] * 4
    assert timeconv.parse_client_instant("2030-01-01T05:30:00.5Z") == datetime(2030, 1, 1, 5, 30, 0, 500000, tzinfo=UTC)
    assert [timeconv.parse_client_instant(v) for v in ("2030-01-01 05:30:00", "20300101T053000Z", 7)] == [None] * 3
    assert [timeconv.parse_date(v) for v in ("2030-02-30", "20300101", "2030-W01-1", None)] == [None] * 4
    assert timeconv.parse_date("2030-12-31") == date(2030, 12, 31)


def test_a_skipped_time_is_named_in_the_refusal() -> None:
    assert NEW_YORK is not None
    with pytest.raises(timeconv.NonexistentTime) as refused:
        timeconv.to_utc(date(2030, 3, 10), time(2, 30), NEW_YORK)
    assert str(refused.value) == "02:30:00 does not exist on 2030-03-10 in America/New_York (clocks skip it)"
    assert timeconv.to_utc(date(2030, 11, 3), time(1, 30), NEW_YORK, 0) == datetime(2030, 11, 3, 5, 30, tzinfo=UTC)
    assert timeconv.to_utc(date(2030, 11, 3), time(1, 30), NEW_YORK, 1) == datetime(2030, 11, 3, 6, 30, tzinfo=UTC)
    assert timeconv.is_ambiguous(date(2030, 11, 3), time(1, 30), NEW_YORK)
    assert not timeconv.is_ambiguous(date(2030, 11, 3), time(2, 30), NEW_YORK)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00:00"),
        (60, "00:01:00"),
        (3600, "01:00:00"),
        (3661.5, "01:01:01.500000"),
        (7322.25, "02:02:02.250000"),
        (0.000001, "00:00:00.000001"),
        (0.999999, "00:00:00.999999"),
        (2.9999996, "00:00:03"),  # rounds up into the next second
        (3599.9999999, "01:00:00"),
        (90061, "25:01:01"),  # past a day: hours keep counting, as LibreTime writes intervals
    ],
)
def test_durations_are_written_as_libretime_reads_them(seconds: float, text: str) -> None:
    assert _duration(seconds) == text
    assert _seconds(text) == pytest.approx(round(seconds, 6), abs=1e-6)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:03:34.500000", 214.5),
        ("1 02:00:00", 93600.0),
        ("42.25", 42.25),
        ("", None),
        (None, None),
        (5, None),
        ("ab:cd:ef", None),
        ("1:2", None),  # neither seconds nor HH:MM:SS
        ("x 02:00:00", None),
        ("1 2 02:00:00", None),
    ],
)
def test_libretime_durations_read_as_seconds(text: object, seconds: float | None) -> None:
    assert _seconds(text) == seconds


def test_instants_do_not_depend_on_the_host_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A naive instant from LibreTime is UTC, whatever zone the machine LibreLog runs on is set to."""
    import time as host_time

    monkeypatch.setenv("TZ", "America/Chicago")
    host_time.tzset()
    try:
        assert timeconv.parse_instant("2030-01-01T05:30:00") == datetime(2030, 1, 1, 5, 30, tzinfo=UTC)
        assert timeconv.iso_z(timeconv.parse_instant("2030-07-01T05:30:00")) == "2030-07-01T05:30:00Z"  # type: ignore[arg-type]
        assert NEW_YORK is not None
        assert timeconv.to_utc(date(2030, 7, 1), time(1, 30), NEW_YORK) == datetime(2030, 7, 1, 5, 30, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        host_time.tzset()


async def test_backoff_doubles_from_the_base_up_to_the_cap_with_jitter(tmp_path: Path) -> None:
    from stubs.librelog.libretime.client import LibreTimeClient
    from tests.conftest import librelog_settings_for

    client = LibreTimeClient(librelog_settings_for(None, tmp_path, backoff_base_s=0.01, backoff_cap_s=0.05))
    for attempt, base in ((1, 0.01), (2, 0.02), (3, 0.04), (4, 0.05), (9, 0.05)):
        waits = [client.backoff(attempt) for _ in range(200)]
        # Each wait is the step's base plus up to as much again at random, so tries never align.
        assert base <= min(waits) and max(waits) <= 2 * base, (attempt, min(waits), max(waits))
        assert max(waits) - min(waits) > base / 2
    await client.aclose()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (None, ("MUS", "no track type in LibreTime")),
        ("", ("MUS", "no track type in LibreTime")),
        ("  ", ("MUS", "no track type in LibreTime")),
        ("XYZ", ("MUS", "unknown track type 'XYZ'")),
        (" lin ", ("LIN", None)),
    ],
)
def test_libretime_type_codes_map_with_a_named_reason(code: str | None, expected: tuple[str, str | None]) -> None:
    assert map_type(code) == expected


def test_a_wall_clock_without_seconds_is_on_the_minute_and_a_repeated_time_is_first_by_default() -> None:
    assert timeconv.parse_clock("06:30") == time(6, 30, 0)
    assert NEW_YORK is not None
    # 01:30 on the fall-back day: without a fold, the first occurrence (EDT, 05:30Z).
    assert timeconv.to_utc(date(2030, 11, 3), time(1, 30), NEW_YORK) == datetime(2030, 11, 3, 5, 30, tzinfo=UTC)
