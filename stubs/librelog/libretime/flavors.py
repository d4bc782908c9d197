"""The two ways LibreLog can talk to LibreTime, behind one interface.

``integration``: the extension endpoints (atomic replace-day/hour, paged media library).
``v2``: stock LibreTime — a ``LibreLog`` show and day instance, schedule rows chosen by an exact
client-side check of their start (never by the ignored ``instance`` parameter), new rows
created with explicit fades and positions before the old ones are deleted; uploads through
``/rest/media``. Stock LibreTime has no transaction, so a replacement that fails midway puts
the window back as it was.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from .. import timeconv
from .client import RETRY_STATUSES, LibreTimeClient
from .errors import LibreTimeBadResponse, LibreTimeError, LibreTimeTimeout, LibreTimeUnreachable, Upstream

log = logging.getLogger("librelog.libretime")
SHOW_NAME = "LibreLog"
# LibreTime's web UI stops drawing its Scheduled Shows pane at a show without colours: the legacy
# app's own default show colour, with white text, as LibreTime's show form would store.
SHOW_COLORS = {"background_color": "76aca5", "foreground_color": "ffffff"}


@dataclass(frozen=True)
class PublishEntry:
    start: datetime  # UTC
    media_id: int
    hard_start: bool


@dataclass(frozen=True)
class MediaItem:
    libretime_id: int
    title: str | None
    artist: str | None
    album: str | None
    genre: str | None
    type_code: str | None
    duration_s: float | None
    filepath: str | None
    mime: str | None
    md5: str | None


@dataclass(frozen=True)
class HistoryItem:
    id: int
    starts: datetime
    ends: datetime | None
    file_id: int | None
    schedule_id: int | None
    title: str | None
    artist: str | None


@dataclass(frozen=True)
class VoiceUpload:
    filename: str
    mime: str
    data: bytes
    title: str
    description: str | None
    artist_name: str | None
    genre: str | None


class Flavor(Protocol):
    name: str

    async def replace(
        self, day: date, tz_name: str, hour: int | None, entries: list[PublishEntry]
    ) -> dict[str, int]: ...

    async def media_pages(self, batch_size: int, limit: int | None) -> AsyncIterator[list[MediaItem]]: ...

    async def upload_voice(self, upload: VoiceUpload) -> int: ...

    async def finish_voice(self, file_id: int, upload: VoiceUpload) -> None: ...

    async def history(self, start: datetime, end: datetime) -> list[HistoryItem]: ...

    async def day_schedule(self, day: date, tz_name: str) -> list[dict[str, Any]]:
        """The station-local day's items as ``{"start", "end"}`` (UTC), what the dashboard shows."""
        ...

    async def media_exists(self, media_id: int) -> bool: ...


async def media_exists(client: LibreTimeClient, media_id: int) -> bool:
    """Whether LibreTime holds file ``media_id`` (stock ``/api/v2/files/{id}``, on either flavour).

    Only LibreTime's own "no such file" (a 404 with DRF's ``detail``) means absent: a 404 page from
    a wrong base URL is an error, or a misconfiguration would read as "every file is missing".
    """
    path = f"/api/v2/files/{media_id}"
    response = await client.request("GET", path, expect=(200, 404))
    if response.status_code == 200:
        return True
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "detail" in body:
        return False
    raise client.status_error("GET", path, response)


def _seconds(text: Any) -> float | None:
    """LibreTime duration text (``HH:MM:SS[.ffffff]``, maybe ``D HH:MM:SS``) → seconds."""
    if not isinstance(text, str) or not text:
        return None
    head, _, clock = text.rpartition(" ")
    parts = clock.split(":")
    if len(parts) not in (1, 3):  # neither plain seconds nor HH:MM:SS
        return None
    try:
        days = int(head) if head else 0
        hours, minutes, seconds = (float(p) for p in parts) if len(parts) == 3 else (0.0, 0.0, float(parts[0]))
    except ValueError:
        return None
    return days * 86400 + hours * 3600 + minutes * 60 + seconds


def _bad_shape(response_path: str, what: str) -> LibreTimeBadResponse:
    return LibreTimeBadResponse(f"LibreTime answered {response_path} without {what}", Upstream("GET", response_path))


