"""One probe run against one LibreTime: set up its rows, send its request, record what came back
(normalised so that two servers can be compared), and remove everything it made.

Rows are created through the stock v2 API on far-future days with values marked as test data
(``librelog-verify`` in names and genres); afterwards they are deleted, and files, which
LibreTime never deletes, hidden.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from ..errors import HarnessError
from ..live.fingerprint import TEST_MARK
from ..model.templating import Context, TemplateError
from .probe import Probe

DAY = date(2096, 2, 29)  # every probe's rows live on this day: no station plays it
# Times a server sets itself, in v2 field names and in the legacy app's column names.
VOLATILE = frozenset({"created_at", "updated_at", "last_played_at", "utime", "mtime", "lptime"})
# A stored file's name gets a UUID when another file already has its name.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
IMPORT_WAIT_S = 60.0
# Which collection a foreign key names: its value is normalised to the row's setup name.
REFERENCES = {
    "file": "files",
    "instance": "show-instances",
    "show": "shows",
    "library": "libraries",
    "stream": "webstreams",
    "track_type_id": "libraries",  # the legacy app's name for a file's library
}


class ProbeFailed(HarnessError):
    """A probe could not run on a server (its setup was refused, or the server did not answer)."""


@dataclass(frozen=True)
class Server:
    name: str  # "stub" or "libretime"
    base_url: str
    api_key: str
    basic: tuple[str, str] | None = None


# Bytes a probe sends, made once per run and sent alike to both servers (real audio differs from
# run to run, so a station never holds two uploads of the same md5 from the drift check).
Assets = dict[str, bytes]


@dataclass
class Observation:
    status: int
    content_type: str
    headers: dict[str, str | None]
    keys: list[str] | None
    body: Any
    follow: dict[str, Any] | None = None
    # Files LibreTime keeps that no API removes: the bytes of an upload whose import failed.
    stranded: list[str] = field(default_factory=list)

    def aspects(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "content_type": self.content_type,
            "headers": self.headers,
            "keys": self.keys,
            "body": self.body,
        }

    def compared(self, aspects: tuple[str, ...]) -> dict[str, Any]:
        """The aspects a probe compares, and what its follow-up read found."""
        seen = {name: value for name, value in self.aspects().items() if name in aspects}
        return seen | ({"follow": self.follow} if self.follow is not None else {})


def _defaults(collection: str, mark: str, n: int) -> dict[str, Any]:
    """A valid row of each collection, marked as test data."""
    day = DAY.isoformat()
    if collection == "files":
        name = f"{TEST_MARK}-{mark}-{n}.wav"
        return {
            "name": name,
            "mime": "audio/x-wav",
            "size": 1024,
            "accessed": 0,
            "import_status": 0,
            "hidden": False,
            "md5": hashlib.md5(name.encode()).hexdigest(),  # noqa: S324 - LibreTime's checksum field
            "track_title": f"{TEST_MARK} drift {n}",
            "genre": TEST_MARK,
            "length": "00:03:00",
            "cue_in": "00:00:00",
            "cue_out": "00:03:00",
        }
    if collection == "shows":
        return {
            "name": f"{TEST_MARK}-{mark}-{n}",
            "linked": False,
            "linkable": False,
            "auto_playlist_enabled": False,
            "auto_playlist_repeat": False,
            "override_intro_playlist": False,
            "override_outro_playlist": False,
        }
    if collection == "show-instances":
        return {
            "created_at": f"{day}T00:00:00Z",
            "starts_at": f"{day}T10:00:00Z",
            "ends_at": f"{day}T11:00:00Z",
            "modified": False,
            "auto_playlist_built": False,
        }
    if collection == "schedule":
        return {
            "starts_at": f"{day}T10:00:00Z",
            "ends_at": f"{day}T10:03:00Z",
            "cue_in": "00:00:00",
            "cue_out": "00:03:00",
            "length": "00:03:00",
            "fade_in": "00:00:00",
            "fade_out": "00:00:00",
            "position": 0,
            "position_status": 1,
            "broadcasted": 0,
        }
    if collection == "playout-history":
        return {"starts": f"{day}T10:00:00Z", "ends": f"{day}T10:03:00Z"}
    if collection == "libraries":
        return {
            "name": f"{TEST_MARK} {mark} {n}",
            "code": f"T{mark[:4].upper()}{n}",
            "description": "",
            "enabled": True,
            "analyze_cue_points": False,
        }
    return {"name": f"{TEST_MARK}-{mark}-{n}", "url": "http://stream.invalid/live", "mime": "audio/mpeg"}


def _auth(server: Server, mode: str) -> dict[str, str]:
    def basic(user: str, password: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    return {
        "key": {"Authorization": f"Api-Key {server.api_key}"},
        "none": {},
        "wrong-key": {"Authorization": "Api-Key not-the-key"},
        "bearer": {"Authorization": f"Bearer {server.api_key}"},
        "lowercase": {"Authorization": f"api-key {server.api_key}"},
        "key-no-token": {"Authorization": "Api-Key"},
        "key-two-spaces": {"Authorization": f"Api-Key  {server.api_key}"},
        "basic": {"Authorization": basic(*(server.basic or ("", "")))},
        "bad-basic": {"Authorization": basic("nobody", "wrong")},
        # The legacy app takes the API key as a Basic user name, with no password.
        "legacy": {"Authorization": basic(server.api_key, "")},
        "legacy-wrong": {"Authorization": basic("not-the-key", "")},
        "legacy-user": {"Authorization": basic(*(server.basic or ("", "")))},
    }[mode]


def normalise(value: Any, collection: str | None, created: dict[str, dict[Any, str]]) -> Any:
    """Ids of rows the probe made become their setup names; server-set times become "<set>"."""
    if isinstance(value, list):
        return [normalise(v, collection, created) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "id" and collection and isinstance(item, int) and item in created.get(collection, {}):
            out[key] = f"<{created[collection][item]}>"
        elif key in REFERENCES and isinstance(item, int) and item in created.get(REFERENCES[key], {}):
            out[key] = f"<{created[REFERENCES[key]][item]}>"
        elif key in VOLATILE and item is not None:
            out[key] = "<set>"
        elif isinstance(item, str) and _UUID.search(item):
            out[key] = _UUID.sub("<uuid>", item)
        else:
            out[key] = normalise(item, None, created)
    return out


def _typed(body: Any, fields: tuple[str, ...]) -> Any:
    """The named fields' values replaced by their JSON type: what an analyzer computes its own way."""
    if isinstance(body, list):
        return [_typed(v, fields) for v in body]
    if not isinstance(body, dict):
        return body
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}
    return {k: (f"<{names.get(type(v), 'null')}>" if k in fields else _typed(v, fields)) for k, v in body.items()}


