"""Real audio the harness uploads: a few seconds of WAV or MP3, different bytes every time.

Every file is a tone at a random pitch under a little random noise, so no two uploads share an
md5: LibreTime's library (and LibreLog's duplicate check, which looks files up by md5) can tell
each run's files apart, and a file hidden by an earlier run is never mistaken for a new one.
MP3s are encoded with LAME (``lameenc``) and may carry an ID3v2 title, which LibreTime's analyzer
reads into the file's metadata.
"""

from __future__ import annotations

import array
import io
import math
import random
import sys
import wave
from dataclasses import dataclass

WAV_RATE = 8000  # samples per second: small files, and every WAV length a whole number of samples
MP3_RATE = 16000  # MPEG-2 layer III: 576 samples per frame, so lengths land within 36 ms
MP3_KBPS = 32
# How far an analyser's reading of a generated file may be from its nominal length: none for a
# WAV (its header counts samples), LAME's padding of the last frame and its decoder delay for an MP3.
TOLERANCE_S = {"wav": 0.001, "mp3": 0.1}
MIME = {"wav": "audio/x-wav", "mp3": "audio/mpeg"}


@dataclass(frozen=True)
class Audio:
    data: bytes
    format: str  # "wav" or "mp3"
    seconds: float  # the nominal length: samples written / sample rate

    @property
    def mime(self) -> str:
        return MIME[self.format]

    @property
    def tolerance_s(self) -> float:
        return TOLERANCE_S[self.format]


def _samples(seconds: float, rate: int, rng: random.Random) -> tuple[bytes, int]:
    """Little-endian 16-bit PCM: one cycle of a sine at a random pitch repeated, its low byte
    replaced by random bytes (noise of at most 1/128 of full scale). Built from whole cycles and
    byte slices, so a minute of audio takes milliseconds, not a Python loop per sample."""
    frames = round(seconds * rate)
    period = rng.randint(rate // 900, rate // 180)  # samples per cycle: a pitch from 180 to 900 Hz
    phase = rng.uniform(0, 2 * math.pi)
    cycle = array.array("h", (round(7000 * math.sin(phase + 2 * math.pi * n / period)) for n in range(period)))
    tone = (cycle * (frames // period + 1))[:frames]
    if sys.byteorder == "big":
        tone.byteswap()
    pcm = bytearray(tone.tobytes())
    pcm[0::2] = rng.randbytes(frames)
    return bytes(pcm), frames


def wav(seconds: float, *, rng: random.Random | None = None) -> Audio:
    """A mono 16-bit WAV of ``seconds`` (its header states the exact length)."""
    samples, frames = _samples(seconds, WAV_RATE, rng or random.SystemRandom())
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(WAV_RATE)
        writer.writeframes(samples)
    return Audio(buffer.getvalue(), "wav", frames / WAV_RATE)


def _id3_title(title: str) -> bytes:
    """A minimal ID3v2.3 tag holding one title frame (TIT2, UTF-16 with BOM)."""
    text = b"\x01" + title.encode("utf-16")
    frame = b"TIT2" + len(text).to_bytes(4, "big") + b"\x00\x00" + text
    size = len(frame)
    synchsafe = bytes(((size >> shift) & 0x7F) for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + synchsafe + frame


def mp3(seconds: float, *, title: str | None = None, rng: random.Random | None = None) -> Audio:
    """A mono MP3 of about ``seconds``, optionally tagged with an ID3 title."""
    import lameenc

    samples, frames = _samples(seconds, MP3_RATE, rng or random.SystemRandom())
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_in_sample_rate(MP3_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    data = bytes(encoder.encode(samples) + encoder.flush())
    if title is not None:
        data = _id3_title(title) + data
    return Audio(data, "mp3", frames / MP3_RATE)


def generate(spec: dict[str, object]) -> Audio:
    """Audio from a scenario's description: ``{format: wav|mp3, seconds: n, title: ...}``."""
    seconds = float(spec.get("seconds", 2.0))  # type: ignore[arg-type]
    if spec.get("format", "wav") == "mp3":
        title = spec.get("title")
        return mp3(seconds, title=str(title) if title is not None else None)
    return wav(seconds)
