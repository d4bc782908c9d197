"""How much of LibreLog can the suite tell apart from a subtly broken LibreLog? Mutation testing.

mutmut (installed by this script into .venv-mutmut, benchmark only) changes LibreLog's code one
small edit at a time (an operator, a constant, a condition, a returned value) and runs the
scenario suite and LibreLog's tests against each mutant (configuration: ``[tool.mutmut]`` in
pyproject.toml). A mutant the tests fail on is killed; one they pass with survived. Survivors
that change nothing observable leave the score's denominator: those recognised by rule (letter
case of SQL, HTTP methods, header and row keys) and those listed in ``bench/mutation-triage.json``
(mutant → why, and the edit that was judged, so a renumbered mutant is judged again). Not a
test: run it by hand.

    .venv/bin/python bench/mutation_bench.py [--max-children 2] [--retry-survivors] [--survivors]
    .venv/bin/python bench/mutation_bench.py --report-only --survivors   # score the last run

mutmut keeps each mutant's verdict until its function changes; ``--retry-survivors`` runs the
survivors again after new checks were added. mutmut's progress goes to ``mutants/run.log``.
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


# SQL as this code writes it: a statement or a piece of one holds an upper-case keyword and, its
# quoted literals aside, nothing but identifiers, placeholders and punctuation; a column list
# carried over lines opens with "(" or ends with "," or ")"; a condition reads "column = ?". Prose
# (error texts, which a client sees) has lower-case words and no keyword, so it never passes.
_SQL_KEYWORD = re.compile(
    r"\b(SELECT|INSERT|INTO|UPDATE|DELETE|WITH|CREATE|FROM|WHERE|ORDER|GROUP|BY|VALUES|SET|AND|OR|NOT|JOIN|LEFT"
    r"|ON|LIMIT|OFFSET|CONFLICT|RETURNING|AS|LIKE|ESCAPE|IN|IS|NULL|COALESCE|COUNT|DISTINCT|ASC|DESC|DO|NOTHING)\b"
)
_SQL_TOKENS = re.compile(r"^[\w\s.,()=?*<>!|%+-]*$")
_COLUMN_LIST = re.compile(r"^\s*(\(\s*[\w.]+(\s*,\s*[\w.]+)+\s*,?\s*\)?|[\w.]+(\s*,\s*[\w.]+)+\s*[,)])\s*$")
_CONDITION = re.compile(r"^\s*[\w.]+\s*(=|<=|>=|<|>|!=)\s*\?\s*$")
# A quoted SQL literal is a value, and 'recorded' is not 'RECORDED'.
_SQL_LITERAL = re.compile(r"'[^']*'")
# Only where a variable is always an sqlite3.Row (whose keys ignore letter case): the services'
# own database reads. LibreTime's JSON rows (flavors.py) and row_dict()'s dicts do not.
_ROW_MODULES = frozenset(
    {"stubs/librelog/services/logs.py", "stubs/librelog/services/sync.py", "stubs/librelog/services/voice.py"}
)
_ROW = re.compile(r"\b(row|r|track|source|existing)\[[\"']\w+[\"']\]")
# HTTP header names this code sends or reads (HTTP ignores their letter case).
_HEADERS = frozenset({"authorization", "accept", "content-type", "cookie", "retry-after", "x-accel-redirect"})
# A method handed to httpx or to LibreTimeClient.request: both upper-case it (the client before it
# names the method in an error text), on the call's own line or the line that opened the call.
_METHOD = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD)$", re.IGNORECASE)
_CALL = re.compile(r"(\b_http\.\w+|\.request)\(\s*$|(\b_http\.\w+|\.request)\(\s*['\"]")
_STRING = re.compile(r"(['\"])(.*?)\1")


def _case_only(before: str, after: str) -> bool:
    return before != after and before.lower() == after.lower()


def _is_sql(text: str) -> bool:
    bare = _SQL_LITERAL.sub("", text)
    return bool(
        (_SQL_KEYWORD.search(bare) and _SQL_TOKENS.match(bare) and len(bare.split()) > 1)
        or _COLUMN_LIST.match(text)
        or _CONDITION.match(text)
    )


def _method_call(diff: str, line: str) -> bool:
    """The edited line passes a method to a call that upper-cases it (or continues one that opened
    on the line before)."""
    if _CALL.search(line):
        return True
    lines = diff.splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith("-") and not text.startswith("---"))
    return at > 0 and bool(_CALL.search(lines[at - 1][1:]))


def equivalent_by_rule(diff: str, module: str = "") -> str | None:
    """Mutants that change nothing observable, recognised from the diff alone: the letter case of
    SQL (SQLite keywords and identifiers ignore it; its quoted literals do not), of sqlite3.Row keys
    in the services' database reads, of a method handed to httpx or LibreTimeClient.request, or of
    a header name."""
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    if len(removed) != 1 or len(added) != 1 or not _case_only(removed[0], added[0]):
        return None
    old_strings = [m.group(2) for m in _STRING.finditer(removed[0])]
    new_strings = [m.group(2) for m in _STRING.finditer(added[0])]
    changed = [(a, b) for a, b in zip(old_strings, new_strings, strict=False) if a != b]
    if len(changed) != 1:
        return None
    old, new = changed[0]
    if _is_sql(old) and _SQL_LITERAL.findall(old) == _SQL_LITERAL.findall(new):
        return "SQL letter case (SQLite ignores it)"
    if _METHOD.match(old) and _method_call(diff, removed[0]):
        return "HTTP method letter case (httpx and LibreTimeClient.request upper-case it)"
    if module in _ROW_MODULES and _ROW.search(removed[0]):
        return "case-insensitive key (sqlite3.Row column)"
    if ".headers" in removed[0] or old.lower() in _HEADERS:
        return "case-insensitive key (HTTP header name)"
    return None


def show(mutant: str) -> str:
    done = subprocess.run(  # noqa: S603 - the benchmark's own tool
        [str(MUTMUT), "show", mutant], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout


def results() -> dict[str, str]:
    done = subprocess.run(  # noqa: S603 - the benchmark's own tool
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return {m["name"]: m["status"].strip() for line in done.stdout.splitlines() if (m := _LINE.match(line))}


def retry_survivors() -> int:
    """Forget the verdict of every untriaged mutant that survived (exit code 0) or had no test
    (33), so the next run tries it against today's tests; mutmut keeps verdicts per function.
    Mutants recorded as equivalent keep theirs: no new test can kill them."""
    found = results()
    equivalent = equivalents(found)
    untriaged = {n for n, s in found.items() if s in ("survived", "no tests") and n not in equivalent}
    forgotten = 0
    for meta in (ROOT / "mutants").rglob("*.meta"):
        data = json.loads(meta.read_text())
        codes = data["exit_code_by_key"]
        for name, code in codes.items():
            if code in (0, 33) and name in untriaged:
                codes[name] = None
                forgotten += 1
        meta.write_text(json.dumps(data, indent=4))
    return forgotten


def change_of(diff: str) -> str:
    """A mutant's edit as its removed and added lines: what a triage entry was judged on."""
    lines = [line for line in diff.splitlines() if line[:1] in "-+" and line[:3] not in ("---", "+++")]
    return "\n".join(line.rstrip() for line in lines)


