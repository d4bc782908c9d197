"""One station as the schedule check sees it: where its LibreTime is, its key, and optionally its
LibreLog. From the environment (one station) or from a stations file (many, see ``stations``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..control import HARNESS_HEADER
from ..secrets import Masker


@dataclass(frozen=True)
class StationSettings:
    libretime_url: str
    api_key: str
    librelog_url: str | None = None  # None: LibreTime alone, the checks that need no log
    librelog_token: str | None = None
    timezone: str | None = None  # None: LibreLog's station_timezone
    name: str | None = None  # the station's label in outputs (many stations)
    librelog_station: str | None = None  # LibreLog's station name (default: LibreLog's own)

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, libretime_only: bool = False) -> StationSettings:
        """The settings of ``--target live``; without ``LIBRELOG_URL`` (or when told), LibreTime alone."""
        from ..targets import libretime_of

        libretime_url, api_key = libretime_of(env, "check")
        librelog = None if libretime_only else (env.get("LIBRELOG_URL") or "").rstrip("/") or None
        return cls(
            libretime_url=libretime_url,
            api_key=api_key,
            librelog_url=librelog,
            librelog_token=(env.get("LIBRELOG_API_TOKEN") or None) if librelog else None,
        )

    def masker(self) -> Masker:
        return Masker([self.api_key, self.librelog_token])

    @property
    def libretime_headers(self) -> dict[str, str]:
        # Marked as the harness's own, as every harness client is: a stub's journal tells it apart.
        return {"Authorization": f"Api-Key {self.api_key}", HARNESS_HEADER: "harness"}

    @property
    def librelog_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.librelog_token}"} if self.librelog_token else {}
