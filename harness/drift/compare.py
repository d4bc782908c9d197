"""Two observations of one probe, compared aspect by aspect, down to the JSON path that differs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .capture import Observation
from .probe import Probe

MISSING = "<absent>"


@dataclass(frozen=True)
class Difference:
    probe: str
    aspect: str  # status, content_type, keys, headers.X, body, follow.status ...
    path: str  # where in the body ("" for the whole aspect)
    stub: Any
    libretime: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "probe": self.probe,
            "aspect": self.aspect,
            "path": self.path,
            "stub": self.stub,
            "libretime": self.libretime,
        }


def _walk(a: Any, b: Any, path: str, out: list[tuple[str, Any, Any]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            _walk(a.get(key, MISSING), b.get(key, MISSING), f"{path}.{key}" if path else key, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _walk(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append((path, a, b))


def _without(body: Any, ignored: tuple[str, ...]) -> Any:
    if isinstance(body, dict):
        return {k: _without(v, ignored) for k, v in body.items() if k not in ignored}
    if isinstance(body, list):
        return [_without(v, ignored) for v in body]
    return body


def differences(probe: Probe, stub: Observation, real: Observation) -> list[Difference]:
    out: list[Difference] = []
    mine, theirs = stub.aspects(), real.aspects()
    for aspect in probe.compare:
        if aspect == "headers":
            for name in (*probe.headers, *probe.present):
                if stub.headers.get(name) != real.headers.get(name):
                    out.append(
                        Difference(probe.id, f"headers.{name}", "", stub.headers.get(name), real.headers.get(name))
                    )
        elif aspect == "body":
            found: list[tuple[str, Any, Any]] = []
            _walk(_without(stub.body, probe.ignore), _without(real.body, probe.ignore), "", found)
            out += [Difference(probe.id, "body", path, a, b) for path, a, b in found]
        elif aspect == "keys":
            a, b = (
                [k for k in mine["keys"] or [] if k not in probe.ignore],
                [k for k in theirs["keys"] or [] if k not in probe.ignore],
            )
            if a != b:
                out.append(Difference(probe.id, "keys", "", a, b))
        elif mine[aspect] != theirs[aspect]:
            out.append(Difference(probe.id, aspect, "", mine[aspect], theirs[aspect]))
    if probe.follow and stub.follow is not None and real.follow is not None:
        found = []
        _walk(stub.follow, real.follow, "", found)
        out += [Difference(probe.id, "follow", path, a, b) for path, a, b in found]
    return out
