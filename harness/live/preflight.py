"""The preflight: before any scenario, find out what a deployment is and what it offers.

Problems that would make every scenario fail (a service that does not answer, a LibreTime that
is not LibreTime, a key or token refused, a LibreLog with no LibreTime configured) stop the run
here with one message (the CLI exits 2), instead of forty failures. Everything else becomes a
capability, present or absent with the reason, so scenarios can be chosen by what they need.
Every probe is a read or a request LibreTime refuses as invalid: the preflight writes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import httpx

from ..control import INTERPOSER_PREFIX
from ..errors import ConfigError
from ..model.pack import Pack
from ..model.templating import Context, TemplateError
from ..running.services import service_headers
from ..targets import LiveConfig
from .capabilities import FLAVORS, Capability, Facts, flavor_capability

TIMEOUT_S = 10.0


def _get(client: httpx.Client, path: str, who: str, variable: str) -> httpx.Response:
    try:
        return client.get(path)
    except httpx.TransportError as exc:
        raise ConfigError(
            f"{who} at {client.base_url} ({variable}) is unreachable: {exc or type(exc).__name__}"
        ) from None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _librelog(client: httpx.Client, facts: Facts) -> None:
    health = _get(client, "/health", "LibreLog", "LIBRELOG_URL")
    if health.status_code != 200 or _json(health) != {"status": "ok"}:
        raise ConfigError(
            f"LIBRELOG_URL {client.base_url} does not answer like LibreLog: GET /health gave"
            f" {health.status_code} {health.text[:120]!r}"
        )
    config = _get(client, "/sync/libretime/config", "LibreLog", "LIBRELOG_URL")
    if config.status_code == 401:
        raise ConfigError("LibreLog refused the token (401): set LIBRELOG_API_TOKEN to its LIBRELOG_API_TOKEN")
    body = _json(config)
    if config.status_code != 200 or not isinstance(body, dict):
        raise ConfigError(f"LibreLog's GET /sync/libretime/config answered {config.status_code}: {config.text[:200]}")
    if not body.get("api_url"):
        raise ConfigError(
            "LibreLog has no LibreTime configured (api_url is null): set its LIBRETIME_INTERNAL_URL or"
            " LIBRETIME_API_URL; there is nothing to verify until it has one"
        )
    facts.librelog = body
    # The route exists (405 to a GET) only where LIBRELOG_TEST_RESET=1: probing it resets nothing.
    reset = _get(client, "/__test__/reset", "LibreLog", "LIBRELOG_URL")
    if reset.status_code == 405:
        facts.capabilities.add(Capability.LIBRELOG_RESET)
    else:
        facts.notes.append("librelog_reset: LibreLog has no test reset (LIBRELOG_TEST_RESET is not 1)")


def is_stub_control(response: httpx.Response) -> bool:
    """The stub's own list of fault rules, not any 200: a complete LibreTime sends unknown paths to
    its legacy app, whose login page a client that follows redirects reads as a 200."""
    answer = _json(response)
    return response.status_code == 200 and isinstance(answer, dict) and isinstance(answer.get("faults"), list)


def _libretime(client: httpx.Client, facts: Facts) -> None:
    version = _get(client, "/api/v2/version", "LibreTime", "LIBRETIME_URL")
    body = _json(version)
    if version.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("api_version"), str):
        raise ConfigError(
            f"LIBRETIME_URL {client.base_url} does not answer like LibreTime: GET /api/v2/version gave"
            f" {version.status_code} {version.text[:120]!r}"
        )
    facts.libretime_api_version = body["api_version"]
    probe = _get(client, "/api/v2/stream/state", "LibreTime", "LIBRETIME_URL")
    if probe.status_code in (401, 403):
        raise ConfigError(f"LibreTime refused LIBRETIME_API_KEY ({probe.status_code}): {probe.text[:120]}")
    info = _json(_get(client, "/api/v2/info", "LibreTime", "LIBRETIME_URL"))
    facts.station_name = info.get("station_name") if isinstance(info, dict) else None
    if is_stub_control(client.get("/__stub__/faults")):
        # The stub: everything a scenario may ask of LibreTime, each scenario from a fresh stub.
        facts.capabilities |= {
            Capability.STUB_CONTROL,
            Capability.SEED,
            Capability.JOURNAL,
            Capability.FAULTS,
            Capability.PLAYOUT,
            Capability.LIBRETIME_RESET,
        }
    else:
        # A real LibreTime: scenarios seed it through its own APIs inside the sandbox, recorded in
        # the ledger and removed afterwards; LibreTime's side is reset by cleaning the sandbox.
        facts.capabilities |= {Capability.SEED, Capability.LIBRETIME_RESET}
        facts.notes.append(
            "stub_control: LibreTime is not the stub: tampering with what LibreTime stores, and states its API"
            " refuses, are the stub's alone"
        )
    status = _json(client.get("/api/v2/integration/sync-status"))
    if isinstance(status, dict) and status.get("status") == "ok":
        facts.capabilities.add(Capability.INTEGRATION_API)
    else:
        facts.notes.append("integration_api: LibreTime has no integration extension (stock API)")
    # An empty POST is refused by validation and writes nothing; a 400 proves the route is writable.
    history = client.post("/api/v2/playout-history", json={})
    if history.status_code == 400:
        facts.capabilities.add(Capability.HISTORY_WRITE)
        facts.capabilities.add(Capability.PLAYOUT)  # what plays is written as history rows
    else:
        facts.notes.append(f"history_write: POST /api/v2/playout-history answered {history.status_code}")
        if Capability.PLAYOUT not in facts.capabilities:
            facts.notes.append("playout: LibreTime takes no playout-history rows, and nothing plays here")


def _upload(libretime: httpx.Client, facts: Facts, api_key: str) -> None:
    """The upload path LibreLog's own flavour uses, probed with an empty (refused) upload."""
    if facts.librelog.get("flavor") == "v2":
        path = "/rest/media"
        response = libretime.post(path, files={"other": ("x.txt", b"", "text/plain")}, auth=(api_key, ""))
        present = response.status_code not in (404, 405)
    else:
        path = "/api/v2/integration/voice-tracks"
        response = libretime.post(path, files={"other": ("x.txt", b"", "text/plain")})
        present = response.status_code == 400
    refused = response.status_code == 500 and response.text.startswith("ERROR: Incorrect API key.")
    if present and not refused:
        facts.capabilities.add(Capability.UPLOAD)
    elif refused:
        # The legacy app answers a wrong key with 500 and its error page.
        facts.notes.append(f"upload: LibreTime's legacy app refused the API key on {path}: voice uploads cannot land")
    else:
        facts.notes.append(f"upload: LibreTime has no {path} ({response.status_code}): voice uploads cannot land")


