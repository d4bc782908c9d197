"""The ``command`` step: a local program for fixtures a system's API cannot create (a row
inserted with ``psql``, a file put where the service reads it). It runs only where the target
declares that it may run commands (``--allow-commands``): a scenario that needs it is skipped,
naming the capability, everywhere else."""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING, Any

from ..errors import HarnessError
from ..live.capabilities import Capability
from ..running.recorder import Recorder
from .registry import StepContext, StepKind

if TYPE_CHECKING:
    from ..targets.base import Target

_USERINFO = re.compile(r"(://[^:/@\s]+):[^@/\s]+@")


def shown(text: str) -> str:
    """An argument as the report shows it: a password inside a URL (a DSN) is masked."""
    return _USERINFO.sub(r"\1:•••@", text)


async def run_command(
    target: Target,
    rec: Recorder,
    argv: list[str],
    stdin: str | None = None,
    limit_s: float = 30.0,
    want: int = 0,
    stdin_shown: str | None = None,
) -> str:
    """Run a program for a step: refused unless the target allows commands; its command line and
    output recorded (masked; ``stdin_shown`` names a long script instead of repeating it); its
    standard output returned; an exit other than ``want`` raised with the tail of its stderr."""
    if not target.may_run_commands:
        raise HarnessError("the target does not allow commands: run with --allow-commands to let scenarios run them")
    masker = target.masker
    stdin_shown = stdin if stdin_shown is None else stdin_shown
    rec.text(
        "command",
        masker.text(" ".join(shown(a) for a in argv)) + (f"\n\nstdin:\n{stdin_shown}" if stdin_shown else ""),
    )
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise HarnessError(f"command {shown(argv[0])} could not start: {exc.strerror or exc}") from None
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin.encode() if stdin is not None else None), limit_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise HarnessError(f"command {shown(argv[0])} did not finish within {limit_s:g} s (killed)") from None
    stdout, stderr = masker.text(out.decode(errors="replace")), masker.text(err.decode(errors="replace"))
    rec.text("command output", f"exit {process.returncode}\n\nstdout:\n{stdout}\n\nstderr:\n{stderr}")
    if process.returncode != want:
        raise HarnessError(
            f"command {shown(argv[0])} exited {process.returncode} (expected {want}): {stderr.strip()[-500:]}"
        )
    return stdout


async def _command(context: StepContext) -> None:
    runner, spec = context.runner, context.spec
    stdout = await run_command(
        runner.target,
        runner.rec,
        flat(spec["run"]),
        spec.get("stdin"),
        spec.get("timeout_s", 30.0),
        spec.get("exit_code", 0),
    )
    if "save_as" in spec:
        runner.ctx.saved[spec["save_as"]] = _parsed(stdout, spec.get("output", "text"))
    # A row the command made in LibreLog's own store (a log, a voice track): the run's own, so a
    # sandboxed live run lets the scenario change and delete it, as it does what it made by API.
    made = {"log": runner.target.created_logs, "voice track": runner.target.created_voice}.get(spec.get("creates", ""))
    if made is not None:
        made.append(stdout.strip())


def flat(items: list[Any]) -> list[str]:
    """The argument list, with a templated list (a pack's ``{{ vars.psql }}``) spliced in."""
    return [str(a) for item in items for a in (flat(item) if isinstance(item, list) else [item])]


def _parsed(stdout: str, output: str) -> Any:
    if output == "json":
        try:
            return json.loads(stdout)
        except ValueError as exc:
            raise HarnessError(f"command output is not JSON ({exc}): {stdout[:300]!r}") from None
    if output == "lines":
        return [line for line in stdout.splitlines() if line.strip()]
    return stdout.strip()


SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["run"],
    "additionalProperties": False,
    "properties": {
        "run": {
            "type": "array",
            "minItems": 1,
            "items": {"type": ["string", "number", "array"]},
            "description": "the program and its arguments (templated; no shell; a list is spliced in)",
        },
        "stdin": {"type": "string", "description": "text given on standard input"},
        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "description": "killed after this long (default 30)"},
        "exit_code": {"type": "integer", "description": "the exit status that means success (default 0)"},
        "save_as": {"type": "string", "description": "save standard output under this name"},
        "output": {"enum": ["text", "json", "lines"], "description": "how standard output is saved (default text)"},
        "creates": {
            "enum": ["log", "voice track"],
            "description": "standard output is the id of a LibreLog log or voice track the command made: the run's own",
        },
    },
}

KINDS = [
    StepKind(
        "command",
        "commands",
        _command,
        SCHEMA,
        description="run a local program (fixtures an API cannot create); needs the commands capability",
        needs=Capability.COMMANDS,
        title=lambda spec: f"command {shown(flat(spec['run'])[0])}",
    )
]
