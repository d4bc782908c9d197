"""Controls only the LibreTime stub has: making it answer as if it stored what it got while it
drops, shifts or swaps it (``stub.tamper``). No real LibreTime can be made to do that, so a
scenario that needs it runs on the stub alone (capability ``stub_control``)."""

from __future__ import annotations

from typing import Any

from ..control import STUB_PREFIX
from ..errors import HarnessError
from ..live.capabilities import Capability
from .registry import StepContext, StepKind


async def control(context: StepContext, method: str, path: str, body: Any, expected: int) -> Any:
    response = await context.target.libretime.request(method, path, json=body)
    context.rec.exchange(
        {"method": method, "url": path, "json": body},
        {"status": response.status_code, "body": response.text[:4000]},
    )
    if response.status_code != expected:
        raise HarnessError(f"the stub refused {method} {path}: {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


async def _tamper(context: StepContext) -> None:
    await control(context, "POST", f"{STUB_PREFIX}/tamper", context.spec, 201)


KINDS = [
    StepKind(
        "stub.tamper",
        "stub_control",
        _tamper,
        {"$ref": "#/$defs/stub_tamper"},
        needs=Capability.STUB_CONTROL,
    ),
]
