"""How much of LibreLog can the suite tell apart from a subtly broken LibreLog? Mutation testing.

mutmut (installed by this script into .venv-mutmut, benchmark only) changes LibreLog's code one
small edit at a time (an operator, a constant, a condition, a returned value) and runs the
scenario suite and LibreLog's tests against each mutant (configuration: ``[tool.mutmut]`` in
pyproject.toml). A mutant the tests fail on is killed; one they pass with survived. Mutants
triaged as equivalent (no observable difference; listed with the reason in
``bench/mutation-triage.json``) leave the score's denominator. Not a test: run it by hand.

    .venv/bin/python bench/mutation_bench.py [--max-children 2] [--survivors]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict

from common import ROOT, machine

VENV = ROOT / ".venv-mutmut"
MUTMUT = VENV / "bin" / "mutmut"
TRIAGE = ROOT / "bench" / "mutation-triage.json"
TARGET = 0.90
_LINE = re.compile(r"^\s*(?P<name>[\w.ǁ]+__mutmut_\d+): (?P<status>[\w ]+)$")


def ensure_mutmut() -> None:
    if MUTMUT.exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)  # noqa: S603
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-e", f"{ROOT}[test]", "mutmut==3.8.1"], check=True)  # noqa: S603


def module_of(mutant: str) -> str:
    """``stubs.librelog.services.sync.x_sync_tracks__mutmut_3`` → ``stubs/librelog/services/sync.py``."""
    dotted = re.split(r"\.x[_ǁ]", mutant, maxsplit=1)[0]
    return dotted.replace(".", "/") + ".py"


def results() -> dict[str, str]:
    done = subprocess.run(  # noqa: S603 - the benchmark's own tool
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return {m["name"]: m["status"].strip() for line in done.stdout.splitlines() if (m := _LINE.match(line))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--survivors", action="store_true", help="list every untriaged survivor")
    args = parser.parse_args()
    ensure_mutmut()
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - the benchmark's own tool
        [str(MUTMUT), "run", "--max-children", str(args.max_children)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.monotonic() - started
    found = results()
    triage = json.loads(TRIAGE.read_text()) if TRIAGE.exists() else {}
    equivalent = {name for name in triage if found.get(name) in ("survived", "no tests")}
    counts = Counter(status for name, status in found.items() if name not in equivalent)
    killed = counts["killed"] + counts["timeout"]
    considered = killed + counts["survived"] + counts["no tests"] + counts["suspicious"]
    score = killed / considered if considered else 0.0
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        by_module[module_of(name)]["equivalent" if name in equivalent else status] += 1
    print(f"Mutation testing of stubs/librelog on {machine()}, {time.strftime('%Y-%m-%d')} ({elapsed / 60:.0f} min):")
    print("| mutants | killed | survived | no tests | equivalent (triaged) | score | target |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(found)} | {killed} | {counts['survived']} | {counts['no tests']} | {len(equivalent)} |"
        f" {score:.1%} | >= {TARGET:.0%} |"
    )
    print("\n| module | killed | survived | no tests | equivalent |")
    print("|---|---|---|---|---|")
    for module, c in sorted(by_module.items(), key=lambda kv: -kv[1]["survived"]):
        print(f"| `{module}` | {c['killed'] + c['timeout']} | {c['survived']} | {c['no tests']} | {c['equivalent']} |")
    if args.survivors:
        for name, status in sorted(found.items()):
            if status in ("survived", "no tests") and name not in equivalent:
                print(f"{status}: {name}")


if __name__ == "__main__":
    main()
