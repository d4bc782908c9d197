"""Running a scenario's steps against a target."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import httpx
import jmespath

from . import checks
from .errors import HarnessError, ServiceUnreachable
from .expect import ExpectationFailed, Observed, failures
from .loader import SKIPPED_ON_LIVE, Scenario, step_kind
from .report import Recorder
from .targets import Target
from .templating import Context, TemplateError

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def default_title(kind: str, spec: Any) -> str:
    """What an unnamed step does, in words a report reader can follow."""
    if kind == "request":
        return f"{spec['method']} {spec['path']} ({spec['service']})"
    if kind == "librelog.get":
        return f"GET {spec['path']} (librelog)"
    if kind == "eventually":
        inner = spec["step"]
        inner_kind = step_kind(inner)
        return f"eventually (within {spec.get('timeout_s', 10)} s): {default_title(inner_kind, inner[inner_kind])}"
    scalars = spec.items() if isinstance(spec, dict) else []
    details = ", ".join(f"{k}={v}" for k, v in scalars if not isinstance(v, (dict, list)))
    return f"{kind} {details}".strip()


class StepSkipped(Exception):
    pass


class Runner:
    def __init__(self, scenario: Scenario, target: Target, context: Context, recorder: Recorder) -> None:
        self.scenario = scenario
        self.target = target
        self.ctx = context
        self.rec = recorder
        self.snapshots: dict[str, checks.Snapshot] = {}
        self.skipped: list[str] = []
        self._journal_mark = 0
        self._needs_marks = any(
            isinstance(s.get("stub.journal"), dict) and s["stub.journal"].get("since_step") for s in scenario.steps
        )

    async def run(self) -> None:
        for step in self.scenario.steps:
            kind = step_kind(step)
            if self._needs_marks and self.target.has_control_plane:
                previous_mark = self._journal_mark
                self._journal_mark = await self._journal_head()
            else:
                previous_mark = 0
            # Rendered once, before the step: its title then names the real log id, hour and path.
            try:
                spec, problem = self.ctx.render(step[kind]), None
            except TemplateError as exc:
                spec, problem = step[kind], exc
            title = self._title(step, kind, spec)
            with self.rec.step(title):
                if problem is not None:
                    raise problem
                try:
                    await self.run_step(step, since=previous_mark, spec=spec)
                except StepSkipped as exc:
                    self.skipped.append(f"{title}: {exc}")
                    self.rec.text("skipped", str(exc))

    def _title(self, step: dict[str, Any], kind: str, spec: Any) -> str:
        if not step.get("name"):
            return default_title(kind, spec)
        try:
            return str(self.ctx.render(step["name"]))
        except TemplateError:
            return step["name"]

    async def run_step(self, step: dict[str, Any], since: int = 0, spec: Any = None) -> None:
        kind = step_kind(step)
        if kind in SKIPPED_ON_LIVE and not self.target.has_control_plane:
            raise StepSkipped(f"{kind} needs the stub's control plane; the {self.target.name} target has none")
        if spec is None:
            spec = self.ctx.render(step[kind])
        if kind == "request":
            await self.request(spec, self.ctx.render(step.get("expect", {})), step.get("save", {}))
        elif kind == "eventually":
            await self.eventually(spec, step["eventually"]["step"])
        elif kind == "librelog.get":
            await self.request(
                {"service": "librelog", "method": "GET", "path": spec["path"], "params": spec.get("params")},
                spec["expect"],
                step[kind].get("save", {}),
            )
        elif kind == "libretime.snapshot":
            self.snapshots[spec["save_as"]] = await checks.snapshot(
                self.target, spec["date"], spec.get("timezone", "UTC"), self.rec
            )
        elif kind == "libretime.schedule_matches_log":
            await checks.schedule_matches_log(
                self.target, spec["log_id"], self.rec, hard_start=spec.get("hard_start", False)
            )
        elif kind == "libretime.schedule_diff":
            before = self.snapshots.get(spec["since"])
            if before is None:
                raise HarnessError(f"no snapshot named {spec['since']!r} was taken before this step")
            after = await checks.snapshot(self.target, before.date, before.timezone, self.rec)
            checks.schedule_diff(before, after, spec["changed_hours"], spec.get("must_change", False), self.rec)
        elif kind == "libretime.file":
            await checks.file_check(self.target, spec, self.rec)
        elif kind == "stub.seed":
            await self._control("POST", "/__stub__/seed", spec, 201)
        elif kind == "stub.fault":
            await self._control("POST", "/__stub__/faults", spec, 201)
        elif kind == "stub.tamper":
            await self._control("POST", "/__stub__/tamper", spec, 201)
        elif kind == "stub.playout":
            await self._control("POST", "/__stub__/playout", spec, 200)
        elif kind == "stub.journal":
            await self.journal(spec, since)
        elif kind in ("docker.network", "docker.exec"):
            from . import containers

            await asyncio.to_thread(containers.check, kind, spec, self.rec)
        elif kind == "libretime.provision":
            from .provision import provision

            self.ctx.saved.update(await provision(self.target, spec, self.rec))
        elif kind == "librelog.tracks_match_libretime":
            await checks.tracks_match_libretime(self.target, spec, self.rec)
        elif kind == "librelog.placement":
            await checks.librelog_placement(self.target, self.rec)
        elif kind == "librelog.proxy_matches_libretime":
            await checks.proxy_matches_libretime(self.target, spec, self.rec)
        else:  # pragma: no cover - the schema admits no other kind
            raise HarnessError(f"unknown step kind {kind}")

    # --- requests --------------------------------------------------------------------------

    async def request(self, spec: dict[str, Any], expect: dict[str, Any], save: dict[str, str]) -> Observed:
        client = self.target.librelog if spec["service"] == "librelog" else self.target.libretime
        method = spec["method"]
        if method in MUTATING:
            await self.target.check_write(spec["service"], method, spec["path"], spec.get("json"))
        files = {name: self._file(desc) for name, desc in (spec.get("files") or {}).items()} or None
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
            self.rec.exchange(shown, None, repr(exc))
            raise ServiceUnreachable(f"Unreachable: {spec['service']} at {client.base_url}: {exc!r}") from None
        observed = Observed.of(response)
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        self.rec.exchange(
            shown,
            {
                "status": observed.status,
                "elapsed_ms": elapsed_ms,
                "headers": dict(response.headers),
                "body": observed.json if observed.json is not None else observed.text[:4000],
            },
        )
        problems = failures(expect, observed)
        if expect.get("no_secrets") and self.target.masker.found_in(observed.text + str(dict(response.headers))):
            problems.append("the response contains a secret (the API key or token, shown masked)")
        if problems:
            raise ExpectationFailed(f"{method} {spec['path']}: " + "; ".join(problems))
        self._remember_created(spec, observed)
        for name, path in save.items():
            value = jmespath.search(path, observed.json)
            if value is None:
                raise ExpectationFailed(f"save {name}: {path!r} found nothing in the response: {observed.text[:300]}")
            self.ctx.saved[name] = value
        return observed

    def _remember_created(self, spec: dict[str, Any], observed: Observed) -> None:
        """What this run made through LibreLog: its logs, voice tracks, and their uploads to LibreTime."""
        if spec["service"] != "librelog" or spec["method"] != "POST" or not isinstance(observed.json, dict):
            return
        path = spec["path"]
        ledger = self.target.ledger
        if path == "/logs" and observed.status == 201:
            self.target.created_logs.append(observed.json["id"])
            if ledger is not None:  # recorded at once: a run killed now still cleans it up
                ledger.add("log", observed.json["id"], self.target.libretime_url, self.target.librelog_url)
        elif path == "/voice" and observed.status == 201:
            self.target.created_voice.append(observed.json["id"])
        elif path.endswith("/upload-to-libretime") and observed.status == 200 and ledger is not None:
            file_id = observed.json.get("libretime_id")
            if file_id is not None:
                ledger.add("file", file_id, self.target.libretime_url, self.target.librelog_url)

    def _file(self, desc: dict[str, Any]) -> tuple[str, bytes, str]:
        if "wav_seconds" in desc:
            from stubs.libretime.media import make_wav

            data = make_wav(desc["wav_seconds"])
        elif "base64" in desc:
            data = base64.b64decode(desc["base64"])
        elif "size_bytes" in desc:
            data = bytes(desc["size_bytes"])
        else:
            data = desc.get("text", "").encode()
        return desc.get("filename", "upload.wav"), data, desc.get("content_type", "application/octet-stream")

    async def eventually(self, spec: dict[str, Any], inner: dict[str, Any]) -> None:
        timeout = spec.get("timeout_s", 10.0)
        interval = spec.get("interval_s", 0.5)
        deadline = time.monotonic() + timeout
        attempts = 0
        while True:
            attempts += 1
            try:
                await self.run_step(inner)
                return
            except ExpectationFailed as exc:
                if time.monotonic() + interval > deadline:
                    raise ExpectationFailed(
                        f"still failing after {attempts} attempts in {timeout:g} s; last failure: {exc}"
                    ) from None
            await asyncio.sleep(interval)

    # --- the stub's control plane ----------------------------------------------------------

    async def _control(self, method: str, path: str, body: Any, expected: int) -> Any:
        response = await self.target.libretime.request(method, path, json=body)
        self.rec.exchange(
            {"method": method, "url": path, "json": body},
            {"status": response.status_code, "body": response.text[:4000]},
        )
        if response.status_code != expected:
            raise HarnessError(f"the stub refused {method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    async def _journal_head(self) -> int:
        entries = (await self.target.libretime.get("/__stub__/journal")).json()["requests"]
        return entries[-1]["id"] if entries else 0

    async def journal(self, spec: dict[str, Any], since: int) -> None:
        params = {k: spec[k] for k in ("method", "path") if k in spec}
        if spec.get("since_step"):
            params["since"] = since
        body = (await self.target.libretime.get("/__stub__/journal", params=params)).json()
        self.rec.json("what LibreTime received", body)
        count = body["count"]
        problems = []
        if "count" in spec and count != spec["count"]:
            problems.append(f"expected {spec['count']} matching requests, LibreTime received {count}")
        if "min_count" in spec and count < spec["min_count"]:
            problems.append(f"expected at least {spec['min_count']} matching requests, LibreTime received {count}")
        if "expect" in spec:
            observed = Observed(200, httpx.Headers(), json.dumps(body))
            problems += failures(spec["expect"], observed)
        if problems:
            raise ExpectationFailed(f"journal {params}: " + "; ".join(problems))
