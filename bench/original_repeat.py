"""CI's step for the original LibreLog, run again and again: does its manifest hold every time?
Not a test: run it by hand, with the original's cached export (``original-librelog up --git-dir``
once) and nothing else using its ports.

    .venv/bin/python bench/original_repeat.py [RUNS]    # default 20

Each run is ``scripts/original-ci.sh`` from the start: a stub on a fresh port, the original
restarted on it, the pack held to its manifest, then the URL-cleanup scenario on the fixed port
(its real-LibreTime phase left out with ``ORIGINAL_CI_REAL=0``: the flake measured is the stub's).
A run whose exit code is not 0 is printed with the end of its output. Exit 0 only when every run
passed.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time

from common import ROOT

BASH = shutil.which("bash") or "/bin/bash"


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    passed, times = 0, []
    for index in range(1, runs + 1):
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own script
            [BASH, "scripts/original-ci.sh"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "ORIGINAL_CI_REAL": "0"},
        )
        times.append(time.perf_counter() - started)
        ports = [line for line in done.stdout.splitlines() if "against the LibreTime at" in line]
        port = ports[0].rsplit(":", 1)[-1] if ports else "?"
        ok = done.returncode == 0 and "Expected outcomes hold: 1 scenario(s)" in done.stdout
        passed += ok
        print(f"run {index:2d}: {'passed' if ok else 'FAILED'} in {times[-1]:5.1f} s (stub port {port})", flush=True)
        if not ok:
            print(done.stdout[-2500:] + done.stderr[-1000:], file=sys.stderr)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{passed} of {runs} runs passed; {sum(times) / len(times):.1f} s a run")
    return 0 if passed == runs else 1


if __name__ == "__main__":
    sys.exit(main())