def _collection(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) > 2 and parts[1:3] == ["rest", "media"]:
        return "files"  # the legacy app's file rows
    return parts[3] if len(parts) > 3 and parts[1:3] == ["api", "v2"] else None


def _shape(
    response: httpx.Response,
    collection: str | None,
    created: dict[str, dict[Any, str]],
    scope: str | None,
    body_as: str = "kind",
) -> tuple[list[str] | None, Any]:
    """(key order, normalised body) of an answer; HTML and text are compared by kind only, unless
    the probe reads them as JSON (the legacy app labels its JSON text/html) or as text."""
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if not response.content:
        return None, ""
    if body_as == "text":
        return None, _UUID.sub("<uuid>", response.text) if len(response.content) <= 2000 else f"<{kind} body>"
    if body_as == "md5":  # bytes: the same file served, whatever it is labelled
        return None, f"<{len(response.content)} bytes, md5 {hashlib.md5(response.content).hexdigest()}>"  # noqa: S324
    if kind != "application/json" and body_as != "json":
        return None, f"<{kind or 'no content type'} body>"
    try:
        body = response.json()
    except ValueError:
        return None, "<malformed JSON>" if kind == "application/json" else f"<{kind or 'no content type'} body>"
    if isinstance(body, list) and scope is not None:
        mine = created.get(scope, {})
        body = sorted((r for r in body if isinstance(r, dict) and r.get("id") in mine), key=lambda r: mine[r["id"]])
    keys = list(body) if isinstance(body, dict) else list(body[0]) if body and isinstance(body[0], dict) else None
    return keys, normalise(body, scope or collection, created)


async def wait_imported(http: httpx.AsyncClient, key: dict[str, str], file_id: Any) -> httpx.Response:
    """The file's v2 row once LibreTime's analyzer is done with it (bounded)."""
    deadline = time.monotonic() + IMPORT_WAIT_S
    while True:
        row = await http.get(f"/api/v2/files/{file_id}", headers=key)
        if row.status_code != 200 or row.json().get("import_status") != 1 or time.monotonic() > deadline:
            return row
        await asyncio.sleep(0.2)


async def _upload(
    http: httpx.AsyncClient, server: Server, step: Any, assets: Assets, context: Context, mark: str, n: int
) -> dict[str, Any]:
    spec = context.render(step.upload)
    name = spec.get("name") or f"{TEST_MARK}-{mark}-{n}.{spec['audio']['format']}"
    files = {"file": (name, assets[f"setup:{step.name}"], "application/octet-stream")}
    response = await http.post("/rest/media", files=files, headers=_auth(server, "legacy"), cookies=spec.get("cookies"))
    if response.status_code != 201:
        raise ProbeFailed(
            f"uploading {name} to {server.name} was refused ({response.status_code}): {response.text[:200]}"
        )
    file_id = response.json()["id"]
    row = await wait_imported(http, _auth(server, "key"), file_id)
    return row.json() | {"id": file_id}


