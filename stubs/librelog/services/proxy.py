"""Live views of LibreTime through LibreLog: the dashboard (never local counts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .. import timeconv
from ..config import Settings
from ..libretime.client import LibreTimeClient
from ..libretime.flavors import Flavor


async def dashboard(client: LibreTimeClient, flavor: Flavor, settings: Settings) -> dict[str, Any]:
    info = await client.get_json("/api/v2/info", shape=dict)
    version = await client.get_json("/api/v2/version", shape=dict)
    stream_state = await client.get_json("/api/v2/stream/state", shape=dict)
    tz = timeconv.zone(settings.station_timezone)
    assert tz is not None
    today = datetime.now(UTC).astimezone(tz).date()
    items = await flavor.day_schedule(today, settings.station_timezone)
    starts = sorted(i["start"] for i in items if i.get("start"))
    ends = sorted(i["end"] for i in items if i.get("end"))
    return {
        "station_name": info.get("station_name"),
        "api_version": version.get("api_version"),
        "stream_state": stream_state,
        "today": {
            "date": today.isoformat(),
            "scheduled_items": len(items),
            "first_start": starts[0] if starts else None,
            "last_end": ends[-1] if ends else None,
        },
        "libretime_public_url": settings.public_url,
    }
