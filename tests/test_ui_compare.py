"""What the UI shows against what LibreLog holds: each kind of difference, named."""

from __future__ import annotations

from datetime import date

from harness.ui.compare import Entry, compare_day, compare_outside, ui_seconds
from harness.ui.schedule_view import UIItem, _items

DAY = date(2099, 1, 1)


def _item(starts: str, title: str, length: str = "3:00.0", creator: str = "Band", day: date = DAY) -> UIItem:
    return UIItem(day, starts, "", length, title, creator, "", "LibreLog")


def _entry(starts: str, title: str, length: float | None = 180.0, creator: str | None = "Band") -> Entry:
    return Entry(DAY, starts, title, creator, length, 7, "LibreLog's track library")


def test_lengths_read_as_libretime_prints_them() -> None:
    assert [ui_seconds(t) for t in ("7.0", "3:00.0", "1:02:03.5", "0.0", "n/a")] == [7.0, 180.0, 3723.5, 0.0, None]


def test_the_same_day_gives_no_difference() -> None:
    shown = [_item("06:00:00", "ID", "6.0"), _item("06:00:06", "Song")]
    assert compare_day([_entry("06:00:00", "ID", 6.0), _entry("06:00:06", "Song")], shown) == []


def test_each_difference_names_the_entry_and_what_the_ui_shows() -> None:
    expected = [
        _entry("06:00:00", "ID", 6.0),
        _entry("06:00:06", "Song"),
        _entry("06:30:00", "Ad 30s", 30.0),
        _entry("07:00:00", "News", creator="Newsroom"),
    ]
    shown = [
        _item("06:00:00", "ID", "6.0"),
        _item("06:00:06", "Song (radio edit)"),
        _item("07:00:00", "News", "2:59.0", creator="Station"),
        _item("08:00:00", "Stray"),
    ]
    assert compare_day(expected, shown) == [
        "at 06:00:06 the UI shows the title 'Song (radio edit)', LibreLog's track library has 'Song'",
        "06:30:00 'Ad 30s' (file 7) is not in LibreTime's UI at 06:30:00",
        "at 07:00:00 the UI shows the creator 'Station' for 07:00:00 'News' (file 7), LibreLog's track library"
        " has 'Newsroom'",
        "at 07:00:00 the UI shows the length '2:59.0' for 07:00:00 'News' (file 7), 180.0 s expected",
        "the UI shows 08:00:00 'Stray' on 2099-01-01 that the log does not have",
    ]


def test_a_length_within_the_tenth_the_ui_rounds_to_is_the_same() -> None:
    assert compare_day([_entry("06:00:00", "Song", 214.54)], [_item("06:00:00", "Song", "3:34.5")]) == []


def test_outside_the_changed_hours_the_day_must_read_as_before() -> None:
    before = [_item("06:00:00", "ID"), _item("12:00:00", "Old news"), _item("13:00:00", "Song")]
    same_elsewhere = [_item("06:00:00", "ID"), _item("12:00:00", "New news"), _item("13:00:00", "Song")]
    assert compare_outside(before, same_elsewhere, {12}) == ([], True)
    moved = [_item("06:00:00", "ID"), _item("12:00:00", "Old news"), _item("13:00:01", "Song")]
    assert compare_outside(before, moved, {12}) == (
        ["the UI no longer shows 13:00:00 'Song' (hour 13)", "the UI now shows 13:00:01 'Song' (hour 13)"],
        False,
    )


def test_items_take_their_date_from_their_show_and_roll_past_midnight() -> None:
    def row(**values: object) -> dict[str, object]:
        base = {"header": False, "footer": False, "empty": False, "show": None, "show_date": None, "show_times": []}
        base.update({"starts": None, "ends": None, "length": None, "title": None, "creator": None, "album": None})
        return base | values

    rows = [
        row(header=True, show="Late", show_date="2099-01-01", show_times=["23:00", "01:00"]),
        row(starts="23:58:00", ends="00:01:00", length="3:00.0", title="A"),
        row(starts="00:01:00", ends="00:04:00", length="3:00.0", title="B"),
        row(footer=True),
    ]
    items, shows = _items(rows, DAY)
    assert [(i.day.isoformat(), i.starts, i.title, i.show) for i in items] == [
        ("2099-01-01", "23:58:00", "A", "Late"),
        ("2099-01-02", "00:01:00", "B", "Late"),
    ]
    assert shows == ["Late (2099-01-01 23:00-01:00)"]
