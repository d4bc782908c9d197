"""Before a live run writes to a real LibreTime: is the sandbox safe to use, and what is the
station like? After it: is the station as it was outside the sandbox?

The sandbox is refused (a usage error, nothing written) when its dates are in the past, when
the days around it hold real schedule (a station-local day can reach into its neighbours), or
when an earlier run was interrupted and its ledger still lists what it left behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from ..errors import ConfigError, HarnessError
from ..targets import SANDBOX_DAYS, LiveConfig
from .fingerprint import Fingerprint, differences, take
from .ledger import Ledger


def _day_bounds(first: date, days: int) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time(0), tzinfo=UTC)
    return start, start + timedelta(days=days)


def window(sandbox: date) -> tuple[datetime, datetime]:
    """The sandbox days in UTC with a day's margin either side (as targets.base.Target has it)."""
    return _day_bounds(sandbox - timedelta(days=1), SANDBOX_DAYS + 2)


def check_sandbox(libretime: httpx.Client, sandbox: date, ledger: Ledger, config: LiveConfig) -> None:
    today = datetime.now(UTC).date()
    if sandbox <= today + timedelta(days=1):
        raise ConfigError(
            f"--sandbox-date {sandbox} is not in the future: a live run writes only to days no station plays"
            " yet (default 2099-01-01)"
        )
    left = [e for e in ledger.entries() if e.libretime_url == config.libretime_url]
    if left:
        raise ConfigError(
            f"an earlier live run was interrupted and left {len(left)} item(s) listed in {ledger.path}:"
            f" run `librelog-verify cleanup --ledger {ledger.path}` first"
        )
    start, end = _day_bounds(sandbox - timedelta(days=2), SANDBOX_DAYS + 4)
    response = libretime.get(
        "/api/v2/schedule", params={"starts_after": start.isoformat(), "starts_before": end.isoformat()}
    )
    if response.status_code != 200:
        raise ConfigError(f"cannot read LibreTime's schedule around the sandbox: {response.status_code}")
    rows = [r for r in response.json() if start <= datetime.fromisoformat(r["starts_at"].replace("Z", "+00:00")) < end]
    if rows:
        first = min(r["starts_at"] for r in rows)
        raise ConfigError(
            f"LibreTime holds {len(rows)} schedule row(s) on or next to the sandbox days {sandbox} to"
            f" {sandbox + timedelta(days=SANDBOX_DAYS - 1)} (first at {first}): pick a --sandbox-date with empty"
            " days around it"
        )


@dataclass
class Verdict:
    """The safety result of a live run, kept with its results for the report."""

    checked: bool
    tables: dict[str, int] = field(default_factory=dict)  # rows compared per table
    changes: list[str] = field(default_factory=list)
    note: str = ""
    created_files: list[int] = field(default_factory=list)  # created by the run, found hidden afterwards

    def to_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "tables": self.tables,
            "changes": self.changes,
            "note": self.note,
            "created_files": self.created_files,
        }

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "station-safety.json").write_text(json.dumps(self.to_json(), indent=2))


def libretime_client(config: LiveConfig) -> httpx.Client:
    return httpx.Client(base_url=config.libretime_url, headers=config.libretime_headers, timeout=60)


def before(config: LiveConfig, sandboxes: list[date] | None = None) -> Fingerprint:
    """The station before the run; a LibreTime that cannot be read completely stops it (exit 2).
    ``sandboxes``: every sandbox date of the run (scenarios may have their own)."""
    try:
        with libretime_client(config) as libretime:
            return take(libretime, [window(d) for d in sandboxes or [config.sandbox_date]])
    except (HarnessError, httpx.HTTPError) as exc:
        raise ConfigError(f"the station cannot be fingerprinted before the run: {exc}") from None


def after(config: LiveConfig, first: Fingerprint, created_files: set[int] | None = None) -> Verdict:
    """The station after the run, compared; an unreadable LibreTime is a failure: safety unproven.
    ``created_files``: the files the run created and hid, which must be all the new files."""
    try:
        with libretime_client(config) as libretime:
            second = take(libretime, first.windows)
    except (HarnessError, httpx.HTTPError) as exc:
        raise HarnessError(
            f"the station could not be read back after the run, so its safety is unproven: {exc}"
        ) from None
    verdict = Verdict(checked=True, tables=first.counts(), changes=differences(first, second, created_files))
    verdict.created_files = sorted(created_files or ())
    return verdict