def _check_count(body: dict[str, Any], path: str, expected: int) -> dict[str, int]:
    """An answer that does not confirm what was asked is a failure, however it is worded."""
    if body.get("success") is not True or not isinstance(body.get("created"), int):
        raise LibreTimeBadResponse(f"LibreTime did not confirm {path}: {str(body)[:200]}", Upstream("POST", path, 200))
    if body["created"] != expected:
        raise LibreTimeBadResponse(
            f"LibreTime created {body['created']} rows on {path}, {expected} were sent", Upstream("POST", path, 200)
        )
    return {"deleted": int(body.get("deleted", 0)), "created": body["created"]}


class IntegrationFlavor:
    name = "integration"

    def __init__(self, client: LibreTimeClient) -> None:
        self.client = client

    async def replace(self, day: date, tz_name: str, hour: int | None, entries: list[PublishEntry]) -> dict[str, int]:
        body: dict[str, Any] = {
            "date": day.isoformat(),
            "timezone": tz_name,
            "entries": [
                {"start": timeconv.iso_z(e.start), "media_id": e.media_id, "type": "track", "hard_start": e.hard_start}
                for e in entries
            ],
        }
        path = "/api/v2/integration/schedule/replace-day"
        if hour is not None:
            body["hour"] = hour
            path = "/api/v2/integration/schedule/replace-hour"
        response = await self.client.request("POST", path, json_body=body)
        return _check_count(self.client.json_of(response, shape=dict), path, len(entries))

    async def media_pages(self, batch_size: int, limit: int | None) -> AsyncIterator[list[MediaItem]]:
        path = "/api/v2/integration/media-library"
        offset, fetched = 0, 0
        while limit is None or fetched < limit:
            size = batch_size if limit is None else min(batch_size, limit - fetched)
            page = await self.client.get_json(path, {"limit": size, "offset": offset}, shape=dict)
            results = page.get("results")
            if not isinstance(results, list):
                raise _bad_shape(path, "a results list")
            items = [_media_from_library(r) for r in results]
            if not items:
                return
            fetched += len(items)
            offset += len(items)
            yield items
            if not page.get("next"):
                return

    async def upload_voice(self, upload: VoiceUpload) -> int:
        data = {
            k: v
            for k, v in {
                "title": upload.title,
                "description": upload.description,
                "artist_name": upload.artist_name,
                "genre": upload.genre,
            }.items()
            if v is not None
        }
        path = "/api/v2/integration/voice-tracks"
        response = await self.client.request(
            "POST", path, files={"file": (upload.filename, upload.data, upload.mime)}, data=data, retry=False
        )
        body = self.client.json_of(response, shape=dict)
        if body.get("success") is not True or not isinstance(body.get("library_id"), int):
            raise LibreTimeBadResponse(
                f"LibreTime did not confirm the upload: {str(body)[:200]}", Upstream("POST", path)
            )
        return body["library_id"]

    async def finish_voice(self, file_id: int, upload: VoiceUpload) -> None:
        """The extension sets metadata in the same call as the upload: nothing left to do."""

    async def history(self, start: datetime, end: datetime) -> list[HistoryItem]:
        path = "/api/v2/playout-history/playout-history-full"
        body = await self.client.get_json(
            path, {"start": timeconv.iso_z(start), "end": timeconv.iso_z(end)}, shape=dict
        )
        results = body.get("results")
        if not isinstance(results, list):
            raise _bad_shape(path, "a results list")
        return [_history(r, path) for r in results]

    async def day_schedule(self, day: date, tz_name: str) -> list[dict[str, Any]]:
        path = "/api/v2/integration/schedule"
        body = await self.client.get_json(path, {"date": day.isoformat(), "timezone": tz_name}, shape=dict)
        entries = body.get("entries")
        if not isinstance(entries, list):
            raise _bad_shape(path, "an entries list")
        return [{"start": e.get("start"), "end": e.get("end")} for e in entries]

    async def media_exists(self, media_id: int) -> bool:
        return await media_exists(self.client, media_id)


def _media_from_library(item: Any) -> MediaItem:
    if not isinstance(item, dict) or not isinstance(item.get("id"), int):
        raise LibreTimeBadResponse(f"media-library item without an id: {str(item)[:200]}")
    duration = item.get("duration")
    return MediaItem(
        libretime_id=item["id"],
        title=item.get("title"),
        artist=item.get("artist"),
        album=item.get("album"),
        genre=item.get("genre"),
        type_code=item.get("track_type"),
        duration_s=float(duration) if isinstance(duration, (int, float)) else _seconds(item.get("length")),
        filepath=item.get("filepath"),
        mime=item.get("mime"),
        md5=item.get("md5"),
    )


