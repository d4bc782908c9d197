"""The deployment a run verifies, chosen in one place: what it is and offers (the preflight), the
services the run starts for itself (the interposer, this project's LibreLog), the target each
scenario gets (the embedded stubs, a deployment reset before each scenario, or a real LibreTime's
sandbox), and the station's safety before and after. The command and the pytest plugin both go
through here, so the two can never choose differently.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..control import INTERPOSER_PREFIX, STUB_PREFIX
from ..errors import ConfigError
from ..live.capabilities import Capability, Facts, full
from ..live.ledger import Ledger
from ..model.pack import Pack
from ..targets import SANDBOX_DAYS, LiveConfig, Target, libretime_of
from .background import Background


@dataclass(frozen=True)
class RunOptions:
    target: str = "stub"  # stub, live or compose
    sandbox: date = date(2099, 1, 1)
    allow_destructive: bool = False
    allow_commands: bool = False
    ledger: Path = Path("reports/out/live-ledger.jsonl")
    interposer_listen: str | None = None  # [HOST:]PORT: start the interposer there for the run
    interposer_url: str | None = None  # an interposer already running (``librelog-verify interpose``)
    start_librelog: str | None = None  # a flavour: start this project's LibreLog for the run


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"--interposer takes [HOST:]PORT, not {text!r}")
    return host or "127.0.0.1", int(port)


@dataclass
class Services:
    """What the run started for itself; ``close`` stops it all."""

    background: Background | None = None
    interposer: str | None = None  # the interposer's base URL (LibreLog's LibreTime URL)
    librelog: str | None = None  # this project's LibreLog, when the run started it
    _folder: Any = None

    @classmethod
    def start(cls, options: RunOptions, env: Mapping[str, str]) -> Services:
        if options.interposer_url and (options.interposer_listen or options.start_librelog):
            raise ConfigError("LIBRETIME_INTERPOSER_URL names a running interposer: do not start another")
        services = cls(interposer=options.interposer_url)
        if not (options.interposer_listen or options.start_librelog):
            return services
        if options.start_librelog and env.get("LIBRELOG_URL"):
            raise ConfigError(
                f"--start-librelog starts this project's LibreLog, but LIBRELOG_URL names one at {env['LIBRELOG_URL']}:"
                " unset it, or drop --start-librelog to verify that one"
            )
        libretime_url, api_key = libretime_of(env)
        from stubs.librelog import Settings, run_librelog

        from ..interposer import InterposerConfig, run_interposer

        host, port = _address(options.interposer_listen) if options.interposer_listen else ("127.0.0.1", 0)
        services.background = Background()
        try:
            interposer = services.background.enter(
                run_interposer(InterposerConfig(upstream=libretime_url, secrets=(api_key,)), host, port)
            )
            services.interposer = interposer.base_url
            if options.start_librelog:
                services._folder = tempfile.TemporaryDirectory(prefix="librelog-verify-")
                settings = Settings(
                    libretime_url=interposer.base_url,
                    url_source="LIBRETIME_API_URL",
                    api_key=api_key,
                    flavor=options.start_librelog,  # type: ignore[arg-type]
                    station_timezone=env.get("LIBRELOG_STATION_TIMEZONE") or "UTC",
                    db_path=str(Path(services._folder.name) / "librelog.sqlite3"),
                    test_reset=True,
                )
                services.librelog = services.background.enter(run_librelog(settings)).base_url
        except OSError as exc:
            services.close()
            raise ConfigError(f"cannot start the run's services: {exc.strerror or exc}") from None
        except BaseException:
            services.close()
            raise
        return services

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """The environment the run sees: LIBRELOG_URL is the started LibreLog's, when there is one."""
        return {**env, "LIBRELOG_URL": self.librelog} if self.librelog else dict(env)

    def describe(self) -> list[str]:
        lines = []
        if self.interposer and self.background is not None:
            lines.append(f"  started the interposer at {self.interposer}")
        if self.librelog:
            lines.append(
                f"  started this project's LibreLog at {self.librelog} (test reset on, LibreTime behind the interposer)"
            )
        return lines

    def close(self) -> None:
        if self.background is not None:
            self.background.close()
            self.background = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def facts_for(options: RunOptions, env: Mapping[str, str], pack: Pack | None, interposer: str | None) -> Facts:
    """What the target offers: everything for the embedded stubs, else what the preflight finds."""
    if options.target == "stub":
        facts = full("stub")
    else:
        from ..live.preflight import discover

        config = LiveConfig.from_env(env, options.sandbox, options.allow_destructive)
        facts = discover(
            config, options.target, env.get("LIBRETIME_API_FACE_URL"), pack=pack, env=env, interposer=interposer
        )
    if options.allow_commands:
        facts.capabilities.add(Capability.COMMANDS)
    return facts


