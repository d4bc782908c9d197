"""What every check shares: reading JSON back, instants and durations in LibreTime's formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the schedule check's formats use the helpers below without any HTTP client
    import httpx


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def iso_z(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


async def read_json(client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None) -> Any:
    from ..running.expect import ExpectationFailed

    response = await client.get(path, params=params)
    if response.status_code != 200:
        raise ExpectationFailed(f"GET {path} answered {response.status_code}: {response.text[:300]}")
    return response.json()


def duration(text: str | None) -> timedelta | None:
    """LibreTime's ``[D ]HH:MM:SS[.ffffff]`` as an exact timedelta (fractions of a second kept;
    a length past a day is written with its days first, as Django writes durations)."""
    if not text:
        return None
    days, _, clock = text.rpartition(" ")
    hours, minutes, seconds = clock.split(":")
    whole, _, fraction = seconds.partition(".")
    micro = int((fraction + "000000")[:6]) if fraction else 0
    return timedelta(
        days=int(days or 0), hours=int(hours), minutes=int(minutes), seconds=int(whole), microseconds=micro
    )
