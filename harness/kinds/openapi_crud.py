"""``librelog.crud``: every resource of a LibreLog's own OpenAPI document created, read back,
changed, read back, deleted and looked for again, through the scenario's LibreLog client.

A resource is a collection path with a POST (``/advertisers/``) and something to read it back by:
an item path below it (``/advertisers/{advertiser_id}``), a list (GET on the collection), or
actions on its items. What its create sends is built from the document: a JSON body (the
schema's own ``example`` where it gives one, else a marked value of each required field's type),
an upload's form (a small text file for each file field), or its query parameters; a field naming
another resource (``advertiser_id``, ``clock_template_id``) gets one created first the same way;
the step's ``bodies`` add what the server accepts and its document does not say. What each write
did is checked by reading it back, so an answer of 200 counts for nothing alone:

- create: the item reads back with every field sent (and the collection lists it);
- update: a changed text field reads back changed;
- an action (``/x/{id}/approve``): the item or its collection reads otherwise after it;
- a link (``/offices/{id}/sales-reps/{id}``): one of the two items reads otherwise, and its
  undo reads as before again;
- delete: the item no longer reads (404), or reads back deactivated;
- a write that fails (4xx, 5xx) must leave what it touched reading as before.

Where the server's own create fails, the step's ``seed`` command puts the row into its store and
the walk goes on from that row, so its item's operations are still judged by their effect.

Every departure is a finding (attached as "crud findings", the shape the fuzz phase uses) and the
step fails naming them. An operation the walk could not reach is named with the reason (its
create, or a dependency's, failed), for the coverage; what it created and could not delete is
named too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from ..effects.common import read_json
from ..errors import HarnessError
from ..running.expect import ExpectationFailed
from .commands import flat, run_command
from .openapi_fuzz import EXERCISED
from .registry import StepContext, StepKind

# Fields a document's example would make collide with the row the last walk left or a station has.
UNIQUE = ("name", "title", "username", "call_letters", "invoice_number", "email")
RECORD = "crud findings"
ITEM = re.compile(r"^\{([^}]+)\}(?:/[^{}/]+)?$")  # an item below a collection, or one of its actions
PARAM = re.compile(r"^\{([^}]+)\}$")
# Flags a soft delete leaves readable: the item reads back, but as gone.
GONE = {"active": False, "is_active": False, "deleted": True, "is_deleted": True}


@dataclass
class Finding:
    method: str
    path: str  # the operation's template
    called: str
    status: int
    kind: str
    detail: str


@dataclass
class Resource:
    collection: str  # the POST path, as the document writes it
    item: str  # the item path template
    param: str  # the item path's parameter
    methods: set[str]  # the item path's methods

    @property
    def name(self) -> str:
        """The collection's last segment (``clocks``), the same under every mount of its router."""
        return self.collection.rstrip("/").rsplit("/", 1)[-1]

    def at(self, ident: str) -> str:
        return self.item.replace("{" + self.param + "}", ident)


def resources(document: dict[str, Any], exclude: Sequence[str] = ()) -> list[Resource]:
    """Collections with a POST and something to read back by: an item path of one parameter right
    below them, a list (GET on the collection), or actions on an item (``/x/{id}/approve``)."""
    paths = document.get("paths") or {}
    found = []
    for collection, item in sorted(paths.items()):
        if "post" not in item or "{" in collection or any(collection.startswith(p) for p in exclude):
            continue
        base = collection.rstrip("/") + "/"
        params = sorted({m.group(1) for p in paths if p.startswith(base) and (m := ITEM.match(p[len(base) :]))})
        bare = [p for p in params if base + "{" + p + "}" in paths]  # /copy/{copy_id} over /copy/{filename}/file
        params = bare or params
        if len(params) > 1 or (not params and "get" not in item):
            continue
        param = params[0] if params else "id"
        below = base + "{" + param + "}"
        found.append(Resource(collection, below, param, {m.upper() for m in paths.get(below, {})}))
    return found


