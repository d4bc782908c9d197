"""Step kinds for the compose target's containers: network membership and commands inside them."""

from __future__ import annotations

import asyncio
from typing import Any

from ..live.capabilities import Capability
from .registry import StepContext, StepKind


def _docker(kind: str) -> Any:
    async def run(context: StepContext) -> None:
        from ..effects import containers

        await asyncio.to_thread(containers.check, kind, context.spec, context.rec)

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