def equivalents(found: dict[str, str]) -> dict[str, str]:
    """Surviving mutants that change nothing observable, with why: recognised by rule, or listed in
    the triage file. A listed entry counts only while the mutant is still the edit it was judged
    on (mutmut renumbers a function's mutants when the function changes)."""
    triage: dict[str, dict[str, str]] = json.loads(TRIAGE.read_text()) if TRIAGE.exists() else {}
    out: dict[str, str] = {}
    for name, status in found.items():
        if status not in ("survived", "no tests"):
            continue
        diff = show(name)
        if (why := equivalent_by_rule(diff, module_of(name))) is not None:
            out[name] = why
        elif name in triage and triage[name]["change"] == change_of(diff):
            out[name] = triage[name]["why"]
    return out


def run_mutmut(max_children: int) -> float:
    started = time.monotonic()
    log = ROOT / "mutants" / "run.log"
    log.parent.mkdir(exist_ok=True)  # a cold run starts without mutmut's folder
    with log.open("w") as progress:
        proc = subprocess.Popen(  # noqa: S603 - the benchmark's own tool
            [str(MUTMUT), "run", "--max-children", str(max_children)],
            cwd=ROOT,
            stdout=progress,
            stderr=subprocess.STDOUT,
        )
        finished_at = None
        while proc.poll() is None:
            time.sleep(5)
            # mutmut 3.8.1 sometimes never exits after its last mutant (its threads wait on each
            # other); its closing rate line means every verdict is saved, so stop it then.
            if finished_at is None and "mutations/second" in log.read_text(errors="replace")[-300:]:
                finished_at = time.monotonic()
            if finished_at is not None and time.monotonic() - finished_at > 30:
                proc.terminate()
                proc.wait()
                return time.monotonic() - started
    if proc.returncode != 0:
        # A failing clean run means no verdict at all: never print a score for it.
        sys.exit(f"mutmut run failed (exit {proc.returncode}); see {log.relative_to(ROOT)}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--survivors", action="store_true", help="list every untriaged survivor")
    parser.add_argument("--retry-survivors", action="store_true", help="run earlier survivors again")
    parser.add_argument("--report-only", action="store_true", help="score the last run without running")
    args = parser.parse_args()
    ensure_mutmut()
    if args.retry_survivors:
        print(f"{retry_survivors()} earlier survivors will run again", flush=True)
    elapsed = 0.0 if args.report_only else run_mutmut(args.max_children)
    every = results()
    if not every:
        sys.exit("mutmut has no results yet: run without --report-only first")
    found = {name: status for name, status in every.items() if status != "not checked"}
    equivalent = equivalents(found)
    reasons = Counter(equivalent.values())
    counts = Counter(status for name, status in found.items() if name not in equivalent)
    killed = counts["killed"] + counts["timeout"]
    considered = killed + counts["survived"] + counts["no tests"] + counts["suspicious"]
    score = killed / considered if considered else 0.0
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        by_module[module_of(name)]["equivalent" if name in equivalent else status] += 1
    took = f" ({elapsed / 60:.0f} min)" if elapsed else ""
    print(f"Mutation testing of stubs/librelog on {machine()}, {time.strftime('%Y-%m-%d')}{took}:")
    if len(found) < len(every):
        # An interrupted run: say so, and score only what was judged.
        print(f"PARTIAL: {len(found)} of {len(every)} mutants judged, {len(every) - len(found)} not run yet.")
    print("| mutants | killed | survived | no tests | equivalent (triaged) | score | target |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(found)} | {killed} | {counts['survived']} | {counts['no tests']} | {len(equivalent)} |"
        f" {score:.1%} | >= {TARGET:.0%} |"
    )
    print("\n| module | killed | survived | no tests | equivalent |")
    print("|---|---|---|---|---|")
    for module, c in sorted(by_module.items(), key=lambda kv: (-kv[1]["survived"], kv[0])):
        print(f"| `{module}` | {c['killed'] + c['timeout']} | {c['survived']} | {c['no tests']} | {c['equivalent']} |")
    print("\n| equivalent because | mutants |")
    print("|---|---|")
    for why, n in reasons.most_common():
        print(f"| {why} | {n} |")
    if args.survivors:
        for name, status in sorted(found.items()):
            if status in ("survived", "no tests") and name not in equivalent:
                print(f"\n{status}: {name}\n{change_of(show(name))}")


if __name__ == "__main__":
    main()
