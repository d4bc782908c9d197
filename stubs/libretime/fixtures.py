"""Seed data: named fixtures, a realistic library generator, and JSON seeds validated like the API."""

from __future__ import annotations

import base64
import hashlib
import random
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from . import media
from .errors import ControlError, ValidationFailed
from .resources import BY_TABLE, SCHEDULE
from .store import Row, Store
from .validation import validate

# LibreLog's type codes, as a station would name them in LibreTime's track types.
TRACK_TYPES: tuple[tuple[str, str], ...] = (
    ("MUS", "Music"),
    ("ADV", "Advertisement"),
    ("PSA", "Public Service Announcement"),
    ("LIN", "Liner"),
    ("INT", "Interview"),
    ("PRO", "Promo"),
    ("SHO", "Show"),
    ("IDS", "Station ID"),
    ("COM", "Commentary"),
    ("NEW", "News"),
)
# (code, share of the library, shortest and longest length in seconds)
_MIX: tuple[tuple[str, float, int, int], ...] = (
    ("MUS", 0.70, 150, 390),
    ("ADV", 0.10, 15, 60),
    ("PSA", 0.03, 15, 60),
    ("LIN", 0.05, 4, 20),
    ("INT", 0.02, 120, 900),
    ("PRO", 0.03, 15, 45),
    ("SHO", 0.01, 1800, 3600),
    ("IDS", 0.03, 3, 12),
    ("COM", 0.01, 60, 240),
    ("NEW", 0.02, 60, 300),
)
_FIRST = (
    "The",
    "Blue",
    "Silver",
    "Northern",
    "Electric",
    "Velvet",
    "Midnight",
    "Golden",
    "Wild",
    "Paper",
    "Lonely",
    "Neon",
    "Crystal",
    "Hollow",
    "Burning",
    "Quiet",
    "Iron",
    "Sunday",
    "Radio",
    "Distant",
)
_SECOND = (
    "Foxes",
    "Harbour",
    "Lanterns",
    "Rivers",
    "Engines",
    "Echoes",
    "Satellites",
    "Orchard",
    "Wolves",
    "Tides",
    "Parade",
    "Cathedral",
    "Gardens",
    "Signals",
    "Machines",
    "Horses",
    "Mirrors",
    "Comets",
)
_WORDS = (
    "love",
    "night",
    "road",
    "fire",
    "home",
    "rain",
    "heart",
    "light",
    "dream",
    "summer",
    "city",
    "stars",
    "ocean",
    "morning",
    "shadow",
    "gold",
    "river",
    "window",
    "highway",
    "letters",
    "dance",
)
_GENRES = ("Rock", "Pop", "Jazz", "Country", "Folk", "Soul", "Electronic", "Blues", "Hip-Hop", "Classical")
_ADVERTISERS = ("Smith Hardware", "Lakeside Dental", "City Motors", "Green Grocers", "Harbor Bank")
_FORMATS = (("mp3", "audio/mpeg", 0.85), ("ogg", "audio/ogg", 0.10), ("flac", "audio/flac", 0.05))
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _ensure_track_types(store: Store, extra: tuple[tuple[str, str], ...] = ()) -> dict[str, int]:
    existing = {row.get("code"): row["id"] for row in store.libraries.rows.values()}
    for code, name in TRACK_TYPES + extra:
        if code not in existing:
            row = store.libraries.insert(
                {
                    "code": code,
                    "name": name,
                    "description": f"{name} ({code})",
                    "enabled": True,
                    "analyze_cue_points": False,
                }
            )
            existing[code] = row["id"]
    return existing


