"""Headless Chromium for the report tests: a screenshot, the rendered DOM, and the page's own requests."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.ui.browser import FLAGS as BROWSER_FLAGS

FLAGS = [
    "--headless",
    *BROWSER_FLAGS,  # the harness's own: no background traffic to a closed network
    "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing outside could answer anyway
]


@dataclass
class Rendered:
    png: bytes
    dom: str
    outside_requests: list[str]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    return found


def render(page: Path, *, width: int = 1280, height: int = 900) -> Rendered:
    binary = chromium()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        url = page.resolve().as_uri()
        common = [binary, *FLAGS, f"--window-size={width},{height}", "--virtual-time-budget=8000"]
        shot = tmp / "shot.png"
        subprocess.run(
            [*common, f"--user-data-dir={tmp / 'a'}", f"--screenshot={shot}", url],
            capture_output=True,
            timeout=120,
            check=False,
        )
        net = tmp / "net.json"
        dom = subprocess.run(
            [*common, f"--user-data-dir={tmp / 'b'}", f"--log-net-log={net}", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        ).stdout
        outside = []
        if net.exists():
            for event in json.loads(net.read_text() or '{"events": []}').get("events", []):
                params = event.get("params", {})
                # Requests the page made carry a real initiator; Chromium's own say "not an origin".
                if str(params.get("url", "")).startswith("http") and params.get("initiator") not in (
                    None,
                    "not an origin",
                ):
                    outside.append(params["url"])
        return Rendered(shot.read_bytes() if shot.exists() else b"", dom, sorted(set(outside)))


def looks_blank(png: bytes) -> bool:
    """True when a screenshot is (nearly) one colour: a page that rendered nothing."""
    if not png.startswith(b"\x89PNG"):
        return True
    data, pos = b"", 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(data)
    sample = pixels[:: max(1, len(pixels) // 200_000)]
    common = max(sample.count(b) for b in set(sample))
    return len(set(sample)) < 8 or common / len(sample) > 0.995