def _interposer(librelog: httpx.Client, interposer: str, facts: Facts) -> None:
    """Does LibreLog's LibreTime traffic go through the interposer? Asked by clearing its journal,
    having LibreLog check its connection (a read), and finding LibreLog's requests journaled."""
    try:
        with httpx.Client(base_url=interposer, timeout=TIMEOUT_S) as admin:
            health = admin.get(f"{INTERPOSER_PREFIX}/health")
            if health.status_code != 200 or not (_json(health) or {}).get("interposer"):
                raise ConfigError(f"{interposer} does not answer like the interposer: {health.status_code}")
            admin.delete(f"{INTERPOSER_PREFIX}/journal")
            _get(librelog, "/sync/status", "LibreLog", "LIBRELOG_URL")
            seen = (_json(admin.get(f"{INTERPOSER_PREFIX}/journal")) or {}).get("count", 0)
            admin.delete(f"{INTERPOSER_PREFIX}/journal")
    except httpx.TransportError as exc:
        raise ConfigError(f"the interposer at {interposer} is unreachable: {exc}") from None
    if seen:
        facts.interposer = interposer
        facts.capabilities |= {Capability.JOURNAL, Capability.FAULTS}
        return
    why = (
        f"LibreLog's LibreTime URL ({facts.librelog.get('api_url')}) does not go through the interposer at"
        f" {interposer}: set LibreLog's LIBRETIME_API_URL to it (docs/live.md: The interposer)"
    )
    facts.notes += [f"journal: {why}", f"faults: {why}"]


def _flavors(facts: Facts) -> None:
    """Which flavour items can run: LibreLog runs the flavour or its test reset switches to it,
    and LibreTime hosts it (the integration flavour needs the integration extension)."""
    running = facts.librelog.get("flavor")
    for flavor in FLAVORS:
        hosted = flavor == "v2" or Capability.INTEGRATION_API in facts.capabilities
        runs = running == flavor or Capability.LIBRELOG_RESET in facts.capabilities
        if hosted and runs:
            facts.capabilities.add(flavor_capability(flavor))
        elif not hosted:
            facts.notes.append(f"flavor_{flavor}: LibreTime has no integration extension (stock LibreTime)")
        else:
            facts.notes.append(f"flavor_{flavor}: LibreLog runs the {running} flavour and has no test reset")


