"""The days a check covers, as the user says them: resolved once the station's "today" is known."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import ConfigError

MAX_DAYS = 366
_AGE = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(text: str, flag: str = "--max-sync-age") -> timedelta:
    """``90m``, ``26h``, ``2d`` or plain seconds."""
    match = _AGE.match(text.strip())
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"{flag} must be a positive duration such as 26h, 90m or 2d, not {text!r}")
    return timedelta(seconds=float(match.group(1)) * _UNIT[match.group(2)])


def _day(text: str, flag: str, today: date) -> date:
    words = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if text in words:
        return today + timedelta(days=words[text])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{flag} must be YYYY-MM-DD, today, tomorrow or yesterday, not {text!r}") from None


@dataclass(frozen=True)
class Span:
    """The days asked for, resolved once the station's time zone (its "today") is known."""

    start: str
    to: str | None
    days: int | None

    def resolve(self, today: date) -> tuple[date, date]:
        first = _day(self.start, "--from", today)
        if self.days is not None:
            if self.days < 1:
                raise ConfigError(f"--days must be at least 1, not {self.days}")
            last = first + timedelta(days=self.days - 1)
        else:
            last = _day(self.to, "--to", today) if self.to else first
        if last < first:
            raise ConfigError(f"--to {last} is before --from {first}")
        if (last - first).days + 1 > MAX_DAYS:
            raise ConfigError(f"at most {MAX_DAYS} days per check, not {(last - first).days + 1}")
        return first, last
