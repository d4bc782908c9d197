"""Audio files and LibreTime's storage: allowed types, WAV facts, and the X-Accel-Redirect mapping."""

from __future__ import annotations

import io
import math
import re
import struct
import wave
from datetime import timedelta
from functools import cache
from urllib.parse import quote, unquote

ALLOWED_EXTENSIONS = ("ogg", "mp3", "aac", "m4a", "mp4", "flac", "wav", "mp2", "mp1", "au", "opus")
MIME_BY_EXTENSION = {
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "m4a": "audio/mp4",
    "mp4": "audio/mp4",
    "flac": "audio/flac",
    "wav": "audio/x-wav",
    "mp2": "audio/mpeg",
    "mp1": "audio/mpeg",
    "au": "audio/basic",
    "opus": "audio/opus",
}
MEDIA_PREFIX = "/api/_media/"


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def wav_duration(data: bytes) -> timedelta | None:
    """Length of a WAV file, or None when the bytes are not a readable WAV."""
    try:
        with wave.open(io.BytesIO(data)) as reader:
            frames, rate = reader.getnframes(), reader.getframerate()
    except (wave.Error, EOFError, struct.error):
        return None
    return timedelta(seconds=frames / rate) if rate else None


@cache
def make_wav(seconds: float, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """A real, playable mono 16-bit tone (fixtures need bytes that survive a download). Cached:
    every fresh stub seeds the same fixture tones, and the bytes never change."""
    frames = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * n / rate))) for n in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples)
    return buffer.getvalue()


def accel_redirect_uri(filepath: str) -> str:
    """Django's ``filepath_to_uri(os.path.join("/api/_media", filepath))``."""
    return quote(MEDIA_PREFIX + filepath.replace("\\", "/"), safe="/~!*()'")


def filepath_from_accel(uri: str) -> str | None:
    if not uri.startswith(MEDIA_PREFIX):
        return None
    return unquote(uri[len(MEDIA_PREFIX) :])


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_filename(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name.replace("/", "_").replace("\\", "_")).strip(" .")
    return cleaned or "upload"