class Schemas:
    """The document's component schemas, ``$ref`` and ``anyOf: [X, null]`` seen through."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.components = (document.get("components") or {}).get("schemas") or {}

    def resolve(self, schema: dict[str, Any] | None) -> dict[str, Any]:
        schema = schema or {}
        while "$ref" in schema:
            schema = self.components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
        if options and "type" not in schema:
            return self.resolve(options[0])
        return schema

    def body(self, operation: dict[str, Any], media: str = "application/json") -> dict[str, Any] | None:
        content = ((operation.get("requestBody") or {}).get("content")) or {}
        if media not in content:
            return None
        return self.resolve(content[media].get("schema"))


@dataclass
class Sent:
    """What a create sends: a JSON body, a form with files (an upload), or query parameters."""

    how: str  # "json", "form" or "query"
    values: dict[str, Any]

    @property
    def fields(self) -> dict[str, Any]:
        """The values sent, files aside: what the item should read back with."""
        return {k: v for k, v in self.values.items() if not isinstance(v, tuple)}

    def request(self) -> dict[str, Any]:
        if self.how == "json":
            return {"json": self.values}
        if self.how == "query":
            return {"params": self.values}
        files = {k: v for k, v in self.values.items() if isinstance(v, tuple)}
        return {"data": {k: str(v) for k, v in self.fields.items()}, "files": files}


def _later(name: str) -> bool:
    """A field that closes a span (``end_date``, ``due_date``): it gets a later value."""
    return any(word in ("end", "due", "until", "expires") for word in name.split("_"))


def _value(name: str, schema: dict[str, Any], unique: str) -> Any:
    """A marked value of a field's type (a date today, a week on for an end; an enum's first
    member; text short enough for the narrow columns such fields get)."""
    if "enum" in schema:
        return schema["enum"][0]
    kind, form = schema.get("type"), schema.get("format", "")
    today = dt.date.today() + dt.timedelta(days=7 if _later(name) else 0)
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(max(schema.get("minimum", 1), 1))
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    if form == "date":
        return today.isoformat()
    if form == "date-time":
        return dt.datetime.combine(today, dt.time(12)).isoformat()
    if form == "time":
        return "13:00:00" if _later(name) else "12:00:00"
    if form == "email":
        return f"librelog-verify-{unique}@example.org"
    if form in ("uri", "url"):
        return f"http://127.0.0.1:9/librelog-verify/{unique}"
    text = f"lv{unique}"  # "lv" and the walk's token: ours, unique, and short
    limit = schema.get("maxLength")
    return text[:limit] if limit else text


def _moment(text: str) -> dt.datetime | dt.time | None:
    """An ISO date, date-time or time; a date reads as its midnight, a naive time as UTC."""
    for parse in (dt.datetime.fromisoformat, dt.time.fromisoformat):
        try:
            value = parse(text.replace("Z", "+00:00"))
        except ValueError:
            continue
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value
    return None


def values_equal(sent: Any, read: Any) -> bool:
    """What was sent against what reads back, as a JSON API may write it again: numbers as
    decimals or strings, a date as its midnight, a time with its seconds."""
    if isinstance(sent, bool) or isinstance(read, bool):  # True == 1 in Python, not in JSON
        return sent is read
    if sent == read:
        return True
    if sent is None or read is None:
        return False
    if isinstance(sent, (int, float, str)) and isinstance(read, (int, float, str)):
        try:
            return Decimal(str(sent)) == Decimal(str(read))
        except InvalidOperation:
            pass
        if isinstance(sent, str) and isinstance(read, str):
            a, b = _moment(sent), _moment(read)
            return a is not None and a == b
    return False


@dataclass
class Walk:
    """One walk over a document's resources with one client; findings and what was called."""

    client: httpx.AsyncClient
    document: dict[str, Any]
    exclude: list[str]
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # resource name -> fields to send
    # Where the server's own create fails: a row put straight into its store (the resource's table
    # and the body the create was refused), answering the row's id; the walk goes on from there.
    seed: Callable[[str, dict[str, Any]], Awaitable[str]] | None = None
    tables: dict[str, str] = field(default_factory=dict)  # resource name -> its table, for the seed
    # An item's row read from the server's store (table, id -> the row, None: no such row), for the
    # effect of a write on an item its API cannot read back.
    stored: Callable[[str, str], Awaitable[dict[str, Any] | None]] | None = None
    seeded: list[str] = field(default_factory=list)  # the collections walked from a seeded row
    refused: set[str] = field(default_factory=set)  # resources whose create failed (it may still have stored)
    findings: list[Finding] = field(default_factory=list)
    exercised: dict[tuple[str, str], str] = field(default_factory=dict)  # (method, template) -> level
    created: list[tuple[Resource, str]] = field(default_factory=list)  # for the clean-up, in order
    ids: dict[str, str] = field(default_factory=dict)  # resource collection -> an id made for others
    # Why something was not walked: by collection (and all it holds), or by "METHOD /path".
    blocked: dict[str, str] = field(default_factory=dict)
    counter: int = 0
    token: str = field(default_factory=lambda: secrets.token_hex(3))

    def __post_init__(self) -> None:
        self.schemas = Schemas(self.document)
        self.all = resources(self.document, self.exclude)

    def _find(
        self, method: str, template: str, called: str, response: httpx.Response | None, kind: str, detail: str
    ) -> None:
        status = response.status_code if response is not None else 0
        self.findings.append(Finding(method, template, called, status, kind, detail[:300]))

    def _owner(self, name: str) -> Resource | None:
        """The resource a field such as ``clock_template_id`` names: by item parameter, then by
        collection name, trying the name without its leading words."""
        if not name.endswith("_id"):
            return None
        words = name[:-3].split("_")
        mounts = sorted(self.all, key=lambda r: r.collection.startswith("/api/"))  # the plain mount first
        for start in range(len(words)):
            stem = "_".join(words[start:])
            for r in mounts:
                last = r.collection.strip("/").rsplit("/", 1)[-1]
                if r.param == f"{stem}_id" or last in (stem.replace("_", "-") + "s", stem.replace("_", "-")):
                    return r
        return None

    async def body(self, r: Resource, depth: int = 0) -> Sent | None:
        """What the create sends, built from its document: a JSON body, else an upload's form (a
        small text file for each file field), else its query parameters (None: it takes nothing
        the walk can build, or a resource it names could not be created)."""
        operation = self.document["paths"][r.collection]["post"]
        for how, media in (("json", "application/json"), ("form", "multipart/form-data")):
            schema = self.schemas.body(operation, media)
            if schema is not None:
                values = await self._fields(r, schema, depth)
                return None if values is None else Sent(how, values | self.bodies.get(r.name, {}))
        if any(p.get("in") == "query" and p.get("required") for p in operation.get("parameters", [])):
            params = await self._query(operation)
            if params is None:
                self.blocked[r.collection] = (
                    "a query parameter of its create names a resource the walk could not create"
                )
                return None
            return Sent("query", params | self.bodies.get(r.name, {}))
        self.blocked.setdefault(r.collection, "its create takes nothing the walk can build: not walked")
        return None

    async def _fields(self, r: Resource, schema: dict[str, Any], depth: int) -> dict[str, Any] | None:
        self.counter += 1
        unique = f"{self.token}{self.counter}"
        example = schema.get("example") if isinstance(schema.get("example"), dict) else {}
        out: dict[str, Any] = {}
        properties = schema.get("properties") or {}
        for name in [*schema.get("required", []), *example]:
            if name in out or name not in properties:
                continue
            prop = self.schemas.resolve(properties[name])
            owner = self._owner(name) if name.endswith("_id") else None
            if owner is not None and owner is not r and name in schema.get("required", []):
                # The walked resource gets dependencies of its own (a sales rep per user); theirs are shared.
                ident = await self.ensure(owner, depth + 1, fresh=depth == 0) if depth < 4 else None
                if ident is None:
                    why = self.blocked.get(owner.collection, "too deep a chain of resources")
                    self.blocked[r.collection] = f"needs {name}, and {owner.collection} could not be created ({why})"
                    return None
                out[name] = ident
            elif name in example and name not in UNIQUE:
                out[name] = example[name]
            elif prop.get("format") == "binary":  # an upload's file
                out[name] = (f"librelog-verify-{unique}.txt", f"librelog-verify {unique}\n".encode(), "text/plain")
            else:
                out[name] = _value(name, prop, unique)
        return out

    async def ensure(self, r: Resource, depth: int, fresh: bool = False) -> str | None:
        """An id of ``r`` for another resource's field: one made earlier, else one created."""
        if r.collection in self.ids and not fresh:
            return self.ids[r.collection]
        sent = await self.body(r, depth)
        if sent is None:
            return None
        response = await self.client.post(r.collection, **sent.request())
        if response.status_code >= 300:
            self.blocked.setdefault(r.collection, f"POST answered {response.status_code}: {response.text[:120]}")
            self.refused.add(r.name)
            ident = await self._seeded(r, sent.fields)
            if ident is not None:
                self.ids[r.collection] = ident
            return ident
        ident = _ident(response)
        if ident is not None:
            self.ids[r.collection] = ident
            self.created.append((r, ident))
        return ident

    def _called(self, method: str, template: str, level: str) -> None:
        """An operation called, and how far the walk judged it (the strongest of its calls kept)."""
        before = self.exercised.get((method, template))
        if before is None or (before == "status" and level == "effect"):
            self.exercised[(method, template)] = level

    async def resource(self, r: Resource) -> None:
        sent = await self.body(r)
        if sent is None:
            return
        response = await self.client.post(r.collection, **sent.request())
        self._called("POST", r.collection, "effect")
        if response.status_code >= 300:
            kind = "server error" if response.status_code >= 500 else "create refused the document's own body"
            self.blocked[r.collection] = f"its create answered {response.status_code}: {response.text[:120]}"
            self._find("POST", r.collection, r.collection, response, kind, response.text)
            self.refused.add(r.name)
            ident = await self._seeded(r, sent.fields)
            if ident is None:
                return None
            read = await self._read(r, ident, first=True)
        else:
            ident = _ident(response)
            if ident is None:
                self.blocked[r.collection] = "its create answered no id"
                return self._find("POST", r.collection, r.collection, response, "created without an id", response.text)
            self.created.append((r, ident))
            read = await self._read(r, ident, first=True)
            if read is not None:
                self._compare("POST", r.collection, r.collection, sent.fields, read, "create not read back")
        if read is None:  # not readable through the API (a finding already): its row, where there is a store
            read = await self._row(r, ident)
        for method in ("PUT", "PATCH"):
            if method in r.methods:
                read = await self._update(r, method, ident, read) or read
        for method, path in self._actions(r):
            await self._action(r, method, path, ident)
        for path, owner in self._links(r):
            await self._link(r, path, owner, ident)
        if "DELETE" in r.methods:
            await self._delete(r, ident)

    async def _seeded(self, r: Resource, body: dict[str, Any]) -> str | None:
        """A row of ``r`` put into the server's store where its create failed (None: no seed for
        it, or the seed failed too, which the reason for not walking it then says)."""
        table = self.tables.get(r.name)
        if self.seed is None or table is None:
            return None
        try:
            ident = await self.seed(table, body)
        except HarnessError as exc:
            self.blocked[r.collection] += f"; its row could not be seeded either: {exc}"
            return None
        self.seeded.append(r.collection)
        return ident

    def _has_list(self, r: Resource) -> bool:
        return "get" in self.document["paths"][r.collection]

    async def _listed(self, r: Resource, ident: str) -> tuple[httpx.Response, dict[str, Any] | None]:
        """The collection's answer and the item with ``ident`` in it (None: not there)."""
        self._called("GET", r.collection, "effect")
        response = await self.client.get(r.collection)
        return response, _find_item(_json(response), ident)

    async def _read(self, r: Resource, ident: str, first: bool = False) -> dict[str, Any] | None:
        """The item as LibreLog gives it back: its own path, else its entry in the collection. On
        the first read, an item that does not read back, or is not listed, is a finding."""
        item = r.at(ident)
        read = None
        if "GET" in r.methods:
            self._called("GET", r.item, "effect")
            response = await self.client.get(item)
            read = _json(response) if response.status_code == 200 and isinstance(_json(response), dict) else None
            if read is None and first:
                self._find("GET", r.item, item, response, "created item not readable", response.text)
        if self._has_list(r) and (first or read is None):
            listed, entry = await self._listed(r, ident)
            if first and listed.status_code != 200:
                self._find("GET", r.collection, r.collection, listed, "list not readable", listed.text)
            elif first and entry is None:
                self._find(
                    "GET", r.collection, r.collection, listed, "created item not listed", f"{ident} is not in the list"
                )
            read = read if read is not None else entry
        if read is None and not first:
            read = await self._row(r, ident)
        return read

    async def _row(self, r: Resource, ident: str) -> dict[str, Any] | None:
        """The item's row in the server's store, where its API does not read it back."""
        if self.stored is None:
            return None
        try:
            return await self.stored(self.tables.get(r.name, r.name.replace("-", "_")), ident)
        except HarnessError:
            return None

    def _compare(
        self, method: str, template: str, called: str, sent: dict[str, Any], read: dict[str, Any], kind: str
    ) -> bool:
        differ = [
            f"{name}: sent {value!r}, reads {read[name]!r}"
            for name, value in sent.items()
            if name in read and not values_equal(value, read[name])
        ]
        if differ:
            self._find(method, template, called, None, kind, "; ".join(differ))
        return not differ

    async def _update(
        self, r: Resource, method: str, ident: str, current: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """A text field the item has, changed, and read back changed. An item that does not read
        (already a finding) still gets the change, judged by its answer alone."""
        schema = self.schemas.body(self.document["paths"][r.item][method.lower()]) or {}
        properties = schema.get("properties")
        if properties is None and current is not None:
            # A free-form body (``Dict[str, Any]``): the item's own text fields are what it can take.
            texts = [n for n, v in current.items() if isinstance(v, (str, type(None))) and _free_text(n)]
        else:
            texts = [
                n
                for n, p in (properties or {}).items()
                if _plain_text(self.schemas.resolve(p))
                and (current is None or (n in current and isinstance(current[n], (str, type(None)))))
            ]
        if not texts:
            self.blocked.setdefault(
                f"{method} {r.item}", "neither its document nor the item names a text field to change"
            )
            return None
        name = next((n for n in ("name", "title", "notes", "description") if n in texts), texts[0])
        self.counter += 1
        change = {name: f"lv{self.token}c{self.counter}"}
        self._called(method, r.item, "effect" if current is not None else "status")
        response = await self.client.request(method, r.at(ident), json=change)
        if response.status_code >= 300:
            kind = "server error" if response.status_code >= 500 else "update refused"
            self._find(method, r.item, r.at(ident), response, kind, response.text)
            if current is not None:  # a failed update must leave the item as it was
                read = await self._read(r, ident)
                if read is not None and read.get(name) == change[name]:
                    self._find(
                        method,
                        r.item,
                        r.at(ident),
                        response,
                        "changed though it failed",
                        f"answered {response.status_code}, and {name} reads the value sent",
                    )
            return None
        if current is None:
            return None
        read = await self._read(r, ident)
        if read is None:
            self._find(method, r.item, r.at(ident), response, "update not read back", "the item no longer reads")
        else:
            self._compare(method, r.item, r.at(ident), change, read, "update not applied")
        return read

    def _excluded(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.exclude)

    def _actions(self, r: Resource) -> list[tuple[str, str]]:
        """The item's actions: ``/advertisers/{id}/approve`` and the like (one more literal word)."""
        base = r.item + "/"
        return [
            (m.upper(), path)
            for path, item in sorted(self.document["paths"].items())
            if path.startswith(base)
            and "/" not in path[len(base) :]
            and "{" not in path[len(base) :]
            and not self._excluded(path)
            for m in item
            if m.upper() in ("POST", "PUT", "PATCH")
        ]

    def _links(self, r: Resource) -> list[tuple[str, Resource]]:
        """The item's links to another resource: ``/offices/{id}/sales-reps/{sales_rep_id}`` with a
        POST (and a DELETE to undo it), the other resource named by its parameter."""
        base = r.item + "/"
        out = []
        for path, item in sorted(self.document["paths"].items()):
            rest = path[len(base) :].split("/") if path.startswith(base) else []
            if (
                len(rest) == 2
                and "{" not in rest[0]
                and (m := PARAM.match(rest[1]))
                and "post" in item
                and not self._excluded(path)
            ):
                owner = self._owner(m.group(1))
                if owner is not None:
                    out.append((path, owner))
        return out

    async def _views(self, resources: list[tuple[Resource, str]]) -> list[Any]:
        """What can be read of some items: each item and its own sub-collections (``/reps/{id}/offices``),
        the time stamps of the change itself left out."""
        paths = self.document["paths"]
        views: list[Any] = []
        for r, ident in resources:
            below = [
                p for p in paths if p.startswith(r.item + "/") and "{" not in p[len(r.item) :] and "get" in paths[p]
            ]
            for template in ([r.item] if "GET" in r.methods else []) + sorted(below):
                response = await self.client.get(template.replace("{" + r.param + "}", ident))
                views.append([template, response.status_code, _unstamped(_json(response))])
        return views

    async def _link(self, r: Resource, path: str, owner: Resource, ident: str) -> None:
        """A link judged by what it changed: one of the two items, or their sub-collections, reads
        otherwise after it; its DELETE, where there is one, reads as before again."""
        other = await self.ensure(owner, 1)
        if other is None:
            why = self.blocked.get(owner.collection, "it could not be created")
            for method in sorted(m.upper() for m in self.document["paths"][path]):
                self.blocked.setdefault(f"{method} {path}", f"links to {owner.collection}, and {why}")
            return
        param = PARAM.match(path.rsplit("/", 1)[1]).group(1)  # type: ignore[union-attr]
        called = path.replace("{" + r.param + "}", ident).replace("{" + param + "}", other)
        pair = [(r, ident), (owner, other)]
        before = await self._views(pair)
        linked: list[Any] | None = before  # None: the link failed, so its undo has nothing to undo
        for method in ("POST", "DELETE"):
            if method.lower() not in self.document["paths"][path]:
                continue
            response = await self.client.request(method, called)
            after = await self._views(pair)
            if method == "DELETE" and linked is None:
                # Undoing a link that was never made: "not there" (or nothing done) is the right answer.
                self._called(method, path, "effect" if _informative(after) else "status")
                if response.status_code >= 500:
                    self._find(method, path, called, response, "server error", response.text)
                elif after != before:
                    self._find(method, path, called, response, "unlink changed unlinked items", "they read otherwise")
                continue
            if response.status_code >= 300:
                # Failed: the two items must read as they did before it.
                self._called(method, path, "effect" if _informative(after) else "status")
                verb = "link" if method == "POST" else "unlink"
                kind = "server error" if response.status_code >= 500 else f"{verb} refused"
                self._find(method, path, called, response, kind, response.text)
                if after != (before if method == "POST" else linked):
                    self._find(method, path, called, response, "changed though it failed", "the items read otherwise")
                linked = None
                continue
            self._called(method, path, "effect")
            if method == "POST":
                linked = after
                if after == before:
                    self._find(method, path, called, response, "no effect visible", "the two items read as before")
            elif after != before and linked != before:  # the unlink of a link that showed must undo it
                self._find(method, path, called, response, "unlink not applied", "the two items read as linked")

    async def _action(self, r: Resource, method: str, path: str, ident: str) -> None:
        """An action judged by what it changed: the item or its collection reads otherwise after
        it. A refusal (4xx) is the action's own judgement of the item's state, not a finding."""
        operation = self.document["paths"][path][method.lower()]
        params = await self._query(operation)
        if params is None:
            self.blocked.setdefault(f"{method} {path}", "a query parameter names a resource the walk could not create")
            return
        schema = self.schemas.body(operation)
        body = None
        if schema is not None:
            body = {
                n: _value(n, self.schemas.resolve(p), f"{self.token}{self.counter}")
                for n, p in (schema.get("properties") or {}).items()
                if n in schema.get("required", [])
            }
        if "GET" not in r.methods and not self._has_list(r) and self.stored is None:  # its answer alone
            called = path.replace("{" + r.param + "}", ident)
            response = await self.client.request(method, called, params=params, json=body)
            self._called(method, path, "status")
            if response.status_code >= 500:
                self._find(method, path, called, response, "server error", response.text)
            return
        before = await self._read(r, ident)
        list_before = (await self.client.get(r.collection)).text if self._has_list(r) else ""
        called = path.replace("{" + r.param + "}", ident)
        response = await self.client.request(method, called, params=params, json=body)
        after = await self._read(r, ident)
        list_after = (await self.client.get(r.collection)).text if self._has_list(r) else ""
        changed = _changed(before, after)
        if response.status_code >= 300:
            # A failed action must leave the item as it was: what it reads now is the judgement.
            self._called(method, path, "effect" if before is not None else "status")
            if response.status_code >= 500:
                self._find(method, path, called, response, "server error", response.text)
            if before is not None and changed:
                self._find(
                    method,
                    path,
                    called,
                    response,
                    "changed though it failed",
                    f"answered {response.status_code}, and the item now reads otherwise: {', '.join(sorted(changed))}",
                )
            return
        self._called(method, path, "effect")
        if not changed and list_before == list_after:
            self._find(
                method,
                path,
                called,
                response,
                "no effect visible",
                f"answered {response.status_code}, and the item and its collection read as before",
            )

    async def _query(self, operation: dict[str, Any]) -> dict[str, Any] | None:
        """The required query parameters of an action: another resource's id, else a marked value."""
        params: dict[str, Any] = {}
        for parameter in operation.get("parameters", []):
            if parameter.get("in") != "query" or not parameter.get("required"):
                continue
            name = parameter["name"]
            owner = self._owner(name)
            if owner is not None:
                ident = await self.ensure(owner, 1)
                if ident is None:
                    return None
                params[name] = ident
            else:
                params[name] = _value(name, self.schemas.resolve(parameter.get("schema")), self.token)
        return params

    async def _delete(self, r: Resource, ident: str) -> None:
        item = r.at(ident)
        response = await self.client.delete(item)
        failed = response.status_code >= 300
        if failed:
            kind = "server error" if response.status_code >= 500 else "delete refused"
            self._find("DELETE", r.item, item, response, kind, response.text)
        else:
            self.created = [(c, i) for c, i in self.created if i != ident]
        gone, shown = await self._gone(r, ident)
        self._called("DELETE", r.item, "effect" if gone is not None else "status")
        if gone is False and not failed:
            self._find("DELETE", r.item, item, response, "delete not applied", f"the item still reads ({shown})")
        elif gone and failed:
            self._find("DELETE", r.item, item, response, "changed though it failed", f"the item is gone ({shown})")

    async def _gone(self, r: Resource, ident: str) -> tuple[bool | None, str]:
        """Whether the item is gone (or reads deactivated), and what said so; None: nothing could tell."""
        after = await self.client.get(r.at(ident)) if "GET" in r.methods else None
        if after is not None and after.status_code < 500:
            body = _json(after)
            return after.status_code in (404, 410) or (after.status_code == 200 and _deactivated(body)), str(
                after.status_code
            )
        if self._has_list(r):  # no item path, or one that does not answer: the collection says
            listed, entry = await self._listed(r, ident)
            if listed.status_code == 200:
                return entry is None or _deactivated(entry), f"the list, {listed.status_code}"
        if self.stored is not None:  # neither answers: its row says
            row = await self._row(r, ident)
            return row is None or _deactivated(row), "its row in the store"
        return None, ""

    def not_walked(self) -> list[dict[str, str]]:
        """Every operation the walk did not reach, with the reason: a resource it could not create
        takes its item's operations and actions with it."""
        out = []
        for r in self.all:
            why = self.blocked.get(r.collection)
            if why is not None:
                links = [(m.upper(), path) for path, _ in self._links(r) for m in self.document["paths"][path]]
                ops = [("POST", r.collection), *((m, r.item) for m in sorted(r.methods)), *self._actions(r), *links]
                out += [
                    {"method": m, "path": path, "reason": why}
                    for m, path in ops
                    if (m, path) not in self.exercised and f"{m} {path}" not in self.blocked  # its own reason below
                ]
        for key, why in self.blocked.items():
            if " " in key:
                method, path = key.split(" ", 1)
                out.append({"method": method, "path": path, "reason": why})
        return out

    async def clean(self) -> list[str]:
        """Delete what the walk made for others, newest first; what could not be deleted."""
        left = []
        for r, ident in reversed(self.created):
            if "DELETE" not in r.methods:
                left.append(r.at(ident))
                continue
            response = await self.client.delete(r.at(ident))
            if response.status_code >= 300 and response.status_code != 404:
                left.append(f"{r.at(ident)} ({response.status_code})")
        return left


def _free_text(name: str) -> bool:
    """A field of an item read back that a free-form update may change: not its id, a reference,
    a time stamp or a state."""
    return name not in ("id", "status", "type") and not name.endswith(("_id", "_at", "_date", "_time", "_status"))


def _plain_text(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" and not schema.get("format") and "enum" not in schema


def _unstamped(value: Any) -> Any:
    """A JSON value without the time stamps a write sets on whatever it touches (and with an empty
    field read as an absent one: an unlinked item may keep an empty list where it had none)."""
    if isinstance(value, dict):
        return {
            k: _unstamped(v)
            for k, v in value.items()
            if k not in ("updated_at", "modified_at") and v not in (None, [], {})
        }
    if isinstance(value, list):
        return [_unstamped(v) for v in value]
    return value


def _informative(views: list[Any]) -> bool:
    """Whether some view of the items read (200): else comparing them says nothing."""
    return any(status == 200 for _template, status, _body in views)


def _deactivated(body: Any) -> bool:
    return isinstance(body, dict) and any(body.get(k) == v for k, v in GONE.items())


def _find_item(body: Any, ident: str) -> dict[str, Any] | None:
    """The entry with ``ident`` in a list answer, bare or wrapped (``{"items": [...]}``)."""
    lists = (
        [body]
        if isinstance(body, list)
        else [v for v in body.values() if isinstance(v, list)]
        if isinstance(body, dict)
        else []
    )
    for entries in lists:
        for entry in entries:
            if isinstance(entry, dict) and str(entry.get("id")) == ident:
                return entry
    return None


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The fields that read otherwise (time stamps of the change itself aside)."""
    if before is None or after is None:
        return ["the item's readability"] if (before is None) != (after is None) else []
    return [k for k in set(before) | set(after) if k != "updated_at" and before.get(k) != after.get(k)]


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _ident(response: httpx.Response) -> str | None:
    body = _json(response)
    if isinstance(body, dict):
        for key in ("id", "uuid"):
            if body.get(key) is not None:
                return str(body[key])
    return None


def _seeder(context: StepContext, spec: dict[str, Any], mark: str) -> Callable[[str, dict[str, Any]], Awaitable[str]]:
    """The seed command as the walk calls it: ``{table}``, ``{row}`` (the refused body as JSON) and
    ``{mark}`` (the walk's mark, for the text it makes up) in its arguments replaced; it prints
    one "table id" line per row it inserted, the asked row last. Every row is saved (``save_as``)
    as it is made, for the teardown to remove."""
    rows: list[dict[str, str]] = context.saved.setdefault(spec.get("save_as", "seeded"), [])
    rows.clear()

    async def seed(table: str, body: dict[str, Any]) -> str:
        row = json.dumps(body)
        argv = [a.replace("{table}", table).replace("{row}", row).replace("{mark}", mark) for a in flat(spec["run"])]
        out = await run_command(
            context.target, context.rec, argv, spec.get("stdin"), stdin_shown="the step's seed.stdin"
        )
        lines = [line.split() for line in out.splitlines() if line.strip()]
        if not lines or any(len(line) != 2 for line in lines):
            raise HarnessError(f"the seed command printed no 'table id' lines for {table}: {out.strip()[:200]!r}")
        rows.extend({"table": t, "id": i} for t, i in lines)
        return lines[-1][1]

    return seed


def _row_reader(context: StepContext, spec: dict[str, Any]) -> Callable[[str, str], Awaitable[dict[str, Any] | None]]:
    """The store's read command as the walk calls it: ``{table}`` and ``{id}`` in its arguments
    replaced; it prints the row as a JSON object, or nothing where there is no such row."""

    async def read(table: str, ident: str) -> dict[str, Any] | None:
        argv = [a.replace("{table}", table).replace("{id}", ident) for a in flat(spec["run"])]
        out = await run_command(context.target, context.rec, argv, spec.get("stdin"))
        if not out.strip():
            return None
        try:
            row = json.loads(out)
        except ValueError:
            raise HarnessError(
                f"the store's read command printed no JSON row for {table} {ident}: {out[:200]!r}"
            ) from None
        return row if isinstance(row, dict) else None

    return read


async def _crud(context: StepContext) -> None:
    spec = context.spec
    client = context.target.librelog
    document = await read_json(client, spec.get("openapi", "/openapi.json"))
    walk = Walk(client, document, list(spec.get("exclude", [])), dict(spec.get("bodies", {})))
    if "seed" in spec:
        walk.seed, walk.tables = _seeder(context, spec["seed"], f"lv{walk.token}"), dict(spec["seed"]["tables"])
        if "read" in spec["seed"]:
            walk.stored = _row_reader(context, spec["seed"]["read"])
    try:
        for r in walk.all:
            await walk.resource(r)
        left = await walk.clean()
    finally:
        if "seed" in spec:
            # What the API could not take back (a create that failed and stored all the same, a soft
            # delete, an action's copy): the teardown looks for the walk's mark in every resource's
            # table (named in ``tables``, else after the resource).
            names = sorted({walk.tables.get(r.name, r.name.replace("-", "_")) for r in walk.all})
            context.saved[spec["seed"].get("save_as", "seeded")] += [
                {"table": t, "marker": f"lv{walk.token}"} for t in names
            ]
    context.rec.json(
        RECORD,
        {
            "operations": len(walk.exercised),
            "resources": len(walk.all),
            "findings": [asdict(f) for f in walk.findings],
            "not_walked": walk.not_walked(),
            "left": left,
        },
    )
    context.rec.json(EXERCISED, [{"method": m, "path": p, "level": lvl} for (m, p), lvl in walk.exercised.items()])
    if not walk.all:
        raise ExpectationFailed("the document lists no resource to create: nothing was verified")
    if walk.findings or left:
        kinds = sorted({f.kind for f in walk.findings})
        first = walk.findings[0] if walk.findings else None
        raise ExpectationFailed(
            f"{len(walk.findings)} finding(s) over {len(walk.all)} resource(s): {', '.join(kinds)}"
            + (f"; first: {first.method} {first.called}: {first.kind}: {first.detail[:160]}" if first else "")
            + (f"; left in LibreLog: {', '.join(left)}" if left else "")
        )


KINDS = [
    StepKind(
        "librelog.crud",
        "openapi_crud",
        _crud,
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "openapi": {"type": "string", "pattern": "^/", "description": "where LibreLog serves its document"},
                "exclude": {"type": "array", "items": {"type": "string"}, "description": "path prefixes left out"},
                "bodies": {
                    "type": "object",
                    "additionalProperties": {"type": "object"},
                    "description": "fields sent to a resource (by its collection's name, e.g. clocks) over the"
                    " ones built from the document: what its server accepts and its document does not say",
                },
                "seed": {
                    "type": "object",
                    "required": ["run", "tables"],
                    "additionalProperties": False,
                    "description": "where the server's own create fails, a command that puts the row into its"
                    " store, so the item's other operations are still walked (needs the commands capability)",
                    "properties": {
                        "run": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": ["string", "number", "array"]},
                            "description": "the program and its arguments; {table}, {row} (the refused body"
                            " as JSON) and {mark} (the walk's mark, for made-up text) are replaced; it prints"
                            " a 'table id' line per row inserted, the asked one last",
                        },
                        "stdin": {"type": "string", "description": "text given on standard input"},
                        "tables": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                            "description": "resource name (its collection's last segment) -> its table: seeded"
                            " where its create fails; a resource not named here has a table named after it",
                        },
                        "save_as": {
                            "type": "string",
                            "description": "the rows inserted are saved under this name (default seeded),"
                            " as a list of {table, id}, for the teardown to remove",
                        },
                        "read": {
                            "type": "object",
                            "required": ["run"],
                            "additionalProperties": False,
                            "description": "reads an item's row from the store, so a write on an item the API"
                            " cannot read back is judged by its row",
                            "properties": {
                                "run": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {"type": ["string", "number", "array"]},
                                    "description": "the program and its arguments; {table} and {id} are replaced;"
                                    " it prints the row as a JSON object, or nothing",
                                },
                                "stdin": {"type": "string", "description": "text given on standard input"},
                            },
                        },
                    },
                },
            },
        },
        description="every resource of LibreLog's own OpenAPI document created, read back, changed, read back,"
        " deleted and looked for again: a write that does not read back is a finding",
        effect=True,
        title=lambda spec: "create, read, change and delete every resource of LibreLog's own document",
    ),
]
