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
