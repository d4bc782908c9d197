"""Step kinds for the compose target's containers: network membership and commands inside them."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..capabilities import Capability
from .registry import StepKind

if TYPE_CHECKING:
    from ..steps import Runner


def _docker(kind: str) -> Any:
    async def run(runner: Runner, spec: Any, step: dict[str, Any], since: int) -> None:
        from .. import containers

        await asyncio.to_thread(containers.check, kind, spec, runner.rec)

    return run


KINDS = [
    StepKind(
        name,
        "containers",
        _docker(name),
        {"$ref": f"#/$defs/{name.replace('.', '_')}"},
        needs=Capability.CONTAINERS,
    )
    for name in ("docker.network", "docker.exec")
]
