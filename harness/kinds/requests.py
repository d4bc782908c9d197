"""Step kinds that talk HTTP to a service: ``request``, ``librelog.get``, ``eventually`` and
``service.login`` (a login whose token becomes the service's Authorization for the scenario)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from typing import TYPE_CHECKING, Any

import httpx
import jmespath

from ..errors import HarnessError, ServiceUnreachable
from ..running.expect import ExpectationFailed, Observed, failures
from .registry import StepContext, StepKind, get, step_kind

if TYPE_CHECKING:
    from ..running.steps import Runner

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def _client(runner: Runner, service: str) -> httpx.AsyncClient:
    return runner.target.librelog if service == "librelog" else runner.target.libretime


async def send(
    runner: Runner, spec: dict[str, Any], expect: dict[str, Any], save: dict[str, str], secret: str | None = None
) -> Observed:
    """One request, recorded with its answer; the expectations checked and the saves made.
    ``secret`` (JMESPath) names a value of the answer, such as a token, masked before anything
    of the answer is recorded."""
    target, rec = runner.target, runner.rec
    client = _client(runner, spec["service"])
    method = spec["method"]
    if method in MUTATING:
        await target.check_write(spec["service"], method, spec["path"], spec.get("json"))
    files = {name: _file(desc) for name, desc in (spec.get("files") or {}).items()} or None
    if files and spec["service"] == "librelog" and method in MUTATING:
        _remember_uploads(runner, files)
    shown = {
        "method": method,
        "url": str(client.base_url).rstrip("/") + spec["path"],
        "params": spec.get("params"),
        "headers": {**dict(client.headers), **(spec.get("headers") or {})},
        "json": spec.get("json"),
        "data": spec.get("data"),
        "files": {n: f"{f[0]} ({len(f[1])} bytes)" for n, f in (files or {}).items()},
    }
    started = time.perf_counter()
    try:
        response = await client.request(
            method,
            spec["path"],
            params=spec.get("params"),
            json=spec.get("json") if "json" in spec else None,
            data=spec.get("data"),
            files=files,
            headers=spec.get("headers"),
            timeout=spec.get("timeout_s", 30.0),
        )
    except httpx.TransportError as exc:
        rec.exchange(shown, None, repr(exc))
        raise ServiceUnreachable(f"Unreachable: {spec['service']} at {client.base_url}: {exc!r}") from None
    observed = Observed.of(response)
    if secret is not None and isinstance(found := jmespath.search(secret, observed.json), str):
        target.masker.add(found)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    rec.exchange(
        shown,
        {
            "status": observed.status,
            "elapsed_ms": elapsed_ms,
            "headers": dict(response.headers),
            "body": observed.json if observed.json is not None else observed.text[:4000],
        },
    )
    problems = failures(expect, observed)
    if expect.get("no_secrets") and target.masker.found_in(observed.text + str(dict(response.headers))):
        problems.append("the response contains a secret (the API key or token, shown masked)")
    if problems:
        raise ExpectationFailed(f"{method} {spec['path']}: " + "; ".join(problems))
    _remember_created(runner, spec, observed)
    for name, path in save.items():
        value = jmespath.search(path, observed.json)
        if value is None:
            raise ExpectationFailed(f"save {name}: {path!r} found nothing in the response: {observed.text[:300]}")
        runner.ctx.saved[name] = value
    return observed


def _remember_created(runner: Runner, spec: dict[str, Any], observed: Observed) -> None:
    """What this run made through LibreLog: its logs, voice tracks, and their uploads to LibreTime."""
    if spec["service"] != "librelog" or spec["method"] != "POST" or not isinstance(observed.json, dict):
        return
    path = spec["path"]
    target = runner.target
    ledger = target.ledger
    if path == "/logs" and observed.status == 201:
        target.created_logs.append(observed.json["id"])
        if ledger is not None:  # recorded at once: a run killed now still cleans it up
            ledger.add("log", observed.json["id"], target.libretime_url, target.librelog_url)
    elif path == "/voice" and observed.status == 201:
        target.created_voice.append(observed.json["id"])
    elif path.endswith("/upload-to-libretime") and observed.status == 200 and ledger is not None:
        file_id = observed.json.get("libretime_id")
        if file_id is not None:
            ledger.add("file", file_id, target.libretime_url, target.librelog_url)


def _remember_uploads(runner: Runner, files: dict[str, tuple[str, bytes, str]]) -> None:
    """Audio handed to LibreLog may reach LibreTime through LibreLog's own upload, whose answer the
    run may never see: its md5 is recorded at once, so cleaning up finds that file in LibreTime."""
    target = runner.target
    if target.ledger is None:
        return
    for _name, data, _type in files.values():
        if data:
            md5 = hashlib.md5(data).hexdigest()  # noqa: S324 - LibreTime's own checksum, its filter's key
            target.ledger.add("upload", md5, target.libretime_url, target.librelog_url)


def _file(desc: dict[str, Any]) -> tuple[str, bytes, str]:
    if "audio" in desc or "wav_seconds" in desc:
        from .. import audio

        made = audio.generate(desc["audio"] if "audio" in desc else {"format": "wav", "seconds": desc["wav_seconds"]})
        data = made.data
        desc = {"content_type": made.mime, **desc}
    elif "base64" in desc:
        data = base64.b64decode(desc["base64"])
    elif "size_bytes" in desc:
        data = bytes(desc["size_bytes"])
    else:
        data = desc.get("text", "").encode()
    return desc.get("filename", "upload.wav"), data, desc.get("content_type", "application/octet-stream")


def _mask_fields(runner: Runner, body: Any, names: list[str]) -> None:
    """Body fields (a password) masked wherever the run writes, before the request is recorded."""
    for name in names:
        if isinstance(body, dict) and isinstance(body.get(name), str):
            runner.target.masker.add(body[name])


async def _request(context: StepContext) -> None:
    runner, step = context.runner, context.step
    _mask_fields(runner, context.spec.get("json"), context.spec.get("secret_fields", []))
    await send(runner, context.spec, runner.ctx.render(step.get("expect", {})), runner.ctx.render(step.get("save", {})))


async def _librelog_get(context: StepContext) -> None:
    spec = context.spec
    request = {"service": "librelog", "method": "GET", "path": spec["path"], "params": spec.get("params")}
    await send(context.runner, request, spec["expect"], spec.get("save", {}))


async def _eventually(context: StepContext) -> None:
    runner, spec = context.runner, context.spec
    inner = context.step["eventually"]["step"]
    timeout = spec.get("timeout_s", 10.0)
    interval = spec.get("interval_s", 0.5)
    deadline = time.monotonic() + timeout
    attempts = 0
    while True:
        attempts += 1
        try:
            await runner.run_step(inner)
            return
        except ExpectationFailed as exc:
            if time.monotonic() + interval > deadline:
                raise ExpectationFailed(
                    f"still failing after {attempts} attempts in {timeout:g} s; last failure: {exc}"
                ) from None
        await asyncio.sleep(interval)


def _eventually_title(spec: Any) -> str:
    from ..running.steps import default_title

    inner = spec["step"]
    inner_kind = step_kind(inner)
    return f"eventually (within {spec.get('timeout_s', 10)} s): {default_title(inner_kind, inner[inner_kind])}"


async def _login(context: StepContext) -> None:
    """Log in, then send the token on every later request to that service in this scenario. The
    token and the login body's secret fields are masked wherever the run writes: the answer is
    recorded only once its token is known to the masker."""
    runner, spec = context.runner, context.spec
    body = spec.get("json") or {}
    _mask_fields(runner, body, spec.get("secret_fields", ["password"]))
    where = spec.get("token", "access_token")
    request = {"service": spec["service"], "method": spec.get("method", "POST"), "path": spec["path"], "json": body}
    if spec.get("headers"):
        request["headers"] = spec["headers"]
    observed = await send(runner, request, {"status": spec.get("status", 200)}, {}, secret=where)
    token = jmespath.search(where, observed.json)
    if not isinstance(token, str) or not token:
        raise HarnessError(f"login to {spec['service']}: {where!r} found no token in the answer")
    scheme = spec.get("scheme", "Bearer")
    _client(runner, spec["service"]).headers["Authorization"] = f"{scheme} {token}"
    runner.rec.text("logged in", f"{spec['service']} requests now carry Authorization: {scheme} •••")


LOGIN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["service", "path"],
    "additionalProperties": False,
    "properties": {
        "service": {"enum": ["librelog", "libretime"]},
        "method": {"enum": ["POST", "PUT", "GET"]},
        "path": {"type": "string", "pattern": "^/"},
        "json": {"type": "object"},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "status": {"type": "integer"},
        "token": {"type": "string", "description": "JMESPath to the token in the answer (default access_token)"},
        "scheme": {"type": "string", "description": "the Authorization scheme (default Bearer)"},
        "secret_fields": {
            "type": "array",
            "items": {"type": "string"},
            "description": "body fields masked in every output (default [password])",
        },
    },
}

KINDS = [
    StepKind(
        "request",
        "requests",
        _request,
        {"$ref": "#/$defs/request"},
        title=lambda spec: f"{spec['method']} {spec['path']} ({spec['service']})",
    ),
    StepKind(
        "eventually",
        "requests",
        _eventually,
        {"$ref": "#/$defs/eventually"},
        title=_eventually_title,
    ),
    StepKind(
        "librelog.get",
        "requests",
        _librelog_get,
        {"$ref": "#/$defs/read"},
        effect=True,
        title=lambda spec: f"GET {spec['path']} (librelog)",
    ),
    StepKind(
        "service.login",
        "requests",
        _login,
        LOGIN_SCHEMA,
        description="log in to a service; its token authorizes that service's requests for the rest of the scenario",
        title=lambda spec: f"log in to {spec['service']} ({spec.get('method', 'POST')} {spec['path']})",
    ),
]

__all__ = ["KINDS", "MUTATING", "get", "send"]
