"""A live deployment whose LibreTime is real: every scenario stays inside its sandbox dates.

The rail: LibreLog logs only on the sandbox dates, LibreLog actions only on logs and voice
tracks this run created (or ids that name nothing), no direct LibreTime writes from request
steps (provisioning writes through its own step, recorded in the ledger). Before a scenario
the sandbox must be empty; afterwards everything the scenario created there is removed, and the
file rows upstream never deletes are hidden. ``--allow-destructive`` lifts the rail.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from ..control import INTERPOSER_PREFIX, Control
from ..errors import HarnessError, ServiceUnreachable
from ..live.ledger import Entry, Ledger
from .base import LiveConfig, Target, connect
from .fresh import reset_librelog

_LOG_PATH = re.compile(r"^/logs/([^/]+)(/.*)?$")
_VOICE_PATH = re.compile(r"^/voice/([^/]+)(/.*)?$")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


_ROW_PATH = re.compile(r"^/api/v2/([a-z-]+)/(\d+)$")
_LEDGER_KIND = {
    "files": "file",
    "shows": "show",
    "show-instances": "instance",
    "schedule": "schedule",
    "playout-history": "history",
    "libraries": "library",
}


class Rail:
    """What a sandboxed live run may write, asked before every writing request."""

    @staticmethod
    def _ours_in_libretime(target: Target, method: str, path: str) -> bool:
        """A change to one row this run created (in the ledger), e.g. retitling a seeded file."""
        match = _ROW_PATH.match(path)
        if method not in ("PATCH", "PUT", "DELETE") or not match or target.ledger is None:
            return False
        kind, row_id = _LEDGER_KIND.get(match.group(1)), int(match.group(2))
        return any(
            e.kind == kind and e.id == row_id and e.libretime_url == target.libretime_url
            for e in target.ledger.entries()
        )

    async def check(self, target: Target, service: str, method: str, path: str, body: Any) -> None:
        if service == "libretime":
            if self._ours_in_libretime(target, method, path):
                return
            raise HarnessError(
                f"{method} {path} writes to LibreTime directly: a live run creates what it needs through"
                " libretime.seed (recorded, and removed afterwards) and changes only rows it created"
                " (or needs --allow-destructive)"
            )
        if method == "POST" and path == "/logs":
            day = body.get("date") if isinstance(body, dict) else None
            if not isinstance(day, str):
                return  # no date: LibreLog can only refuse it
            allowed = sorted(d.isoformat() for d in target.sandbox_days())
            if day not in allowed:
                raise HarnessError(
                    f"a live run only creates logs on its sandbox dates {allowed}, not {day!r}"
                    " (use {{ sandbox_date }}, or --allow-destructive)"
                )
            return
        for pattern, kind in ((_LOG_PATH, "log"), (_VOICE_PATH, "voice track")):
            match = pattern.match(path)
            if not match:
                continue
            raw = match.group(1)
            ours = target.created_logs if kind == "log" else target.created_voice
            if raw in {str(i) for i in ours}:  # integer ids and UUIDs alike
                return
            # Not ours: allowed only when it names nothing (the call can then only be refused), or
            # names no item at all (an action of the collection's, /logs/generate: refused as an id).
            probe = await target.librelog.get(f"/logs/{raw}" if kind == "log" else f"/voice/{raw}")
            if probe.status_code in (404, 405, 422):
                return
            raise HarnessError(f"{method} {path} touches a {kind} this run did not create (--allow-destructive)")


async def sandbox_rows(target: Target, table: str = "schedule") -> list[dict[str, Any]]:
    """Rows of ``schedule`` or ``show-instances`` starting inside the sandbox window."""
    start, end = target.sandbox_window()
    params = {"starts_after": start.isoformat(), "starts_before": end.isoformat()} if table == "schedule" else None
    try:
        response = await target.libretime.get(f"/api/v2/{table}", params=params)
    except httpx.TransportError as exc:
        raise ServiceUnreachable(f"Unreachable: LibreTime at {target.libretime_url}: {exc}") from None
    if response.status_code != 200:
        raise HarnessError(f"cannot read LibreTime's {table} ({response.status_code}): {response.text[:200]}")
    # LibreTime's filter is inclusive and the instance list has none: check each row ourselves.
    return [r for r in response.json() if start <= _instant(r["starts_at"]) < end]


async def _drop_show_if_unused(libretime: httpx.AsyncClient, show_id: int, attempt: Any) -> None:
    instances = await libretime.get("/api/v2/show-instances")
    used = any(i.get("show") == show_id for i in (instances.json() if instances.status_code == 200 else []))
    if not used:
        await attempt(f"delete show {show_id}", libretime.delete(f"/api/v2/shows/{show_id}"), (204, 404))


@dataclass
class Cleaned:
    problems: list[str] = field(default_factory=list)  # what could not be removed, in words
    hidden_files: list[int] = field(default_factory=list)  # the file rows now hidden for good


async def _files_of_uploads(libretime: httpx.AsyncClient, md5s: list[str], problems: list[str]) -> set[int]:
    """The LibreTime files holding audio the run handed to LibreLog (LibreLog's own uploads)."""
    found: set[int] = set()
    for md5 in md5s:
        response = await libretime.get("/api/v2/files", params={"md5": md5})
        if response.status_code != 200:
            problems.append(f"find the upload with md5 {md5}: {response.status_code} {response.text[:200]}")
            continue
        found |= {f["id"] for f in response.json() if f.get("md5") == md5}
    return found


async def _hide(libretime: httpx.AsyncClient, file_id: int, untype: bool, out: Cleaned) -> None:
    """Hide one file for good: once LibreTime's analyzer is done with it, since finishing an import
    makes a file visible again (a file hidden while pending would reappear in the library)."""
    from ..seeding.live import wait_imported

    try:
        await wait_imported(libretime, file_id)
    except HarnessError as exc:
        if "404" not in str(exc):
            out.problems.append(f"hide file {file_id}: {exc}")
            return
    body: dict[str, Any] = {"hidden": True}
    if untype:
        body["library"] = None  # its track type is removed next: LibreTime refuses that while files use it
    try:
        response = await libretime.patch(f"/api/v2/files/{file_id}", json=body)
    except httpx.HTTPError as exc:
        out.problems.append(f"hide file {file_id}: {type(exc).__name__}: {exc}")
        return
    if response.status_code == 404:
        return
    if response.status_code != 200 or response.json().get("hidden") is not True:
        out.problems.append(f"hide file {file_id}: {response.status_code} {response.text[:200]}")
        return
    out.hidden_files.append(file_id)


async def clean(entries: list[Entry], libretime: httpx.AsyncClient, librelog: httpx.AsyncClient) -> Cleaned:
    """Remove what the entries list; the result says what could not go and which files are hidden."""
    out = Cleaned()
    problems = out.problems

    async def attempt(what: str, call: Any, ok: tuple[int, ...]) -> None:
        try:
            response = await call
        except httpx.HTTPError as exc:
            problems.append(f"{what}: {type(exc).__name__}: {exc}")
            return
        if response.status_code not in ok:
            problems.append(f"{what}: {response.status_code} {response.text[:200]}")

    for entry in (e for e in entries if e.kind == "log"):
        await attempt(f"unlock log {entry.id}", librelog.post(f"/logs/{entry.id}/unlock"), (200, 404))
        await attempt(f"delete log {entry.id}", librelog.delete(f"/logs/{entry.id}"), (204, 404))
    for entry in (e for e in entries if e.kind == "window"):
        start, end = _instant(entry.id["start"]), _instant(entry.id["end"])
        params = {"starts_after": start.isoformat(), "starts_before": end.isoformat()}
        rows = await libretime.get("/api/v2/schedule", params=params)
        for row in rows.json() if rows.status_code == 200 else []:
            if start <= _instant(row["starts_at"]) < end:
                path = f"/api/v2/schedule/{row['id']}"
                await attempt(f"delete schedule row {row['id']}", libretime.delete(path), (204, 404))
        instances = await libretime.get("/api/v2/show-instances")
        for inst in instances.json() if instances.status_code == 200 else []:
            if start <= _instant(inst["starts_at"]) < end:
                path = f"/api/v2/show-instances/{inst['id']}"
                await attempt(f"delete show instance {inst['id']}", libretime.delete(path), (204, 404))
        # Shows that appeared while the window was claimed (LibreLog's v2 flavour makes one for its
        # day) go once no instance uses them; shows that were there before are never touched.
        shows = await libretime.get("/api/v2/shows")
        for show in shows.json() if shows.status_code == 200 else []:
            if show["id"] not in entry.id["shows_before"]:
                await _drop_show_if_unused(libretime, show["id"], attempt)
    for entry in (e for e in entries if e.kind in ("history", "schedule", "instance")):
        table = {"history": "playout-history", "schedule": "schedule", "instance": "show-instances"}[entry.kind]
        await attempt(f"delete {entry.kind} {entry.id}", libretime.delete(f"/api/v2/{table}/{entry.id}"), (204, 404))
    for entry in (e for e in entries if e.kind == "show"):
        await _drop_show_if_unused(libretime, entry.id, attempt)
    # Upstream never deletes a file row (its DELETE only removes the stored bytes): files are hidden.
    files = {e.id for e in entries if e.kind == "file"}
    files |= await _files_of_uploads(libretime, [e.id for e in entries if e.kind == "upload"], problems)
    track_types = [e.id for e in entries if e.kind == "library"]
    for file_id in sorted(files):
        await _hide(libretime, file_id, untype=bool(track_types), out=out)
    for type_id in track_types:
        await attempt(f"delete track type {type_id}", libretime.delete(f"/api/v2/libraries/{type_id}"), (204, 404))
    return out


async def _show_ids(libretime: httpx.AsyncClient) -> set[int]:
    response = await libretime.get("/api/v2/shows")
    return {s["id"] for s in response.json()} if response.status_code == 200 else set()


async def _track_type_ids(libretime: httpx.AsyncClient) -> set[int]:
    response = await libretime.get("/api/v2/libraries")
    if response.status_code != 200:
        raise HarnessError(f"cannot read LibreTime's track types ({response.status_code}): {response.text[:200]}")
    return {t["id"] for t in response.json()}


@asynccontextmanager
async def sandbox_target(
    name: str,
    config: LiveConfig,
    ledger: Ledger,
    settings: Mapping[str, Any] | None,
    env: Mapping[str, str],
    *,
    control_plane: tuple[str, str] | None = None,
) -> AsyncIterator[Target]:
    """A LibreTime written to only inside the sandbox. ``settings`` (LibreLog has a test reset):
    LibreLog is reset with them before the scenario, so every scenario starts from a fresh LibreLog
    with its own settings. ``control_plane`` (base URL, prefix): where the scenario's faults and
    journal are, the interposer's in front of a real LibreTime (or the stub's own); it starts the
    scenario with no faults and an empty journal."""
    async with AsyncExitStack() as stack:
        librelog, libretime = await stack.enter_async_context(connect(config))
        if settings is not None:
            await reset_librelog(librelog, settings, env)
        control = None
        if control_plane is not None:
            base, prefix = control_plane
            admin = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=30))
            what = f"the interposer at {base}" if prefix == INTERPOSER_PREFIX else f"the LibreTime stub at {base}"
            control = Control(admin, prefix, what)
            await control.clear()
        target = config.target(
            name,
            librelog,
            libretime,
            has_control_plane=False,
            allow_destructive=config.allow_destructive,
            rail=Rail(),
            ledger=ledger,
            control=control,
        )
        occupied = await sandbox_rows(target)
        instances = await sandbox_rows(target, "show-instances")
        if occupied or instances:
            raise HarnessError(
                f"LibreTime already holds {len(occupied)} schedule rows and {len(instances)} show instances around"
                f" the sandbox date {config.sandbox_date}: the harness only writes to an empty sandbox. Pick another"
                " --sandbox-date, or run `librelog-verify cleanup` if an earlier run was interrupted."
            )
        start, end = target.sandbox_window()
        claim = {"start": start.isoformat(), "end": end.isoformat(), "shows_before": sorted(await _show_ids(libretime))}
        window = ledger.add("window", claim, config.libretime_url, config.librelog_url)
        types_before = await _track_type_ids(libretime)
        try:
            yield target
        finally:
            if control is not None:
                with contextlib.suppress(HarnessError):
                    await control.clear_faults()  # nothing left to break LibreLog's next request
            # A track type that appeared meanwhile is the scenario's (LibreLog makes VOT where a
            # station has none): it goes too, once the files using it are hidden and untyped.
            for type_id in sorted(await _track_type_ids(libretime) - types_before):
                ledger.add("library", type_id, config.libretime_url, config.librelog_url)
            mine = [e for e in ledger.entries() if e.libretime_url == config.libretime_url]
            cleaned = await clean(mine, libretime, librelog)
            ledger.note_hidden(config.libretime_url, cleaned.hidden_files)
            if cleaned.problems:
                raise HarnessError(
                    "cleaning up the sandbox failed (the ledger keeps what is left; run `librelog-verify cleanup`): "
                    + "; ".join(cleaned.problems[:5])
                )
            ledger.remove([*mine, window])