def _foreign_librelog(client: httpx.Client, facts: Facts, pack: Pack) -> None:
    """A pack's LibreLog speaks its own API: the preflight only checks that it answers."""
    health = _get(client, pack.health, "LibreLog", "LIBRELOG_URL")
    if health.status_code >= 400:
        raise ConfigError(
            f"LibreLog at {client.base_url} (pack {pack.name}) answered GET {pack.health} with"
            f" {health.status_code}: {health.text[:160]!r}"
        )
    facts.notes.append(f"librelog_reset: the {pack.name} pack's LibreLog is not this project's (no test reset)")
    if pack.openapi:
        _foreign_operations(client, facts, pack)


def _foreign_operations(client: httpx.Client, facts: Facts, pack: Pack) -> None:
    """The operations a pack's LibreLog documents, for the pack's coverage of them."""
    from ..api_coverage import operations

    assert pack.openapi
    answer = client.get(pack.openapi)
    try:
        document = answer.json() if answer.status_code == 200 else None
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        facts.notes.append(
            f"coverage: LibreLog answered GET {pack.openapi} with {answer.status_code}, not an OpenAPI document"
        )
        return
    facts.librelog_operations = operations(document)


def _ui(config: LiveConfig, facts: Facts) -> None:
    """LibreTime's web UI: a login page where the settings say, and a browser to read it with. The
    login itself is left to the UI steps, so wrong credentials fail them rather than skip them."""
    from ..ui.browser import unavailable

    ui = config.ui
    why = None
    if ui is None:
        why = "no LibreTime UI login given (LIBRETIME_UI_USER and LIBRETIME_UI_PASSWORD)"
    elif (missing := unavailable()) is not None:
        why = missing
    else:
        try:
            page = httpx.get(f"{ui.url}/login", timeout=TIMEOUT_S)
            found = page.status_code == 200 and 'id="username"' in page.text
            status = str(page.status_code)
        except httpx.HTTPError as exc:
            found, status = False, type(exc).__name__
        if not found:
            why = f"no LibreTime login page at {ui.url}/login ({status}): an API-only LibreTime has no web UI"
    if why is None:
        facts.capabilities.add(Capability.UI)
    else:
        facts.notes.append(f"ui: {why}")


def discover(
    config: LiveConfig,
    target: str,
    api_face_url: str | None = None,
    *,
    pack: Pack | None = None,
    env: Mapping[str, str] | None = None,
    interposer: str | None = None,
) -> Facts:
    """Probe both services; ConfigError for anything that makes verification impossible."""
    facts = Facts(target=target, librelog_url=config.librelog_url, libretime_url=config.libretime_url)
    foreign = pack is not None and pack.foreign
    if pack is not None:
        facts.pack = pack.name
        facts.librelog_contract = not foreign
    headers = dict(config.librelog_headers)
    if pack is not None:
        try:
            services = Context(sandbox_date=config.sandbox_date, env=env or {}, target={}, vars={}).render(
                pack.defaults.get("services", {})
            )
        except TemplateError as exc:
            raise ConfigError(f"the {pack.name} pack's services cannot be set up: {exc}") from None
        headers.update(service_headers(services, "librelog", env or {}))
    try:
        with (
            httpx.Client(base_url=config.librelog_url, headers=headers, timeout=TIMEOUT_S) as librelog,
            httpx.Client(
                base_url=config.libretime_url, headers=config.libretime_headers, timeout=TIMEOUT_S
            ) as libretime,
        ):
            if foreign:
                assert pack is not None
                _foreign_librelog(librelog, facts, pack)
            else:
                _librelog(librelog, facts)
            _libretime(libretime, facts)
            if not foreign:
                _upload(libretime, facts, config.api_key)
                _flavors(facts)
            if Capability.STUB_CONTROL not in facts.capabilities:
                if interposer:
                    _interposer(librelog, interposer, facts)
                else:
                    why = "no interposer between LibreLog and LibreTime (--interposer; docs/live.md: The interposer)"
                    facts.notes += [f"journal: {why}", f"faults: {why}"]
    except httpx.InvalidURL as exc:
        raise ConfigError(f"a service URL is not usable: {exc}") from None
    except httpx.HTTPError as exc:
        raise ConfigError(f"the preflight could not finish: {type(exc).__name__}: {exc}") from None
    if api_face_url:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{api_face_url.rstrip('/')}/api/v2/version", timeout=TIMEOUT_S).status_code == 200:
                facts.capabilities.add(Capability.API_FACE)
    if Capability.API_FACE not in facts.capabilities:
        facts.notes.append("api_face: no LIBRETIME_API_FACE_URL answering (LibreTime's API port without nginx)")
    _ui(config, facts)
    if target == "compose":
        facts.capabilities.add(Capability.CONTAINERS)
    else:
        facts.notes.append("containers: container checks run on the compose target only")
    return facts
