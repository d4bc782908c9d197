"""Domain checks that replace the seed's manual LibreTime UI checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from .errors import HarnessError
from .expect import ExpectationFailed, subset_diff
from .report import Recorder
from .targets import Target


@dataclass
class Snapshot:
    date: str
    timezone: str
    rows: list[dict[str, Any]]  # full upstream rows, in start order
    hard_start: dict[int, bool] | None  # only where the integration read side exists

    def by_hour(self) -> dict[int, list[dict[str, Any]]]:
        tz = ZoneInfo(self.timezone)
        out: dict[int, list[dict[str, Any]]] = {}
        for row in self.rows:
            out.setdefault(_instant(row["starts_at"]).astimezone(tz).hour, []).append(row)
        return out


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _z(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


async def _json(client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None) -> Any:
    response = await client.get(path, params=params)
    if response.status_code != 200:
        raise ExpectationFailed(f"GET {path} answered {response.status_code}: {response.text[:300]}")
    return response.json()


async def snapshot(target: Target, day: str, tz_name: str, rec: Recorder) -> Snapshot:
    """The day's schedule as LibreTime holds it (rows whose start falls in the local day)."""
    tz = ZoneInfo(tz_name)
    local = date.fromisoformat(day)
    start = datetime.combine(local, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(local + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    rows = await _json(target.libretime, "/api/v2/schedule", {"starts_after": _z(start), "starts_before": _z(end)})
    rows = sorted((r for r in rows if start <= _instant(r["starts_at"]) < end), key=lambda r: (r["starts_at"], r["id"]))
    hard = None
    read = await target.libretime.get("/api/v2/integration/schedule", params={"date": day, "timezone": tz_name})
    if read.status_code == 200:
        hard = {e["schedule_id"]: e["hard_start"] for e in read.json()["entries"]}
    snap = Snapshot(day, tz_name, rows, hard)
    rec.json(f"LibreTime schedule rows {day}", {"date": day, "timezone": tz_name, "rows": rows})
    rec.table(
        f"LibreTime schedule {day} ({tz_name})",
        ["local", "UTC start", "UTC end", "media id", "position", "hard_start", "row id"],
        [
            [
                _instant(r["starts_at"]).astimezone(tz).strftime("%H:%M:%S"),
                r["starts_at"],
                r["ends_at"],
                r["file"],
                r["position"],
                (hard or {}).get(r["id"], "n/a"),
                r["id"],
            ]
            for r in rows
        ],
    )
    return snap


async def schedule_matches_log(target: Target, log_id: Any, rec: Recorder, *, hard_start: bool = False) -> None:
    log = await _json(target.librelog, f"/logs/{log_id}")
    tz = ZoneInfo(log["timezone"])
    day = date.fromisoformat(log["date"])
    expected = []
    for e in log["entries"]:
        clock = time.fromisoformat(e["start"]).replace(fold=e.get("fold", 0))
        expected.append((_z(datetime.combine(day, clock, tzinfo=tz)), e["libretime_id"], bool(e["hard_start"])))
    snap = await snapshot(target, log["date"], log["timezone"], rec)
    actual = [(r["starts_at"], r["file"], (snap.hard_start or {}).get(r["id"], False)) for r in snap.rows]
    if hard_start and snap.hard_start is None:
        raise HarnessError("hard_start can only be compared where LibreTime has the integration read side")
    width = 3 if hard_start else 2
    want = sorted(x[:width] for x in expected)
    got = sorted(x[:width] for x in actual)
    missing = [x for x in want if x not in got]
    extra = [x for x in got if x not in want]
    header = ["UTC start", "media id", "hard_start"][:width]
    if missing or extra:
        rec.table("Expected (log) but missing in LibreTime", header, missing)
        rec.table("In LibreTime but not in the log", header, extra)
        raise ExpectationFailed(
            f"LibreTime's schedule for {log['date']} differs from log {log_id}: {len(missing)} missing"
            f" (first: {missing[:3]}), {len(extra)} extra (first: {extra[:3]});"
            f" log has {len(want)}, LibreTime {len(got)}"
        )


def schedule_diff(
    before: Snapshot, after: Snapshot, changed_hours: list[int], must_change: bool, rec: Recorder
) -> None:
    old, new = before.by_hour(), after.by_hour()
    hours = sorted(set(old) | set(new))
    changed = [h for h in hours if old.get(h, []) != new.get(h, [])]
    rec.table(
        f"Hours changed since the snapshot of {before.date}",
        ["hour", "rows before", "rows after", "changed", "allowed"],
        [[h, len(old.get(h, [])), len(new.get(h, [])), h in changed, h in changed_hours] for h in hours],
    )
    unexpected = [h for h in changed if h not in changed_hours]
    problems = []
    if unexpected:
        details = "; ".join(
            f"hour {h}: " + "; ".join(subset_diff(old.get(h, []), new.get(h, []))[:2]) for h in unexpected[:3]
        )
        problems.append(f"hours {unexpected} changed but only {changed_hours} were allowed to ({details})")
    if must_change:
        still = [h for h in changed_hours if h not in changed]
        if still:
            problems.append(f"hours {still} were expected to change and did not")
    if problems:
        raise ExpectationFailed("; ".join(problems))


async def file_check(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    file_id = spec["id"]
    row = await _json(target.libretime, f"/api/v2/files/{file_id}")
    rec.json(f"LibreTime file {file_id}", row)
    problems = subset_diff(spec.get("expect", {}), row)
    if "download_md5" in spec:
        download = await target.libretime.get(f"/api/v2/files/{file_id}/download")
        digest = hashlib.md5(download.content).hexdigest()  # noqa: S324 - LibreTime's checksum
        if digest != spec["download_md5"]:
            problems.append(f"download: md5 {digest} ({len(download.content)} bytes), expected {spec['download_md5']}")
    if "count_with_md5" in spec:
        same = await _json(target.libretime, "/api/v2/files", {"md5": row.get("md5")})
        if len(same) != spec["count_with_md5"]:
            problems.append(
                f"{len(same)} LibreTime files share md5 {row.get('md5')}, expected {spec['count_with_md5']}"
            )
    if problems:
        raise ExpectationFailed(f"LibreTime file {file_id}: " + "; ".join(problems))


async def _all_tracks(target: Target) -> dict[int, dict[str, Any]]:
    """LibreLog's whole track library, by LibreTime id (paged reads of GET /tracks)."""
    tracks: dict[int, dict[str, Any]] = {}
    offset = 0
    while True:
        page = await _json(target.librelog, "/tracks", {"limit": 1000, "offset": offset})
        for track in page["items"]:
            if track.get("libretime_id") is not None:
                tracks[track["libretime_id"]] = track
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return tracks


def _length_s(text: str | None) -> float | None:
    if not text:
        return None
    hours, minutes, seconds = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


async def tracks_match_libretime(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    """After a track sync: LibreLog holds LibreTime's visible files, the first ``limit`` by id
    (all of them without one), with their metadata; the sync's own count agrees."""
    files = sorted(
        (f for f in await _json(target.libretime, "/api/v2/files") if f.get("hidden") is not True),
        key=lambda f: f["id"],
    )
    limit = spec.get("limit")
    expected = files[:limit] if limit else files
    tracks = await _all_tracks(target)
    rows, problems = [], []
    for f in expected:
        track = tracks.get(f["id"])
        checks = {
            "in LibreLog": track is not None,
            "title": track is not None and (not f.get("track_title") or track["title"] == f["track_title"]),
            "md5": track is not None and track.get("md5") == f.get("md5"),
            "duration": track is not None
            and (
                _length_s(f.get("length")) is None
                or abs((track.get("duration_s") or 0) - (_length_s(f.get("length")) or 0)) < 0.001
            ),
        }
        rows.append([f["id"], f.get("track_title"), *("✓" if ok else "✗" for ok in checks.values())])
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            problems.append(f"file {f['id']} ({f.get('track_title')!r}): {', '.join(bad)}")
    rec.table(
        f"LibreTime files (first {limit or len(files)} of {len(files)} visible) vs LibreLog's tracks",
        ["file id", "title", "in LibreLog", "title", "md5", "duration"],
        rows,
    )
    if "processed" in spec and spec["processed"] != len(expected):
        problems.append(f"the sync reported {spec['processed']} processed, LibreTime's own list gives {len(expected)}")
    if problems:
        raise ExpectationFailed(
            f"{len(problems)} of {len(expected)} LibreTime files are not in LibreLog as they are"
            f" in LibreTime: " + "; ".join(problems[:5])
        )


def _loopback(url: str) -> bool:
    host = httpx.URL(url).host
    return host == "localhost" or host.startswith(("127.", "::1")) or host in ("0.0.0.0", "")  # noqa: S104


async def librelog_placement(target: Target, rec: Recorder) -> None:
    """LibreLog's LibreTime URL suits where LibreLog runs: a loopback URL is right only for a LibreLog
    on the harness's own machine outside containers; in a container it names the container itself."""
    config = await _json(target.librelog, "/sync/libretime/config")
    url = config.get("api_url")
    if not url:
        raise ExpectationFailed("LibreLog has no LibreTime URL configured")
    librelog_local = _loopback(target.librelog_url)
    in_containers = target.name == "compose"
    rec.json(
        "where LibreLog runs",
        {"libretime_url": url, "librelog_url": target.librelog_url, "containers": in_containers},
    )
    if _loopback(url) and (in_containers or not librelog_local):
        where = "in a container" if in_containers else f"at {target.librelog_url}, not on this machine"
        raise ExpectationFailed(
            f"LibreLog runs {where} but reaches LibreTime at {url}: a loopback address names LibreLog's own host"
        )


async def proxy_matches_libretime(target: Target, spec: dict[str, Any], rec: Recorder) -> None:
    """LibreLog's file proxy passes on what LibreTime gives: the same bytes when LibreTime serves
    bytes, a 404 when it has no such file, a clear 502 when it serves none (its API port answers
    a bare X-Accel-Redirect, or fails), never a 200 with nothing in it."""
    file_id = spec["file"]
    direct = await target.libretime.get(f"/api/v2/files/{file_id}/download")
    proxied = await target.librelog.get(f"/proxy/files/{file_id}")
    digest = hashlib.md5  # LibreTime's own checksum
    rows = [
        [
            "LibreTime download",
            direct.status_code,
            len(direct.content),
            digest(direct.content).hexdigest(),
            direct.headers.get("X-Accel-Redirect", ""),
        ],
        ["LibreLog /proxy/files", proxied.status_code, len(proxied.content), digest(proxied.content).hexdigest(), ""],
    ]
    rec.table(
        f"file {file_id}: LibreTime directly and through LibreLog", ["via", "status", "bytes", "md5", "X-Accel"], rows
    )
    serves_bytes = direct.status_code == 200 and len(direct.content) > 0
    if serves_bytes:
        if proxied.status_code != 200 or proxied.content != direct.content:
            raise ExpectationFailed(
                f"LibreTime serves file {file_id} ({len(direct.content)} bytes) but LibreLog's proxy answered"
                f" {proxied.status_code} with {len(proxied.content)} different bytes"
            )
        return
    body = proxied.json() if proxied.headers.get("content-type", "").startswith("application/json") else {}
    if direct.status_code == 404:  # LibreTime says there is no such file: so must LibreLog
        if proxied.status_code != 404:
            raise ExpectationFailed(
                f"LibreTime has no file {file_id} but LibreLog's proxy answered {proxied.status_code}"
            )
        return
    if proxied.status_code != 502 or body.get("error") != "libretime_error":
        raise ExpectationFailed(
            f"LibreTime gives no bytes for file {file_id} ({direct.status_code}, {len(direct.content)} bytes) but"
            f" LibreLog's proxy answered {proxied.status_code}: {proxied.text[:200]}"
        )
