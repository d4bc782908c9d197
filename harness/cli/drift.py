"""``librelog-verify drift``: the embedded LibreTime stub against a real LibreTime, probe by probe.

Exit codes: 0 no difference, 1 drift found (or a probe could not run on one side), 2 the
LibreTime given could not be used (unreachable, key refused, bad arguments).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:
    # The probes, their capture and HTTP stack load when drift runs, not with the command line
    # every other command starts from.
    from ..drift.capture import Outcome, Server
    from ..drift.compare import Difference
    from ..drift.probe import Probe

OK, DRIFT, UNUSABLE = 0, 1, 2


async def _preflight(server: Server) -> None:
    import httpx

    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
            version = await http.get("/api/v2/version")
            keyed = await http.get("/api/v2/stream/state", headers={"Authorization": f"Api-Key {server.api_key}"})
    except httpx.HTTPError as exc:
        raise ConfigError(f"LibreTime at {server.base_url} did not answer: {exc}") from None
    if version.status_code != 200 or "api_version" not in version.text:
        raise ConfigError(
            f"{server.base_url} does not answer like LibreTime (GET /api/v2/version: {version.status_code})"
        )
    if keyed.status_code != 200:
        raise ConfigError(f"LibreTime refused the API key ({keyed.status_code}): {keyed.text[:120]}")


Faces = dict[str, tuple["Server", "Server"]]  # face → (the stub's, the real LibreTime's)


async def run(probes: list[Probe], faces: Faces) -> list[Outcome]:
    from ..drift.capture import Outcome, ProbeFailed, assets_for, observe

    mark = secrets.token_hex(4)
    outcomes = []
    for probe in probes:
        outcome = Outcome(probe)
        pair = faces.get(probe.face)
        if pair is None:
            outcome.skipped = f"no {probe.face} face of LibreTime was given (--nginx URL)"
            outcomes.append(outcome)
            continue
        assets = assets_for(probe)
        try:
            for server in pair:
                outcome.observed[server.name] = await observe(server, probe, mark, assets)
        except ProbeFailed as exc:
            outcome.failed = str(exc)
        outcomes.append(outcome)
    return outcomes


def _all_differences(outcomes: list[Outcome], contract: bool = True) -> list[Difference]:
    from ..drift.compare import differences

    out = []
    for o in outcomes:
        if o.failed is None and o.skipped is None and o.probe.contract is contract:
            out += differences(o.probe, o.observed["stub"], o.observed["libretime"])
    return out


def _short(value: Any, width: int = 48) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def table(outcomes: list[Outcome], found: list[Difference], outside: list[Difference]) -> str:
    lines = []
    if outside:
        lines.append(
            f"Outside the contract (listed, not drift): {len(outside)} difference(s) on routes it does not cover"
        )
    if found:
        lines.append(f"{'probe':34} {'aspect':14} {'path':24} {'stub':48} libretime")
        for d in found:
            lines.append(
                f"{d.probe[:34]:34} {d.aspect[:14]:14} {d.path[:24]:24} {_short(d.stub):48} {_short(d.libretime)}"
            )
    for o in outcomes:
        if o.failed:
            lines.append(f"COULD NOT RUN {o.probe.id}: {o.failed}")
    drifted = sorted({d.probe for d in found})
    failed = sum(1 for o in outcomes if o.failed)
    verdict = "DRIFT" if drifted or failed else "NO DRIFT"
    ran = [o for o in outcomes if o.probe.contract and o.skipped is None]
    faces = ", ".join(f"{sum(1 for o in ran if o.probe.face == face)} of the {face} face" for face in ("api", "nginx"))
    skipped = sorted({o.skipped for o in outcomes if o.skipped})
    lines.append(
        f"{verdict}: {len(found)} difference(s) in {len(drifted)} of {len(ran)} probe(s) of the contract"
        f" ({faces})" + (f", {failed} probe(s) could not run" if failed else "")
    )
    lines += [f"NOT COMPARED: {sum(1 for o in outcomes if o.skipped == why)} probe(s): {why}" for why in skipped]
    stranded = _stranded(outcomes)
    if stranded:
        lines.append(
            f"LEFT IN LIBRETIME'S STORAGE: {len(stranded)} file(s) of failed imports, which no API removes"
            f" (their rows are deleted): {', '.join(stranded)}"
        )
    return "\n".join(lines) + "\n"


def _stranded(outcomes: list[Outcome]) -> list[str]:
    """The real LibreTime's leftovers (the stub's are its own memory)."""
    return [path for o in outcomes for path in (o.observed["libretime"].stranded if "libretime" in o.observed else [])]


def document(
    outcomes: list[Outcome], found: list[Difference], outside: list[Difference], real: Server
) -> dict[str, Any]:
    every = found + outside
    return {
        "libretime": real.base_url,
        "probes": [
            {
                "id": o.probe.id,
                "covers": o.probe.covers,
                "contract": o.probe.contract,
                "face": o.probe.face,
                "failed": o.failed,
                "skipped": o.skipped,
                "differences": [d.as_json() for d in every if d.probe == o.probe.id],
                # What each side answered, as compared (normalised): the evidence behind "no difference".
                "observed": {name: seen.compared(o.probe.compare) for name, seen in o.observed.items()},
            }
            for o in outcomes
        ],
        "summary": {
            "probes": sum(1 for o in outcomes if o.probe.contract and o.skipped is None),
            "by_face": {
                face: sum(1 for o in outcomes if o.probe.contract and o.skipped is None and o.probe.face == face)
                for face in ("api", "nginx")
            },
            "not_compared": sum(1 for o in outcomes if o.skipped),
            "drifted": len({d.probe for d in found}),
            "differences": len(found),
            "failed": sum(1 for o in outcomes if o.failed),
            "stranded_in_libretime_storage": _stranded(outcomes),
            "outside_contract": {
                "probes": sum(1 for o in outcomes if not o.probe.contract),
                "differences": len(outside),
            },
        },
    }


README_BEGIN = "<!-- drift:outside-contract:begin -->"
README_END = "<!-- drift:outside-contract:end -->"


def readme_block(outcomes: list[Outcome], outside: list[Difference]) -> str:
    """The routes outside the contract where the stub and LibreTime differ, as a Markdown table."""
    rows = []
    for o in outcomes:
        if o.probe.contract or o.failed or o.skipped:
            continue
        mine = [d for d in outside if d.probe == o.probe.id]
        if not mine:
            continue
        stub = ", ".join(f"{d.aspect} {_short(d.stub, 30)}" for d in mine)
        real = ", ".join(f"{d.aspect} {_short(d.libretime, 30)}" for d in mine)
        rows.append(f"| `{o.probe.request['path']}` | {stub} | {real} |")
    lines = [
        README_BEGIN,
        "| route (GET) | stub | LibreTime |",
        "|---|---|---|",
        *rows,
        README_END,
    ]
    return "\n".join(lines)


def rewrite_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    if README_BEGIN not in text or README_END not in text:
        raise ConfigError(f"{path} has no {README_BEGIN} ... {README_END} block to replace")
    head, rest = text.split(README_BEGIN, 1)
    tail = rest.split(README_END, 1)[1]
    path.write_text(head + block + tail, encoding="utf-8")


async def _main(args: argparse.Namespace) -> tuple[list[Outcome], Server, list[Any]]:
    from stubs.libretime import StubConfig, run_stub

    from ..drift.capture import Server
    from ..drift.probe import load, out_of_contract

    basic = None
    if args.basic:
        user, sep, password = args.basic.partition(":")
        if not sep or not user:
            raise ConfigError("--basic must be USER:PASS")
        basic = (user, password)
    key = args.api_key or os.environ.get("LIBRETIME_API_KEY")
    if not key:
        raise ConfigError("drift needs --api-key or LIBRETIME_API_KEY")
    real = Server("libretime", args.libretime.rstrip("/"), key, basic)
    await _preflight(real)
    front = Server("libretime", args.nginx.rstrip("/"), key, basic) if args.nginx else None
    if front is not None:
        await _preflight(front)
    probes = load(Path(args.probes) if args.probes else None)
    if not args.contract_only:
        probes += out_of_contract()
    if args.k:
        probes = [p for p in probes if args.k in p.id]
        if not probes:
            raise ConfigError(f"-k {args.k!r} selects no probe")
    users = {basic[0]: basic[1]} if basic else {}
    async with (
        run_stub(StubConfig(api_key=key, face="api", users=users)) as running,
        run_stub(StubConfig(api_key=key, face="nginx", users=users)) as nginx,
    ):
        stub = Server("stub", running.base_url, key, basic)
        faces: Faces = {"api": (stub, real)}
        if front is not None:
            faces["nginx"] = (Server("stub", nginx.base_url, key, basic), front)
        outcomes = await run(probes, faces)
        fuzzed: list[Any] = []
        if args.fuzz_examples:
            from ..drift import fuzz

            # Schemathesis drives its requests synchronously: in a thread, while the stub serves here.
            fuzzed = await asyncio.to_thread(fuzz.run, stub, real, args.fuzz_examples, args.seed, lambda _m: None)
        return outcomes, real, fuzzed


def main(args: argparse.Namespace) -> int:
    if args.fuzz_examples < 0:
        raise ConfigError(f"--fuzz-examples must be 0 or more, not {args.fuzz_examples}")
    if args.fuzz_examples and importlib.util.find_spec("schemathesis") is None:
        raise ConfigError("--fuzz-examples needs Schemathesis: pip install 'librelog-verify[test]' or schemathesis")
    if args.readme and not Path(args.readme).is_file():
        raise ConfigError(f"{args.readme}: no such file")
    outcomes, real, fuzzed = asyncio.run(_main(args))
    found = _all_differences(outcomes)
    outside = _all_differences(outcomes, contract=False)
    doc = document(outcomes, found, outside, real)
    if args.fuzz_examples:
        doc["fuzz"] = {
            "seed": args.seed,
            "examples_per_operation": args.fuzz_examples,
            "differences": [f.as_json() for f in fuzzed],
        }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.format == "json":
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(table(outcomes, found, outside), end="")
        if args.fuzz_examples:
            for f in fuzzed:
                print(f"FUZZ {f.method} {f.path}: stub {f.stub}, libretime {f.libretime}")
            print(f"fuzz (seed {args.seed}): {len(fuzzed)} status-class difference(s)")
        print(f"JSON: {out}", file=sys.stderr)
    if args.readme:
        rewrite_readme(Path(args.readme), readme_block(outcomes, outside))
        print(f"{args.readme}: the routes outside the contract rewritten", file=sys.stderr)
    return DRIFT if found or fuzzed or any(o.failed for o in outcomes) else OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser(
        "drift",
        help="compare the embedded LibreTime stub with a real LibreTime, probe by probe",
        description="Runs the built-in probes (LIBRETIME.md sections 1-2) against the embedded stub and the given"
        " LibreTime, each in rows it creates on a far-future day and removes afterwards.",
    )
    d.add_argument("--libretime", required=True, metavar="URL", help="the real LibreTime's API port (its API face)")
    d.add_argument(
        "--nginx",
        metavar="URL",
        help="the same LibreTime's nginx front (legacy /rest/media, served downloads): compares that face too",
    )
    d.add_argument("--api-key", help="its API key (default: LIBRETIME_API_KEY, which keeps it out of the process list)")
    d.add_argument("--basic", metavar="USER:PASS", help="a LibreTime user, for the HTTP Basic probes")
    d.add_argument("--format", choices=("table", "json"), default="table")
    d.add_argument("--output", default="reports/out/drift.json", metavar="FILE", help="the JSON result")
    d.add_argument("--probes", metavar="FILE", help="a probe file instead of the built-in set")
    d.add_argument("-k", metavar="TEXT", help="only probes whose id contains TEXT")
    d.add_argument("--contract-only", action="store_true", help="skip the routes outside the contract")
    d.add_argument(
        "--fuzz-examples",
        type=int,
        default=0,
        metavar="N",
        help="also send N Schemathesis-generated requests per safe operation to both (creates included:"
        " use a test LibreTime)",
    )
    d.add_argument("--seed", type=int, default=30719, help="the fuzz phase's Hypothesis seed (default 30719)")
    d.add_argument("--readme", metavar="FILE", help="rewrite the outside-the-contract table in this file")
    d.set_defaults(func=main)