def generated_files(count: int, seed: int = 1, first_number: int = 1) -> list[Row]:
    """``count`` realistic library files as v2 rows, without ids: weighted track types (by code in
    ``_type_code``), plausible lengths and names. The n-th file is numbered ``first_number + n`` in
    its name, path and checksum, so a store that numbers by id gets the same rows every time."""
    rng = random.Random(seed)
    artists = [f"{a} {b}" for a in _FIRST for b in _SECOND]
    albums = [f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}" for _ in range(400)]
    codes = [m[0] for m in _MIX]
    weights = [m[1] for m in _MIX]
    bounds = {m[0]: (m[2], m[3]) for m in _MIX}
    fmt_weights = [f[2] for f in _FORMATS]
    rows: list[Row] = []
    for n in range(count):
        code = rng.choices(codes, weights)[0]
        low, high = bounds[code]
        seconds = rng.uniform(low, high)
        length = timedelta(seconds=round(seconds, 6))
        ext, mime, _ = rng.choices(_FORMATS, fmt_weights)[0]
        number = first_number + n
        if code == "MUS":
            artist = rng.choice(artists)
            title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4))).title()
            album = rng.choice(albums)
            genre = rng.choice(_GENRES)
        elif code in {"ADV", "PRO"}:
            artist = rng.choice(_ADVERTISERS)
            title = f"{artist} {round(seconds)}s spot #{rng.randint(1, 40)}"
            album, genre = None, "Commercial"
        else:
            artist = "Station"
            title = f"{code} {rng.choice(_WORDS).title()} {number}"
            album, genre = None, None
        created = EPOCH + timedelta(seconds=number * 37)
        bit_rate = 320000 if ext == "mp3" else 192000
        rows.append(
            {
                "name": f"{number:06d}.{ext}",
                "mime": mime,
                "size": int(seconds * bit_rate / 8),
                "accessed": 0,
                "filepath": f"imported/1/{artist}/{album or code}/{number:06d} - {title}.{ext}",
                "import_status": 0,
                "md5": hashlib.md5(f"{seed}:{number}".encode()).hexdigest(),  # noqa: S324 - stand-in checksum
                "track_title": title,
                "artist_name": artist,
                "album_title": album,
                "genre": genre,
                "length": length,
                "cue_in": timedelta(0),
                "cue_out": length,
                "bit_rate": bit_rate,
                "sample_rate": 44100,
                "replay_gain": f"{rng.uniform(-9, 3):.2f}",
                "_type_code": code,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def generate(store: Store, files: int, seed: int = 1) -> dict[str, Any]:
    """Add ``files`` realistic library files (``generated_files``), numbered by their ids."""
    type_ids = _ensure_track_types(store)
    table = store.files
    first_id = table.next_id
    for n, row in enumerate(generated_files(files, seed, first_id)):
        row["library"] = type_ids[row.pop("_type_code")]
        table.insert(row, first_id + n)
    return {"files": files, "first_id": first_id, "last_id": first_id + files - 1}


class SmallFile(NamedTuple):
    key: str  # the name scenarios use for it: {{ media.<key> }}
    code: str | None  # its track type's code (None: untyped)
    title: str
    artist: str
    album: str | None
    genre: str | None
    seconds: float


# A dozen-odd files: every type code, one unknown code (BED), one untyped file.
SMALL: tuple[SmallFile, ...] = (
    SmallFile("harbour_lights", "MUS", "Harbour Lights", "The Velvet Foxes", "Night Parade", "Rock", 214.5),
    SmallFile("paper_comets", "MUS", "Paper Comets", "Silver Rivers", "Orchard", "Pop", 187.25),
    SmallFile("sunday_highway", "MUS", "Sunday Highway", "Midnight Engines", "Signals", "Country", 243.0),
    SmallFile("smith_hardware", "ADV", "Smith Hardware 30s", "Smith Hardware", None, "Commercial", 30.0),
    SmallFile("water_safety", "PSA", "Water Safety", "Red Cross", None, None, 30.0),
    SmallFile("liner_more_music", "LIN", "Liner: More Music", "Station", None, None, 8.5),
    SmallFile("mayor_interview", "INT", "Mayor Interview", "Station", None, None, 412.0),
    SmallFile("weekend_promo", "PRO", "Weekend Promo", "Station", None, None, 29.75),
    SmallFile("jazz_hour_intro", "SHO", "Jazz Hour Intro", "Station", None, "Jazz", 95.0),
    SmallFile("top_of_hour_id", "IDS", "Top of Hour ID", "Station", None, None, 6.0),
    SmallFile("morning_commentary", "COM", "Morning Commentary", "Station", None, None, 120.0),
    SmallFile("news_headlines", "NEW", "News Headlines", "Newsroom", None, None, 180.0),
    SmallFile("news_bed", "BED", "News Bed", "Station", None, None, 60.0),
    SmallFile("untyped_upload", None, "Untyped Upload", "Unknown", None, None, 42.0),
)
SMALL_EXTRA_TYPES: tuple[tuple[str, str], ...] = (("BED", "Music Bed"),)


def _small(store: Store) -> dict[str, Any]:
    """The SMALL library with real WAV bytes; ``media`` names each file's id."""
    type_ids = _ensure_track_types(store, extra=SMALL_EXTRA_TYPES)
    first = store.files.next_id
    for offset, spec in enumerate(SMALL):
        file_id = first + offset
        data = media.make_wav(0.25, frequency=220 + 40 * offset)
        filepath = f"imported/1/{spec.artist}/{file_id:04d} - {spec.title}.wav"
        store.blobs[filepath] = data
        length = timedelta(seconds=spec.seconds)
        store.files.insert(
            {
                "name": f"{spec.title}.wav",
                "mime": "audio/x-wav",
                "size": len(data),
                "accessed": 0,
                "filepath": filepath,
                "import_status": 0,
                "md5": hashlib.md5(data).hexdigest(),  # noqa: S324 - LibreTime's own checksum
                "track_title": spec.title,
                "artist_name": spec.artist,
                "album_title": spec.album,
                "genre": spec.genre,
                "length": length,
                "cue_in": timedelta(0),
                "cue_out": length,
                "bit_rate": 128000,
                "sample_rate": 8000,
                "library": type_ids[spec.code] if spec.code else None,
                "created_at": EPOCH + timedelta(days=offset),
                "updated_at": EPOCH + timedelta(days=offset),
            },
            file_id,
        )
    return {
        "files": len(SMALL),
        "first_id": first,
        "last_id": first + len(SMALL) - 1,
        "media": {spec.key: first + offset for offset, spec in enumerate(SMALL)},
    }


FIXTURES = {
    "empty": lambda store: {},
    "small": _small,
    "library-1000": lambda store: generate(store, 1000, seed=1000),
}

# Dependency order, so a seed's references resolve to rows seeded before them.
_SEED_ORDER = ("libraries", "files", "webstreams", "shows", "show_instances", "schedule", "playout_history")
_EXTENSIONS = {"files": ("content_base64",), "schedule": ("hard_start", "type"), "playout_history": ("schedule_id",)}


def seed_json(store: Store, payload: dict[str, Any]) -> dict[str, Any]:
    """Add rows given in v2 field names; all-or-nothing, with errors per row and field."""
    unknown = set(payload) - set(_SEED_ORDER) - {"reset", "fixture", "generate"}
    if unknown:
        raise ControlError(400, "unknown seed keys", {k: ["Not a table the stub holds."] for k in sorted(unknown)})
    staged: dict[str, set[int]] = {name: set() for name in _SEED_ORDER}
    planned: list[tuple[str, int, Row]] = []
    errors: dict[str, list[str]] = {}
    # Rows without an id get ids past every id this seed names, so later rows can refer to them.
    named = {
        t: {r["id"] for r in payload.get(t, []) if isinstance(r, dict) and type(r.get("id")) is int}
        for t in _SEED_ORDER
        if isinstance(payload.get(t, []), list)
    }
    cursor = {t: max([store[t].next_id, *(i + 1 for i in named.get(t, ()))]) for t in _SEED_ORDER}

    def exists(table: str, pk: int) -> bool:
        return store.exists(table, pk) or pk in staged.get(table, set())

    for table in _SEED_ORDER:
        rows = payload.get(table, [])
        if not isinstance(rows, list):
            errors[table] = ["Expected a list of rows."]
            continue
        resource = BY_TABLE[table]
        for index, raw in enumerate(rows):
            where = f"{table}[{index}]"
            if not isinstance(raw, dict):
                errors[where] = ["Expected an object."]
                continue
            row_id = raw.get("id")
            if row_id is not None and (type(row_id) is not int or row_id < 1):
                errors[f"{where}.id"] = ["A positive integer is required."]
                continue
            if row_id is not None and (store.exists(table, row_id) or row_id in staged[table]):
                errors[f"{where}.id"] = [f"{table} id {row_id} already exists."]
                continue
            try:
                clean = validate(raw, resource.create_fields, partial=False, exists=exists)
            except ValidationFailed as exc:
                for field, messages in exc.errors.items():
                    errors[f"{where}.{field}"] = messages
                continue
            if row_id is None:
                row_id = cursor[table]
                cursor[table] += 1
            row = {k: v for k, v in clean.items() if v is not None or k in raw}
            for key in _EXTENSIONS.get(table, ()):
                if key in raw:
                    row[f"_{key}"] = raw[key]
            if table == "files" and "_content_base64" in row:
                try:
                    row["_content"] = base64.b64decode(row.pop("_content_base64"), validate=True)
                except ValueError:
                    errors[f"{where}.content_base64"] = ["Not valid base64."]
                    continue
            staged[table].add(row_id)
            planned.append((table, row_id, row))
    if errors:
        raise ControlError(400, "invalid seed: nothing was added", errors)
    added: dict[str, list[int]] = {name: [] for name in _SEED_ORDER}
    for table, row_id, row in planned:
        resource = BY_TABLE[table]
        for key, value in resource.defaults.items():
            row.setdefault(key, value)
        content = row.pop("_content", None)
        if table == "files" and content is not None:
            path = row.get("filepath") or f"imported/1/seed/{row_id}-{row.get('name')}"
            row["filepath"] = path
            store.blobs[path] = content
            row.setdefault("size", len(content))
        if table == SCHEDULE.table and "_hard_start" in row:
            row["_hard_start"] = bool(row["_hard_start"])
        inserted = store[table].insert(row, row_id)
        added[table].append(inserted["id"])
    return {name: ids for name, ids in added.items() if ids}
