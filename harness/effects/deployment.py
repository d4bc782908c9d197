"""How LibreLog is wired to LibreTime: the URL it uses for where it runs, and its file proxy."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from ..running.expect import ExpectationFailed
from ..running.recorder import Recorder
from ..targets import Target
from .common import read_json


def _loopback(url: str) -> bool:
    host = httpx.URL(url).host
    return host == "localhost" or host.startswith(("127.", "::1")) or host in ("0.0.0.0", "")  # noqa: S104


async def librelog_placement(target: Target, rec: Recorder) -> None:
    """LibreLog's LibreTime URL suits where LibreLog runs: a loopback URL is right only for a LibreLog
    on the harness's own machine outside containers; in a container it names the container itself."""
    config = await read_json(target.librelog, "/sync/libretime/config")
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