async def observe(server: Server, probe: Probe, mark: str, assets: Assets | None = None) -> Observation:
    assets = assets or {}
    context = Context(sandbox_date=DAY, env={}, target={}, vars={"mark": mark, "day": DAY.isoformat()})
    created: dict[str, dict[Any, str]] = {}
    made: list[tuple[str, Any]] = []
    stranded: list[str] = []
    key = _auth(server, "key")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        try:
            for n, step in enumerate(probe.setup, start=1):
                if step.upload is not None:
                    row = await _upload(http, server, step, assets, context, mark, n)
                    made.append(("uploads", row["id"]))
                    context.saved[step.name] = row
                    created.setdefault("files", {})[row["id"]] = step.name
                    continue
                body = _defaults(step.create, mark, n) | context.render(step.body)
                response = await http.post(f"/api/v2/{step.create}", json=body, headers=key)
                if response.status_code != 201:
                    raise ProbeFailed(
                        f"{probe.id}: setting up {step.create} on {server.name} was refused"
                        f" ({response.status_code}): {response.text[:200]}"
                    )
                row = response.json()
                context.saved[step.name] = row
                created.setdefault(step.create, {})[row["id"]] = step.name
                made.append((step.create, row["id"]))
            request = context.render(probe.request)
            uploading = request["method"] == "POST" and request["path"] == "/rest/media"
            before = await _file_ids(http, key) if uploading else set()
            answer = await _send(http, server, request, assets)
            if uploading and answer.status_code != 201:
                # A refused upload can still leave a failed row behind (upstream saves it first).
                made += [("refused", i) for i in await _left_by_refusal(http, key, before, request)]
            if probe.creates and answer.status_code == 201:
                try:
                    row_id = answer.json().get("id")
                except ValueError:
                    row_id = None
                if row_id is not None:
                    context.saved["created"] = {"id": row_id}  # the follow reads it: {{ created.id }}
                    created.setdefault(probe.creates, {})[row_id] = "created"
                    made.append(("uploads" if request["path"] == "/rest/media" else probe.creates, row_id))
            path = request["path"]
            keys, body = _shape(answer, _collection(path), created, probe.scope, probe.body_as)
            headers = {h: answer.headers.get(h) for h in probe.headers}
            headers |= {h: "<present>" if h in answer.headers else None for h in probe.present}
            observation = Observation(
                answer.status_code,
                answer.headers.get("content-type", ""),
                headers,
                keys,
                _typed(body, probe.types),
                stranded=stranded,
            )
            if probe.follow:
                follow_path = context.render(probe.follow["path"])
                if probe.follow.get("wait_import"):
                    mine = (context.saved.get("created") or {}).get("id")
                    waited = mine or next(iter(created.get("files", {})), None)
                    if waited is not None:
                        await wait_imported(http, key, waited)
                follow_auth = _auth(server, probe.follow.get("auth", "key"))
                after = await http.get(follow_path, headers=follow_auth)
                follow_keys, follow_body = _shape(
                    after,
                    _collection(follow_path),
                    created,
                    probe.follow.get("scope"),
                    probe.follow.get("body_as", "kind"),
                )
                observation.follow = {
                    "status": after.status_code,
                    "keys": follow_keys,
                    "body": _typed(follow_body, probe.types),
                }
            return observation
        except TemplateError as exc:
            raise ProbeFailed(f"{probe.id}: {exc}") from None
        except httpx.TransportError as exc:
            raise ProbeFailed(f"{probe.id}: {server.name} at {server.base_url} did not answer: {exc}") from None
        finally:
            # Behind nginx the legacy app deletes any file row outright; the API alone only hides.
            legacy = _auth(server, "legacy") if probe.face == "nginx" else None
            left = await _clean(http, key, made, legacy, stranded)
            if left:
                # Raised after the observation: what a probe leaves on a station is never quiet.
                raise ProbeFailed(f"{probe.id}: could not remove from {server.name}: {'; '.join(left)}")


async def _file_ids(http: httpx.AsyncClient, key: dict[str, str]) -> set[int]:
    listed = await http.get("/api/v2/files", headers=key)
    if listed.status_code != 200:
        raise ProbeFailed(f"listing the files failed ({listed.status_code}): {listed.text[:200]}")
    return {row["id"] for row in listed.json()}