def open_target(
    facts: Facts, options: RunOptions, env: Mapping[str, str], settings: Mapping[str, Any], need: set[Capability]
) -> AbstractAsyncContextManager[Target]:
    """The target one scenario runs on, as the facts say the deployment is."""
    # Loaded here, in the process that runs scenarios: the one that only starts the run (and its
    # pytest-xdist workers) never imports the services behind a target.
    from ..targets import fresh_target, sandbox_target, stub_target

    if facts.target == "stub":
        return stub_target(settings, options.sandbox)
    env = {**env, "LIBRELOG_URL": facts.librelog_url} if facts.librelog_url else env
    if facts.fresh_per_scenario:
        config = LiveConfig.from_env(env, options.sandbox, allow_destructive=True)
        return fresh_target(facts.target, config, settings, env, librelog_reset=facts.librelog_contract)
    config = LiveConfig.from_env(env, options.sandbox, options.allow_destructive)
    # A LibreLog with a test reset starts every scenario fresh, with the scenario's settings.
    resettable = Capability.LIBRELOG_RESET in facts.capabilities and facts.librelog_contract
    control = None
    if Capability.STUB_CONTROL in facts.capabilities:
        control = (config.libretime_url, STUB_PREFIX)  # the stub, sandboxed: its own journal and faults
    elif facts.interposer:
        control = (facts.interposer, INTERPOSER_PREFIX)
    return sandbox_target(
        facts.target,
        config,
        Ledger(options.ledger),
        settings if resettable else None,
        env,
        control_plane=control,
    )


@dataclass
class Prepared:
    """A live or compose target as the preflight found it, and the station's state before the run."""

    config: LiveConfig
    facts: Facts
    ledger: Ledger
    fingerprint: Any = None  # only where LibreTime is real (the sandbox rail applies)
    lines: list[str] = field(default_factory=list)


def prepare(
    options: RunOptions,
    env: Mapping[str, str],
    pack: Pack | None,
    interposer: str | None,
    workers: bool,
    sandboxes: list[date] | None = None,
) -> Prepared:
    """The preflight of a live or compose run, and for a real LibreTime the sandbox's checks and
    the station's fingerprint, all before anything is written (ConfigError: exit 2). ``sandboxes``:
    the sandbox dates of scenarios that have their own, checked and excluded like the run's."""
    from ..live import safety

    config = LiveConfig.from_env(env, options.sandbox, allow_destructive=options.allow_destructive)
    facts = facts_for(options, env, pack, interposer)
    prepared = Prepared(config, facts, Ledger(options.ledger), lines=facts.describe())
    if facts.fresh_per_scenario:
        if workers:
            # One stub (and one LibreLog) serve every scenario: resets would cut into each other.
            raise ConfigError("this deployment's services are reset before each scenario: it runs without -n")
        reset = "both services are reset" if facts.librelog_contract else "the LibreTime stub is reset"
        prepared.lines.append(f"  every scenario starts fresh: {reset} before it")
        return prepared
    if workers:
        raise ConfigError("a live run against a real LibreTime shares one sandbox: it runs without -n")
    dates = sorted({options.sandbox, *(sandboxes or [])})
    with safety.libretime_client(config) as libretime:
        for day in dates:
            safety.check_sandbox(libretime, day, prepared.ledger, config)
    for day in dates:
        days = ", ".join(str(day + timedelta(days=i)) for i in range(SANDBOX_DAYS))
        prepared.lines.append(
            f"  sandbox: {days} (UTC days)" + ("" if day == options.sandbox else ", a scenario's own")
        )
    prepared.ledger.start_run()
    prepared.fingerprint = safety.before(config, dates)
    counts = ", ".join(f"{n} {table}" for table, n in prepared.fingerprint.counts().items())
    prepared.lines.append(f"  station fingerprint before the run: {counts}")
    return prepared
