"""The seed's three UI-check items against the complete real LibreTime: how long the UI steps take
(logging in, opening each view, reading it, the screenshots) and the whole items. Not a test: run
it by hand.

    ../shared/tools/real-libretime up --full     # the web UI behind nginx, login admin/admin
    eval "$(../shared/tools/real-libretime env)"
    .venv/bin/python bench/ui_bench.py

The items are publish-day-v2, hour-only-12-v2 and voice-push-v2, run as a user runs them
(``run --target live --start-librelog v2``); the UI steps' times are read from the run's Allure
results. Target: the UI steps of the three items under 30 s together.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

TARGET_S = 30.0
ITEMS = "publish-day-v2 or hour-only-12-v2 or voice-push-v2"


def main() -> int:
    if not os.environ.get("LIBRETIME_UI_USER"):
        print(
            'needs the complete real LibreTime\'s env (eval "$(../shared/tools/real-libretime env)")', file=sys.stderr
        )
        return 2
    api_face = f"http://127.0.0.1:{os.environ.get('LT_API_PORT', '9001')}"
    env = {**os.environ, "LIBRELOG_URL": "", "LIBRELOG_API_TOKEN": "", "LIBRETIME_API_FACE_URL": api_face}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        started = time.perf_counter()
        run = subprocess.run(  # noqa: S603 - our own command
            [
                str(ROOT / ".venv/bin/librelog-verify"),
                "run",
                "--target",
                "live",
                "--start-librelog",
                "v2",
                "-k",
                ITEMS,
                "--out",
                str(out),
                "--no-report",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        if run.returncode != 0:
            print(run.stderr[-3000:], file=sys.stderr)
            return 1
        ui_steps: list[tuple[str, str, float]] = []
        items: list[tuple[str, float]] = []
        for path in sorted((out / "allure-results").glob("*-result.json")):
            result = json.loads(path.read_text())
            items.append((result["name"], (result["stop"] - result["start"]) / 1000))
            for step in result.get("steps", []):
                if any(a["name"] == "LibreTime UI evidence" for a in step.get("attachments", [])):
                    ui_steps.append((result["name"][:40], step["name"], (step["stop"] - step["start"]) / 1000))
    total_ui = sum(seconds for _, _, seconds in ui_steps)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for scenario, step, seconds in ui_steps:
        print(f"  {seconds:6.2f} s  {scenario}: {step}")
    print(f"UI steps: {len(ui_steps)} in {total_ui:.1f} s (target under {TARGET_S:.0f} s)")
    print(f"the three items: {sum(s for _, s in items):.1f} s; the whole run, preflight included: {wall:.1f} s")
    return 0 if total_ui < TARGET_S and len(ui_steps) == 5 else 1


if __name__ == "__main__":
    sys.exit(main())
