"""``librelog-verify drift`` against the real LibreTime (``../shared/tools/real-libretime``): no
difference on the routes the contract covers, in the probes or the seeded fuzz phase, and the
station as it was everywhere, but for the hidden test files LibreTime never deletes.

Runs when ``REAL_LIBRETIME_URL`` and ``REAL_LIBRETIME_API_KEY`` are set (``scripts/live-ci.sh``
sets them, and ``REAL_LIBRETIME_BASIC`` for the HTTP Basic probes); skipped otherwise. The nginx
face (the legacy ``/rest/media`` API and nginx's downloads) is compared too when
``REAL_LIBRETIME_NGINX_URL`` names the same LibreTime's nginx front (``up --full``).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest

from harness.cli import main
from harness.drift.capture import DAY
from harness.live.fingerprint import differences, take

URL, KEY = os.environ.get("REAL_LIBRETIME_URL"), os.environ.get("REAL_LIBRETIME_API_KEY")
BASIC = os.environ.get("REAL_LIBRETIME_BASIC")
NGINX = os.environ.get("REAL_LIBRETIME_NGINX_URL")
pytestmark = pytest.mark.skipif(
    not (URL and KEY), reason="no real LibreTime: REAL_LIBRETIME_URL and REAL_LIBRETIME_API_KEY are not set"
)


def test_no_drift_on_the_contract_and_the_station_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert URL and KEY
    window = (
        datetime.combine(DAY - timedelta(days=2), time(0), UTC),
        datetime.combine(DAY + timedelta(days=2), time(0), UTC),
    )
    with httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as http:
        before = take(http, window)
    out = tmp_path / "drift.json"
    args = ["drift", "--libretime", URL, "--api-key", KEY, "--output", str(out), "--fuzz-examples", "15"]
    args += ["--basic", BASIC] if BASIC else []
    args += ["--nginx", NGINX] if NGINX else []
    code = main(args)
    printed = capsys.readouterr().out
    assert code == 0, printed
    doc = json.loads(out.read_text())
    assert (doc["summary"]["differences"], doc["summary"]["failed"]) == (0, 0)
    assert doc["summary"]["by_face"]["api"] >= 100 and doc["summary"]["outside_contract"]["probes"] > 0
    if NGINX:
        assert doc["summary"]["by_face"]["nginx"] >= 40
        assert doc["summary"]["not_compared"] == 0
    assert doc["fuzz"]["differences"] == []
    with httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as http:
        assert differences(before, take(http, window)) == []
    assert KEY not in printed + out.read_text()


@pytest.mark.skipif(not NGINX, reason="no nginx front of the real LibreTime: REAL_LIBRETIME_NGINX_URL is not set")
def test_the_nginx_face_deletes_what_its_probes_made(tmp_path: Path) -> None:
    """The legacy app deletes every file row the nginx face's probes made (uploads, the failed rows
    refused uploads leave, v2 rows): the station's files are the same rows before and after."""
    assert URL and KEY and NGINX
    with httpx.Client(base_url=URL, headers={"Authorization": f"Api-Key {KEY}"}, timeout=60) as http:
        before = {f["id"] for f in http.get("/api/v2/files").json()}
        out = tmp_path / "drift.json"
        code = main(
            ["drift", "--libretime", URL, "--nginx", NGINX, "--api-key", KEY, "-k", "media-", "--output", str(out)]
        )
        after = {f["id"] for f in http.get("/api/v2/files").json()}
    doc = json.loads(out.read_text())
    assert code == 0 and doc["summary"]["by_face"]["nginx"] >= 40
    assert after == before
