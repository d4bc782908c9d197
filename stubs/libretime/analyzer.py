"""What LibreTime's analyzer reads from an uploaded file, as upstream's pipeline reads it.

Upstream (``libretime_analyzer.pipeline``) takes the audio facts and tags with mutagen, then the
duration, cue points and replay gain with ffmpeg, and sends what it found to the legacy app
(``PUT /rest/media/{id}``), which keeps the keys that are ``cc_files`` columns. The stub reads
with mutagen too, so mimes, rates, channels and tags come out as a station's do. For the audio
a client sends (constant bit rate, no leading or trailing silence) ffmpeg's duration is
mutagen's, and the cue points are the whole file: cue in 0, cue out the length. The replay gain
is the stub's own estimate from the samples' loudness (a station's comes from ffmpeg's filter):
the same kind of value, not the same number.
"""

from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import mutagen
from mutagen.easyid3 import EasyID3

# Upstream's tag → key mapping (analyze_metadata.py) in its order, later keys winning, reduced to
# the keys that are cc_files columns (the others never reach the row). Column names here.
TAGS: tuple[tuple[str, str], ...] = (
    ("title", "track_title"),
    ("artist", "artist_name"),
    ("album", "album_title"),
    ("bpm", "bpm"),
    ("composer", "composer"),
    ("conductor", "conductor"),
    ("copyright", "copyright"),
    ("comment", "comments"),
    ("comment", "description"),
    ("encoded_by", "encoder"),
    ("genre", "genre"),
    ("label", "label"),
    ("organization", "label"),
    ("language", "language"),
    ("mood", "mood"),
    ("date", "year"),
)


def _comments(id3: Any, _key: str) -> list[str]:
    """Upstream registers "comment" on EasyID3 as every COMM frame's text."""
    return [text for key, frame in id3.items() if "COMM" in key or "comment" in key for text in frame.text]


EasyID3.RegisterKey("comment", _comments)


@dataclass
class Analysis:
    """The analyzer's findings in cc_files column names, as its PUT sends them; ``ok`` false is
    a failed import."""

    ok: bool
    columns: dict[str, Any] = field(default_factory=dict)


def _replay_gain(data: bytes, info: Any) -> float:
    """A loudness estimate in dB towards ReplayGain's reference, from a WAV's 16-bit samples."""
    if getattr(info, "bits_per_sample", 0) != 16 or len(data) <= 46 or (len(data) - 44) % 2:
        return 0.0
    samples = memoryview(data[44:]).cast("h")
    chosen = samples[:: max(1, len(samples) // 20000)]
    rms = math.sqrt(sum(s * s for s in chosen) / len(chosen)) or 1.0
    return round(-18.0 - 20 * math.log10(rms / 32768), 2)


def _track_number(extracted: Any) -> Any:
    value = extracted["tracknumber"]
    if isinstance(value, list):
        value = value[0]
    for separator in ("/", "-"):
        if separator in value:
            return value.split(separator)[0]
    return value


def analyze(data: bytes) -> Analysis:
    """Read ``data`` as upstream's analyzer does; bytes no decoder can read are a failed import."""
    try:
        extracted = mutagen.File(io.BytesIO(data), easy=True)
    except Exception:  # mutagen raises its own errors for bytes it half-recognises
        extracted = None
    info = getattr(extracted, "info", None)
    if extracted is None or not getattr(info, "length", 0):
        # Upstream's ffmpeg steps fail on such bytes, and the import with them.
        return Analysis(ok=False)
    length = timedelta(seconds=info.length)
    columns: dict[str, Any] = {"ftype": "audioclip", "hidden": False, "filesize": len(data)}
    columns["mime"] = extracted.mime[0]
    if hasattr(info, "sample_rate"):
        columns["sample_rate"] = info.sample_rate
    if hasattr(info, "bitrate"):
        columns["bit_rate"] = info.bitrate
    if columns["mime"] in ("audio/mpeg", "audio/mp3"):
        columns["channels"] = 1 if getattr(info, "mode", None) == 3 else 2
    elif hasattr(info, "channels"):
        columns["channels"] = info.channels
    with contextlib.suppress(AttributeError, KeyError, IndexError, ValueError):
        columns["track_number"] = _track_number(extracted)
    for tag, column in TAGS:
        try:
            value = extracted[tag]
        except (KeyError, ValueError):
            continue
        if isinstance(value, list):
            value = value[0] if value else ""
        columns[column] = value
    columns |= {
        "length": length,
        "cuein": timedelta(0),
        "cueout": length,
        "replay_gain": _replay_gain(data, info),
    }
    return Analysis(ok=True, columns=columns)
