"""What a target offers, and what a scenario needs from it.

A target is URLs plus capabilities. ``stub`` and ``compose`` offer everything; a ``live`` target
offers what the preflight finds. A scenario runs wherever its requirements are met and is
skipped, naming the missing capability, everywhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Capability(StrEnum):
    # Controls only a stub can have: tampering with what it stores, states LibreTime's API refuses.
    STUB_CONTROL = "stub_control"
    SEED = "seed"  # data created in LibreTime for a scenario: the stub's seed, or LibreTime's own APIs
    JOURNAL = "journal"  # what LibreTime received from LibreLog: the stub's journal, or the interposer's
    FAULTS = "faults"  # LibreTime made to fail on cue: the stub's faults, or the interposer's
    PLAYOUT = "playout"  # what plays becomes playout history: the stub's playout, or history rows written
    LIBRETIME_RESET = "libretime_reset"  # LibreTime's side starts clean: a fresh stub, or the sandbox and ledger
    LIBRELOG_RESET = "librelog_reset"  # LibreLog's test reset: fresh state and per-scenario settings
    CONTAINERS = "containers"  # the deployment's containers, through Docker
    INTEGRATION_API = "integration_api"  # LibreTime answers the integration extension
    UPLOAD = "upload"  # the upload path of LibreLog's flavour answers (/rest/media or voice-tracks)
    HISTORY_WRITE = "history_write"  # playout history rows can be written (POST /api/v2/playout-history)
    API_FACE = "api_face"  # a LibreTime API port without nginx is reachable (LIBRETIME_API_FACE_URL)
    UI = "ui"  # LibreTime's own web UI can be read in a browser (LIBRETIME_UI_USER / LIBRETIME_UI_PASSWORD)
    COMMANDS = "commands"  # scenarios may run local programs (``command`` steps): given by --allow-commands
    # A scenario item of one LibreLog flavour: LibreLog runs it (or its test reset can switch to
    # it), and LibreTime hosts it (the integration flavour needs the integration extension).
    FLAVOR_INTEGRATION = "flavor_integration"
    FLAVOR_V2 = "flavor_v2"


FLAVORS = ("integration", "v2")


def flavor_capability(flavor: str) -> Capability:
    return Capability(f"flavor_{flavor}")


ALL = frozenset(Capability)
# A scenario that states these settings needs LibreLog reconfigured unless it already runs so.
MATCHABLE_SETTINGS = {"station_timezone": "station_timezone"}


@dataclass
class Facts:
    """What the preflight found, printed before any scenario and kept with the results."""

    target: str
    capabilities: set[Capability] = field(default_factory=set)
    librelog_url: str = ""
    libretime_url: str = ""
    libretime_api_version: str | None = None
    station_name: str | None = None
    librelog: dict[str, Any] = field(default_factory=dict)  # GET /sync/libretime/config
    notes: list[str] = field(default_factory=list)  # why a capability is absent
    librelog_contract: bool = True  # False: a pack's LibreLog that is not this project's
    pack: str | None = None
    # The interposer LibreLog's LibreTime traffic goes through (its base URL), where there is one.
    interposer: str | None = None
    # A foreign LibreLog's operations, from its OpenAPI document (a pack that names one).
    librelog_operations: list[dict[str, str]] = field(default_factory=list)

    @property
    def fresh_per_scenario(self) -> bool:
        """Both services can be reset: every scenario starts from nothing, as on the stub target. A
        pack's own LibreLog has no reset: the stub alone starts fresh, and the pack keeps its state."""
        if Capability.STUB_CONTROL not in self.capabilities:
            return False
        return Capability.LIBRELOG_RESET in self.capabilities or not self.librelog_contract

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["capabilities"] = sorted(str(c) for c in self.capabilities)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Facts:
        return cls(**{**data, "capabilities": {Capability(c) for c in data.get("capabilities", [])}})

    def describe(self) -> list[str]:
        """Lines for the terminal: what this target offers and why anything is missing."""
        offered = ", ".join(sorted(self.capabilities)) or "none"
        lines = [f"target {self.target}: LibreLog {self.librelog_url}, LibreTime {self.libretime_url}"]
        if self.pack:
            lines.append(f"  pack {self.pack}" + ("" if self.librelog_contract else ": LibreLog is not this project's"))
        if self.libretime_api_version:
            lines.append(f"  LibreTime API {self.libretime_api_version} ({self.station_name or 'unnamed station'})")
        if self.librelog:
            lines.append(
                "  LibreLog settings: flavour {flavor}, LibreTime URL {api_url}, station time zone {tz}".format(
                    flavor=self.librelog.get("flavor"),
                    api_url=self.librelog.get("api_url"),
                    tz=self.librelog.get("station_timezone", "not reported"),
                )
            )
        if self.interposer:
            lines.append(
                f"  interposer {self.interposer}: LibreLog's LibreTime traffic is journaled and faults injected"
            )
        lines.append(f"  capabilities: {offered}")
        lines += [f"  - {note}" for note in self.notes]
        return lines


def full(target: str) -> Facts:
    """The stub target: everything in-process, but no containers to inspect."""
    return Facts(
        target=target,
        capabilities=set(ALL - {Capability.CONTAINERS, Capability.COMMANDS, Capability.UI}),
        librelog={"flavor": "integration", "station_timezone": "UTC"},
        notes=[
            "containers: the stub target runs in-process; container checks need the compose target",
            "commands: local programs run only with --allow-commands",
            "ui: the LibreTime stub has no web UI; LibreTime's own UI is read on a live target",
        ],
    )


def missing(required: set[Capability], facts: Facts) -> list[Capability]:
    return sorted(required - facts.capabilities)
