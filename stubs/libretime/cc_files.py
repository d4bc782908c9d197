"""The files table as the legacy PHP app sees it: ``cc_files`` column names, the database's
defaults, and how PHP renders and updates a row.

The stub keeps one row per file keyed by v2 field names (see ``store``); the legacy app reads the
same row under its column names. Two columns exist only for the legacy app (``ftype`` and
``checksum``): the row keeps them as ``_ftype`` and ``_checksum``, which the v2 API never renders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import timeconv
from .store import Row, Store

Kind = str  # "text", "int", "bool", "datetime", "interval", "numeric", "md5"


@dataclass(frozen=True)
class Column:
    name: str  # cc_files column, as the legacy app's JSON names it
    key: str  # the stub row's key
    kind: Kind = "text"
    max_length: int | None = None


# In the table's order, which is the order of the legacy app's JSON keys.
COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "int"),
    Column("name", "name", max_length=255),
    Column("mime", "mime", max_length=255),
    Column("ftype", "_ftype", max_length=128),
    Column("filepath", "filepath"),
    Column("import_status", "import_status", "int"),
    Column("currentlyaccessing", "accessed", "int"),
    Column("editedby", "edited_by", "int"),
    Column("mtime", "updated_at", "datetime"),
    Column("utime", "created_at", "datetime"),
    Column("lptime", "last_played_at", "datetime"),
    Column("md5", "md5", "md5"),
    Column("track_title", "track_title", max_length=512),
    Column("artist_name", "artist_name", max_length=512),
    Column("bit_rate", "bit_rate", "int"),
    Column("sample_rate", "sample_rate", "int"),
    Column("format", "format", max_length=128),
    Column("length", "length", "interval"),
    Column("album_title", "album_title", max_length=512),
    Column("genre", "genre", max_length=64),
    Column("comments", "comment"),
    Column("year", "date", max_length=16),
    Column("track_number", "track_number", "int"),
    Column("channels", "channels", "int"),
    Column("url", "url", max_length=1024),
    Column("bpm", "bpm", "int"),
    Column("rating", "rating", max_length=8),
    Column("encoded_by", "encoded_by", max_length=255),
    Column("disc_number", "disc_number", max_length=8),
    Column("mood", "mood", max_length=64),
    Column("label", "label", max_length=512),
    Column("composer", "composer", max_length=512),
    Column("encoder", "encoder", max_length=64),
    Column("checksum", "_checksum", max_length=256),
    Column("lyrics", "lyrics"),
    Column("orchestra", "orchestra", max_length=512),
    Column("conductor", "conductor", max_length=512),
    Column("lyricist", "lyricist", max_length=512),
    Column("original_lyricist", "original_lyricist", max_length=512),
    Column("radio_station_name", "radio_station_name", max_length=512),
    Column("info_url", "info_url", max_length=512),
    Column("artist_url", "artist_url", max_length=512),
    Column("audio_source_url", "audio_source_url", max_length=512),
    Column("radio_station_url", "radio_station_url", max_length=512),
    Column("buy_this_url", "buy_this_url", max_length=512),
    Column("isrc_number", "isrc", max_length=512),
    Column("catalog_number", "catalog_number", max_length=512),
    Column("original_artist", "original_artist", max_length=512),
    Column("copyright", "copyright", max_length=512),
    Column("report_datetime", "report_datetime", max_length=32),
    Column("report_location", "report_location", max_length=512),
    Column("report_organization", "report_organization", max_length=512),
    Column("subject", "subject", max_length=512),
    Column("contributor", "contributor", max_length=512),
    Column("language", "language", max_length=512),
    Column("replay_gain", "replay_gain", "numeric"),
    Column("owner_id", "owner", "int"),
    Column("cuein", "cue_in", "interval"),
    Column("cueout", "cue_out", "interval"),
    Column("hidden", "hidden", "bool"),
    Column("filesize", "size", "int"),
    Column("description", "description", max_length=512),
    Column("artwork", "artwork", max_length=4096),
    Column("track_type_id", "library", "int"),
)
BY_NAME = {c.name: c for c in COLUMNS}
# Columns in the table that the legacy app never renders (its "private fields"), and the row keys.
PRIVATE = {
    "file_exists": "exists",
    "silan_check": "_silan_check",
    "is_scheduled": "scheduled",
    "is_playlist": "part_of_list",
}
# What a PUT may not change (upstream's blacklist).
READ_ONLY = frozenset(
    {
        "id",
        "directory",
        "filepath",
        "file_exists",
        "mtime",
        "utime",
        "lptime",
        "silan_check",
        "is_scheduled",
        "is_playlist",
    }
)
# Rows the legacy app inserts get the table's defaults (Propel writes only what it set; Django,
# which makes v2 rows, writes every field it knows).
DB_DEFAULTS: dict[str, Any] = {
    "name": "",
    "mime": "",
    "_ftype": "",
    "filepath": "",
    "import_status": 1,
    "accessed": 0,
    "length": timedelta(0),
    "cue_in": timedelta(0),
    "cue_out": timedelta(0),
    "exists": True,
    "_silan_check": False,
    "hidden": False,
    "scheduled": False,
    "part_of_list": False,
    "size": 0,
}
# What a column left null by Django reads as: the two columns the v2 model does not know.
_V2_UNSET = {"_ftype": ""}


def now() -> datetime:
    """PHP stores the app's own times to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def format_timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def format_interval(value: timedelta | None) -> str | None:
    """PostgreSQL's interval output: ``HH:MM:SS`` and the fraction without trailing zeros."""
    if value is None:
        return None
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    minutes, seconds = divmod(value.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"
    if value.microseconds:
        text += f".{value.microseconds:06d}".rstrip("0")
    if value.days:
        text = f"{value.days} day{'s' if value.days != 1 else ''} {text}"
    return text


def _md5(value: str | None) -> str | None:
    return None if value is None else value.ljust(32)  # char(32): PostgreSQL pads it


_RENDER: dict[Kind, Callable[[Any], Any]] = {
    "datetime": format_timestamp,
    "interval": format_interval,
    "md5": _md5,
}


def render(row: Row) -> dict[str, Any]:
    """A row as ``CcFiles::sanitizeResponse`` gives it: every column but the private ones."""
    out: dict[str, Any] = {}
    for column in COLUMNS:
        value = row.get(column.key, _V2_UNSET.get(column.key))
        fmt = _RENDER.get(column.kind)
        out[column.name] = fmt(value) if fmt is not None and value is not None else value
    return out


def legacy_row(**values: Any) -> Row:
    """A new row as the legacy app inserts it: the table's defaults under what it sets."""
    return DB_DEFAULTS | values


class InvalidColumns(ValueError):
    """A PUT's values the legacy app refuses (a form validator, or the database)."""


def php_int(value: Any) -> int:
    """PHP's ``intval``: leading digits of a string, 0 when there are none."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value).strip()
    digits = ""
    for i, char in enumerate(text):
        if char.isdigit() or (i == 0 and char in "+-"):
            digits += char
        else:
            break
    try:
        return int(digits)
    except ValueError:
        return 0


def _interval(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise InvalidColumns("an interval")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    parsed = timeconv.parse_duration(str(value))
    if parsed is None:
        try:
            return timedelta(seconds=float(str(value)))
        except ValueError:
            raise InvalidColumns(f"{value!r} is not an interval") from None
    return parsed


def changes_from(values: Any, store: Store) -> Row:
    """Row changes from a PUT body, as ``CcFiles::updateFromArray`` takes them: unknown and
    read-only names ignored, numbers read as PHP reads them, text cut to the form's lengths."""
    if not isinstance(values, dict):
        return {}
    changes: Row = {}
    for name, value in values.items():
        column = BY_NAME.get(name)
        if column is None or name in READ_ONLY:
            continue
        if name in ("track_number", "year", "bpm", "track_type_id"):  # FileDataHelper::sanitizeData
            value = php_int(str(value).replace("BPM", "").replace("bpm", "") if name == "bpm" else value)
            if name == "year":
                value = str(value)
        if value is None:
            changes[column.key] = None
        elif column.kind == "int":
            changes[column.key] = php_int(value)
        elif column.kind == "bool":
            changes[column.key] = bool(value) and value not in ("0", "false", "f")
        elif column.kind == "interval":
            changes[column.key] = _interval(value)
        elif column.kind == "numeric":
            try:
                changes[column.key] = f"{float(value):.2f}"
            except (TypeError, ValueError):
                raise InvalidColumns(f"{name} is not a number") from None
        else:
            text = value if isinstance(value, str) else str(value)
            if column.max_length is not None and len(text) > column.max_length:
                text = text[: column.max_length]
            changes[column.key] = text
    # intval makes every value a number (null and "" are 0): one that names no track type fails.
    if "library" in changes and not store.exists("libraries", changes["library"]):
        raise InvalidColumns(f"track type {changes['library']} does not exist")
    owner = changes.get("owner")
    if owner is not None and not store.exists("users", owner):
        raise InvalidColumns(f"user {owner} does not exist")
    return changes