async def _left_by_refusal(
    http: httpx.AsyncClient, key: dict[str, str], before: set[int], request: dict[str, Any]
) -> list[int]:
    """The failed rows a refused upload left: new since, hidden, failed, and untitled or titled
    with the name sent (nothing another client made)."""
    names = {_file(k, v, defaultdict(bytes))[0] for k, v in (request.get("files") or {}).items()}
    listed = await http.get("/api/v2/files", headers=key)
    if listed.status_code != 200:
        raise ProbeFailed(f"listing the files failed ({listed.status_code}): {listed.text[:200]}")
    return [
        row["id"]
        for row in listed.json()
        if row["id"] not in before
        and row.get("hidden") is True
        and row.get("import_status") == 2
        and (row.get("track_title") is None or row.get("track_title") in names)
    ]


def assets_for(probe: Probe) -> Assets:
    """The bytes a probe sends, made once for both servers."""
    from .. import audio

    def made(spec: dict[str, Any]) -> bytes:
        if spec.get("garbage"):
            return b"not audio at all " * 64
        if spec["format"] == "mp3":
            return audio.mp3(float(spec["seconds"]), title=spec.get("title")).data
        return audio.wav(float(spec["seconds"])).data

    out: Assets = {}
    for step in probe.setup:
        if step.upload is not None:
            out[f"setup:{step.name}"] = made(step.upload["audio"])
    for field_name, desc in (probe.request.get("files") or {}).items():
        if "audio" in desc:
            out[f"file:{field_name}"] = made(desc["audio"])
    return out


async def _send(
    http: httpx.AsyncClient, server: Server, request: dict[str, Any], assets: Assets | None = None
) -> httpx.Response:
    headers = _auth(server, request.get("auth", "key"))
    kwargs: dict[str, Any] = {"params": request.get("params")}
    if "json" in request:
        kwargs["json"] = request["json"]
    elif "data" in request:
        kwargs["data"] = request["data"]
    elif "raw" in request:
        kwargs["content"] = request["raw"].encode(request.get("encoding", "utf-8"))
    if "files" in request:
        kwargs["files"] = {k: _file(k, v, assets or {}) for k, v in request["files"].items()}
    if "content_type" in request:
        headers = {**headers, "Content-Type": request["content_type"]}
    if request.get("headers"):
        headers = {**headers, **request["headers"]}
    if request.get("cookies"):
        headers = {**headers, "Cookie": _cookie_header(request["cookies"])}
    return await http.request(request["method"], request["path"], headers=headers, **kwargs)


def _cookie_header(cookies: dict[str, Any]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _file(field_name: str, desc: dict[str, Any], assets: Assets) -> tuple[str, bytes, str | None]:
    name = desc.get("name", "f.bin")
    if desc.get("name_length"):
        _stem, dot, ext = name.rpartition(".")
        name = ("n" * (desc["name_length"] - len(ext) - 1)) + dot + ext
    data = assets[f"file:{field_name}"] if "audio" in desc else desc.get("content", "").encode()
    return name, data, desc.get("type")


async def _clean(
    http: httpx.AsyncClient,
    key: dict[str, str],
    made: list[tuple[str, Any]],
    legacy: dict[str, str] | None = None,
    stranded: list[str] | None = None,
) -> list[str]:
    """Newest first. Through the legacy app (``legacy``: the nginx face) a file is deleted, row
    and bytes, an upload once analysed; through the API alone, which never deletes a file's row,
    it is hidden and let go of its track type. Returns what could not be removed; the bytes of
    an upload whose import failed, which stay in LibreTime's organize folder, go to ``stranded``.
    """
    left = []
    for collection, row_id in reversed(made):
        if collection == "uploads":
            row = await wait_imported(http, key, row_id)
            if row.status_code == 200 and row.json().get("import_status") == 2 and row.json().get("md5"):
                (stranded if stranded is not None else []).append(f"organize/{row_id}-{row.json().get('track_title')}")
            done = await http.delete(f"/rest/media/{row_id}", headers=legacy or {})
            ok = done.status_code in (204, 404)
        elif collection == "refused" or (collection == "files" and legacy is not None):
            done = await http.delete(f"/rest/media/{row_id}", headers=legacy or {})
            ok = done.status_code in (204, 404)
        elif collection == "files":
            await http.delete(f"/api/v2/files/{row_id}", headers=key)
            done = await http.patch(f"/api/v2/files/{row_id}", json={"hidden": True, "library": None}, headers=key)
            ok = done.status_code in (200, 404)
        else:
            done = await http.delete(f"/api/v2/{collection}/{row_id}", headers=key)
            ok = done.status_code in (204, 404)
        if not ok:
            left.append(f"{collection} {row_id} ({done.status_code}: {done.text[:100]})")
    return left


@dataclass
class Outcome:
    """A probe on both servers: its observations, or why it could not run."""

    probe: Probe
    observed: dict[str, Observation] = field(default_factory=dict)
    failed: str | None = None
    skipped: str | None = None  # not compared here, and why (no LibreTime of its face was given)
