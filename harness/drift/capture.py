"""One probe run against one LibreTime: set up its rows, send its request, record what came back
(normalised so that two servers can be compared), and remove everything it made.

Rows are created through the stock v2 API on far-future days with values marked as test data
(``librelog-verify`` in names and genres); afterwards they are deleted, and files, which
LibreTime never deletes, hidden.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from ..errors import HarnessError
from ..fingerprint import TEST_MARK
from ..templating import Context, TemplateError
from .probe import Probe

DAY = date(2096, 2, 29)  # every probe's rows live on this day: no station plays it
VOLATILE = frozenset({"created_at", "updated_at", "last_played_at"})
# Which collection a foreign key names: its value is normalised to the row's setup name.
REFERENCES = {
    "file": "files",
    "instance": "show-instances",
    "show": "shows",
    "library": "libraries",
    "stream": "webstreams",
}


class ProbeFailed(HarnessError):
    """A probe could not run on a server (its setup was refused, or the server did not answer)."""


@dataclass(frozen=True)
class Server:
    name: str  # "stub" or "libretime"
    base_url: str
    api_key: str
    basic: tuple[str, str] | None = None


@dataclass
class Observation:
    status: int
    content_type: str
    headers: dict[str, str | None]
    keys: list[str] | None
    body: Any
    follow: dict[str, Any] | None = None

    def aspects(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "content_type": self.content_type,
            "headers": self.headers,
            "keys": self.keys,
            "body": self.body,
        }


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
        else:
            out[key] = normalise(item, None, created)
    return out


def _collection(path: str) -> str | None:
    parts = path.split("/")
    return parts[3] if len(parts) > 3 and parts[1:3] == ["api", "v2"] else None


def _shape(
    response: httpx.Response, collection: str | None, created: dict[str, dict[Any, str]], scope: str | None
) -> tuple[list[str] | None, Any]:
    """(key order, normalised body) of an answer; HTML and text are compared by kind only."""
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if not response.content:
        return None, ""
    if kind != "application/json":
        return None, f"<{kind or 'no content type'} body>"
    try:
        body = response.json()
    except ValueError:
        return None, "<malformed JSON>"
    if isinstance(body, list) and scope is not None:
        mine = created.get(scope, {})
        body = sorted((r for r in body if isinstance(r, dict) and r.get("id") in mine), key=lambda r: mine[r["id"]])
    keys = list(body) if isinstance(body, dict) else list(body[0]) if body and isinstance(body[0], dict) else None
    return keys, normalise(body, scope or collection, created)


async def observe(server: Server, probe: Probe, mark: str) -> Observation:
    context = Context(sandbox_date=DAY, env={}, target={}, vars={"mark": mark, "day": DAY.isoformat()})
    created: dict[str, dict[Any, str]] = {}
    made: list[tuple[str, Any]] = []
    key = _auth(server, "key")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        try:
            for n, step in enumerate(probe.setup, start=1):
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
            answer = await _send(http, server, request)
            if probe.creates and answer.status_code == 201:
                row_id = answer.json().get("id")
                created.setdefault(probe.creates, {})[row_id] = "created"
                made.append((probe.creates, row_id))
            path = request["path"]
            keys, body = _shape(answer, _collection(path), created, probe.scope)
            headers = {h: answer.headers.get(h) for h in probe.headers}
            observation = Observation(answer.status_code, answer.headers.get("content-type", ""), headers, keys, body)
            if probe.follow:
                follow_path = context.render(probe.follow["path"])
                after = await http.get(follow_path, headers=key)
                follow_keys, follow_body = _shape(after, _collection(follow_path), created, probe.follow.get("scope"))
                observation.follow = {"status": after.status_code, "keys": follow_keys, "body": follow_body}
            return observation
        except TemplateError as exc:
            raise ProbeFailed(f"{probe.id}: {exc}") from None
        except httpx.TransportError as exc:
            raise ProbeFailed(f"{probe.id}: {server.name} at {server.base_url} did not answer: {exc}") from None
        finally:
            left = await _clean(http, key, made)
            if left:
                # Raised after the observation: what a probe leaves on a station is never quiet.
                raise ProbeFailed(f"{probe.id}: could not remove from {server.name}: {'; '.join(left)}")


async def _send(http: httpx.AsyncClient, server: Server, request: dict[str, Any]) -> httpx.Response:
    headers = _auth(server, request.get("auth", "key"))
    kwargs: dict[str, Any] = {"params": request.get("params")}
    if "json" in request:
        kwargs["json"] = request["json"]
    elif "data" in request:
        kwargs["data"] = request["data"]
    elif "raw" in request:
        kwargs["content"] = request["raw"].encode(request.get("encoding", "utf-8"))
    if "files" in request:
        kwargs["files"] = {
            k: (v.get("name", "f.bin"), v.get("content", "").encode(), v.get("type"))
            for k, v in request["files"].items()
        }
    if "content_type" in request:
        headers = {**headers, "Content-Type": request["content_type"]}
    return await http.request(request["method"], request["path"], headers=headers, **kwargs)


async def _clean(http: httpx.AsyncClient, key: dict[str, str], made: list[tuple[str, Any]]) -> list[str]:
    """Newest first; a file is hidden (and let go of its track type), since LibreTime keeps its
    row. Returns what could not be removed."""
    left = []
    for collection, row_id in reversed(made):
        if collection == "files":
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