def _history(row: Any, path: str) -> HistoryItem:
    starts = timeconv.parse_instant(row.get("starts")) if isinstance(row, dict) else None
    if starts is None or not isinstance(row.get("id"), int):
        raise _bad_shape(path, "history rows with id and starts")
    return HistoryItem(
        id=row["id"],
        starts=starts,
        ends=timeconv.parse_instant(row.get("ends")),
        file_id=row.get("file"),
        schedule_id=row.get("schedule_id"),
        title=row.get("track_title"),
        artist=row.get("artist_name"),
    )


class V2Flavor:
    name = "v2"

    def __init__(self, client: LibreTimeClient) -> None:
        self.client = client

    async def _librelog_instance(self, day_start: datetime, day_end: datetime) -> int:
        shows = await self.client.get_json("/api/v2/shows", shape=list)
        show = next((s for s in shows if isinstance(s, dict) and s.get("name") == SHOW_NAME), None)
        if show is None:
            response = await self.client.request(
                "POST",
                "/api/v2/shows",
                json_body={
                    "name": SHOW_NAME,
                    "description": "Daily logs published by LibreLog",
                    **SHOW_COLORS,
                    "linked": False,
                    "linkable": False,
                    "auto_playlist_enabled": False,
                    "auto_playlist_repeat": False,
                    "override_intro_playlist": False,
                    "override_outro_playlist": False,
                },
                retry=False,
            )
            show = self.client.json_of(response, shape=dict)
        for inst in await self.client.get_json("/api/v2/show-instances", shape=list):
            starts, ends = timeconv.parse_instant(inst.get("starts_at")), timeconv.parse_instant(inst.get("ends_at"))
            if inst.get("show") == show["id"] and starts and ends and starts <= day_start and ends >= day_end:
                return int(inst["id"])
        response = await self.client.request(
            "POST",
            "/api/v2/show-instances",
            json_body={
                "created_at": timeconv.iso_z(datetime.now(UTC)),
                "show": show["id"],
                "starts_at": timeconv.iso_z(day_start),
                "ends_at": timeconv.iso_z(day_end),
                "modified": False,
                "auto_playlist_built": False,
            },
            retry=False,
        )
        return int(self.client.json_of(response, shape=dict)["id"])

    async def _rows_starting_in(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Rows with start in [start, end): the server filter is inclusive, so check each row exactly."""
        rows = await self.client.get_json(
            "/api/v2/schedule",
            {"starts_after": timeconv.iso_z(start), "starts_before": timeconv.iso_z(end)},
            shape=list,
        )
        out = []
        for row in rows:
            starts = timeconv.parse_instant(row.get("starts_at")) if isinstance(row, dict) else None
            if starts is not None and start <= starts < end:
                out.append(row)
        return sorted(out, key=lambda r: (r["starts_at"], r["id"]))

    async def replace(self, day: date, tz_name: str, hour: int | None, entries: list[PublishEntry]) -> dict[str, int]:
        """Retried as a whole: each try treats everything in the window as old, so re-runs converge."""
        attempts = 1 + self.client.settings.retries
        for attempt in range(1, attempts + 1):
            try:
                return await self._replace_once(day, tz_name, hour, entries)
            except (LibreTimeUnreachable, LibreTimeTimeout, LibreTimeBadResponse) as exc:
                status = exc.upstream.status if exc.upstream else None
                transient = not isinstance(exc, LibreTimeBadResponse) or status in RETRY_STATUSES
                if attempt == attempts or not transient:
                    raise
                await asyncio.sleep(self.client.backoff(attempt))
        raise AssertionError("unreachable")

    async def _replace_once(
        self, day: date, tz_name: str, hour: int | None, entries: list[PublishEntry]
    ) -> dict[str, int]:
        tz = timeconv.zone(tz_name)
        assert tz is not None
        day_start, day_end = timeconv.day_bounds(day, tz)
        start, end = (day_start, day_end) if hour is None else timeconv.hour_bounds(day, hour, tz)
        instance_id = await self._librelog_instance(day_start, day_end)
        cue = {}
        for media_id in sorted({e.media_id for e in entries}):
            file_row = await self.client.get_json(f"/api/v2/files/{media_id}", shape=dict)
            cue_in = _seconds(file_row.get("cue_in")) or 0.0
            cue_out = _seconds(file_row.get("cue_out"))
            if not cue_out or cue_out <= cue_in:
                # No cue points: LibreTime's analyzer found none, or could not look (it needs ffmpeg,
                # and leaves cue_out at 00:00:00 without it). The file then plays to its end.
                whole = _seconds(file_row.get("length"))
                cue_out = whole if whole and whole > cue_in else None
            length = (cue_out - cue_in) if cue_out is not None else None
            if length is None:
                raise LibreTimeBadResponse(f"LibreTime file {media_id} has no length yet (import pending?)")
            cue[media_id] = (cue_in, length)
        day_rows = await self._rows_starting_in(day_start, day_end)
        old = [r for r in day_rows if start <= timeconv.parse_instant(r["starts_at"]) < end]  # type: ignore[operator]
        kept_before = sum(1 for r in day_rows if r not in old and r["starts_at"] < timeconv.iso_z(start))
        new_rows = []
        for index, entry in enumerate(sorted(entries, key=lambda e: e.start)):
            cue_in, length = cue[entry.media_id]
            new_rows.append(
                {
                    "starts_at": timeconv.iso_z(entry.start),
                    "ends_at": timeconv.iso_z(entry.start + timedelta(seconds=length)),
                    "instance": instance_id,
                    "file": entry.media_id,
                    "cue_in": _duration(cue_in),
                    "cue_out": _duration(cue_in + length),
                    "length": _duration(length),
                    "fade_in": "00:00:00",
                    "fade_out": "00:00:00",
                    "position": kept_before + index,
                    "position_status": 1,
                    "broadcasted": 0,
                }
            )
        # New rows first, old rows after: if creating fails, the old rows were never touched.
        old_ids = {row["id"] for row in old}
        deleted: list[dict[str, Any]] = []
        try:
            for row in new_rows:
                response = await self.client.request("POST", "/api/v2/schedule", json_body=row, retry=False)
                if not isinstance(self.client.json_of(response, shape=dict).get("id"), int):
                    raise LibreTimeBadResponse(
                        "LibreTime did not confirm a schedule row", Upstream("POST", "/api/v2/schedule", 201)
                    )
            for row in old:
                await self.client.request("DELETE", f"/api/v2/schedule/{row['id']}", expect=(204, 404))
                deleted.append(row)
        except LibreTimeError as exc:
            await self._restore(start, end, old_ids, deleted, exc)
            raise
        return {"deleted": len(old), "created": len(new_rows)}

    async def _restore(
        self, start: datetime, end: datetime, old_ids: set[int], deleted: list[dict[str, Any]], cause: LibreTimeError
    ) -> None:
        """Best effort: put the window back as it was, and say in the error whether that worked.

        Every row now in the window that is not one of the old rows goes, including rows whose
        creation answer was lost; old rows already deleted are created again.
        """
        try:
            for row in await self._rows_starting_in(start, end):
                if row["id"] not in old_ids:
                    await self.client.request("DELETE", f"/api/v2/schedule/{row['id']}", expect=(204, 404))
            for row in deleted:
                await self.client.request(
                    "POST", "/api/v2/schedule", json_body={k: v for k, v in row.items() if k != "id"}
                )
        except LibreTimeError as exc:
            cause.message += f"; restoring the previous schedule also failed ({exc.message}): re-publish to converge"
            return
        cause.message += "; the previous schedule was restored"

    async def media_pages(self, batch_size: int, limit: int | None) -> AsyncIterator[list[MediaItem]]:
        # Stock LibreTime has no paging: the whole list arrives at once, then is processed in batches.
        types = {t.get("id"): t.get("code") for t in await self.client.get_json("/api/v2/libraries", shape=list)}
        files = await self.client.get_json("/api/v2/files", shape=list)
        # Hidden files are gone from LibreTime's own library (upstream never deletes a row): skip them.
        files = sorted(
            (f for f in files if isinstance(f, dict) and isinstance(f.get("id"), int) and f.get("hidden") is not True),
            key=lambda f: f["id"],
        )
        if limit is not None:
            files = files[:limit]
        for offset in range(0, len(files), batch_size):
            yield [
                MediaItem(
                    libretime_id=f["id"],
                    title=f.get("track_title"),
                    artist=f.get("artist_name"),
                    album=f.get("album_title"),
                    genre=f.get("genre"),
                    type_code=types.get(f.get("library")),
                    duration_s=_seconds(f.get("length")),
                    filepath=f.get("filepath"),
                    mime=f.get("mime"),
                    md5=f.get("md5"),
                )
                for f in files[offset : offset + batch_size]
            ]

    async def _vot_type(self) -> int:
        for track_type in await self.client.get_json("/api/v2/libraries", shape=list):
            if track_type.get("code") == "VOT":
                return int(track_type["id"])
        response = await self.client.request(
            "POST",
            "/api/v2/libraries",
            # description is required in practice: LibreTime answers 500 without it.
            json_body={
                "code": "VOT",
                "name": "Voice Track",
                "description": "Voice tracks from LibreLog",
                "enabled": True,
            },
            retry=False,
        )
        return int(self.client.json_of(response, shape=dict)["id"])

    async def upload_voice(self, upload: VoiceUpload) -> int:
        vot = await self._vot_type()
        basic = "Basic " + base64.b64encode(f"{self.client.settings.api_key}:".encode()).decode()
        # The legacy app reads no form field beside the file: the track type is the web UI's
        # tt_upload cookie, set on the row as it is created (it stays hidden until analysed).
        response = await self.client.request(
            "POST",
            "/rest/media",
            files={"file": (upload.filename, upload.data, upload.mime)},
            headers={"Authorization": basic, "Cookie": f"tt_upload={vot}"},
            retry=False,
        )
        file_id = self.client.json_of(response, shape=dict).get("id")
        if not isinstance(file_id, int):
            raise LibreTimeBadResponse(
                "LibreTime's /rest/media answered without a file id", Upstream("POST", "/rest/media")
            )
        await self.finish_voice(file_id, upload, vot)
        return file_id

    async def _imported(self, file_id: int) -> None:
        """Wait for LibreTime's analyzer to finish the file: it writes what it read from the audio
        (tags, length) when it finishes, over anything set before. A failed import is an error; an
        analyzer that never finishes is waited for ``import_wait_s`` at most."""
        deadline = time.monotonic() + self.client.settings.import_wait_s
        path = f"/api/v2/files/{file_id}"
        while True:
            row = await self.client.get_json(path, shape=dict)
            status = row.get("import_status")
            if status == 2:
                raise LibreTimeBadResponse(
                    f"LibreTime could not import file {file_id} (import_status 2)", Upstream("GET", path, 200)
                )
            if status != 1 or time.monotonic() >= deadline:
                if status == 1:
                    log.warning("LibreTime file %s is still being imported; setting its metadata anyway", file_id)
                return
            await asyncio.sleep(0.25)

    async def finish_voice(self, file_id: int, upload: VoiceUpload, vot: int | None = None) -> None:
        """/rest/media takes only the bytes (and the type, from the cookie): title, description and
        artist are set afterwards, once LibreTime has analysed the file; the type again with them,
        which keeps it where a LibreTime took no cookie."""
        await self._imported(file_id)
        await self.client.request(
            "PATCH",
            f"/api/v2/files/{file_id}",
            json_body={
                "track_title": upload.title,
                "description": upload.description,
                "artist_name": upload.artist_name,
                "genre": upload.genre,
                "library": vot if vot is not None else await self._vot_type(),
            },
        )

    async def history(self, start: datetime, end: datetime) -> list[HistoryItem]:
        rows = await self.client.get_json("/api/v2/playout-history", shape=list)  # no server-side filters
        items = [_history(r, "/api/v2/playout-history") for r in rows]
        return sorted((h for h in items if start <= h.starts <= end), key=lambda h: (h.starts, h.id))

    async def day_schedule(self, day: date, tz_name: str) -> list[dict[str, Any]]:
        tz = timeconv.zone(tz_name)
        assert tz is not None
        rows = await self._rows_starting_in(*timeconv.day_bounds(day, tz))
        return [{"start": r["starts_at"], "end": r.get("ends_at")} for r in rows]

    async def media_exists(self, media_id: int) -> bool:
        return await media_exists(self.client, media_id)


def _duration(seconds: float) -> str:
    whole = int(seconds)
    micro = round((seconds - whole) * 1_000_000)
    if micro == 1_000_000:
        whole, micro = whole + 1, 0
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return text + (f".{micro:06d}" if micro else "")


def make_flavor(name: str, client: LibreTimeClient) -> Flavor:
    return V2Flavor(client) if name == "v2" else IntegrationFlavor(client)
