"""Give a fresh real LibreTime a station's own content before a live run: a track type, files (one
of them real audio, analysed), a show with an instance and a scheduled item on a real day, and a
play in its history. A live run must find its way around all of it and leave every row as it was,
so the station check compares something rather than an empty station.

    eval "$(../shared/tools/real-libretime env)"; .venv/bin/python scripts/station-content.py

Idempotent: content already there (by its names) is left alone. Writes only through LibreTime's
own APIs, never inside the default sandbox (2099).
"""

from __future__ import annotations

import base64
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx

from harness import audio
from harness.seeding.rows import completed

SHOW = "Station content: Morning Show"
SONG = "Station content: Opening Theme"


def main() -> int:
    url, key = os.environ.get("LIBRETIME_URL"), os.environ.get("LIBRETIME_API_KEY")
    if not url or not key:
        print("station-content: set LIBRETIME_URL and LIBRETIME_API_KEY", file=sys.stderr)
        return 2
    with httpx.Client(base_url=url, headers={"Authorization": f"Api-Key {key}"}, timeout=60) as lt:
        if any(s["name"] == SHOW for s in lt.get("/api/v2/shows").raise_for_status().json()):
            print("station-content: already there")
            return 0
        music = next((t for t in lt.get("/api/v2/libraries").json() if t["code"] == "MUS"), None)
        if music is None:
            body = {"code": "MUS", "name": "Music", "description": "The station's music", "enabled": True}
            music = lt.post("/api/v2/libraries", json=body).raise_for_status().json()
        sound = audio.wav(4.0)
        basic = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
        files = {"file": ("opening-theme.wav", sound.data, sound.mime)}
        uploaded = lt.post("/rest/media", files=files, headers={"Authorization": basic})
        if uploaded.status_code != 201:
            print(f"station-content: no upload path ({uploaded.status_code}): v2 rows only", file=sys.stderr)
            song = None
        else:
            song = uploaded.json()["id"]
            for _ in range(240):
                if lt.get(f"/api/v2/files/{song}").json()["import_status"] != 1:
                    break
                time.sleep(0.25)
            theme = {"track_title": SONG, "library": music["id"]}
            lt.patch(f"/api/v2/files/{song}", json=theme).raise_for_status()
        rows = [
            {"name": "ident.mp3", "track_title": "Station content: Ident", "length": "00:00:07", "library": None},
            {"name": "news.mp3", "track_title": "Station content: News", "length": "00:02:00", "library": music["id"]},
        ]
        made = []
        for row in rows:
            body = {**row, "mime": "audio/mpeg", "size": 1000, "accessed": 0, "import_status": 0, "hidden": False}
            body |= {"md5": f"station-content-{row['name']}", "cue_in": "00:00:00", "cue_out": row["length"]}
            made.append(lt.post("/api/v2/files", json=body).raise_for_status().json()["id"])
        show = completed("shows", {"name": SHOW})
        show_id = lt.post("/api/v2/shows", json=show).raise_for_status().json()["id"]
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        hour = {"starts_at": tomorrow.isoformat(), "ends_at": (tomorrow + timedelta(hours=1)).isoformat()}
        instance = completed("show_instances", {"show": show_id, **hour})
        instance_id = lt.post("/api/v2/show-instances", json=instance).raise_for_status().json()["id"]
        item = completed(
            "schedule",
            {
                "starts_at": tomorrow.isoformat(),
                "ends_at": (tomorrow + timedelta(seconds=7)).isoformat(),
                "cue_out": "00:00:07",
                "instance": instance_id,
                "file": made[0],
            },
        )
        lt.post("/api/v2/schedule", json=item).raise_for_status()
        yesterday = tomorrow - timedelta(days=2)
        played = {"starts": yesterday.isoformat(), "ends": (yesterday + timedelta(minutes=2)).isoformat()}
        lt.post("/api/v2/playout-history", json={**played, "file": made[1], "instance": None}).raise_for_status()
        count = len(made) + (song is not None)
        print(f"station-content: a show, an instance and an item tomorrow, a play yesterday, {count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
