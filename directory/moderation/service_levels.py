"""Service levels: how soon each kind of moderation work is due (data: service-levels.toml).

Pure: the file is parsed and checked on load; `due` takes a start time and returns a time.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources

LEVELS_FILE = "service-levels.toml"
RISKS = ("high", "medium", "low")
ANY = "*"


class ServiceLevelError(ValueError):
    """The service-levels file is malformed."""


@dataclass(frozen=True)
class Level:
    kind: str
    risk: str | None
    hours: int | None
    working_days: int | None
    promise: str

    def due(self, since: datetime) -> datetime:
        """Return when work waiting since `since` must be decided by."""
        if self.hours is not None:
            return since + timedelta(hours=self.hours)
        return add_working_days(since, self.working_days or 0)


def add_working_days(start: datetime, days: int) -> datetime:
    """Return start moved on by this many working days (Monday to Friday), same time of day.

    Work arriving on a weekend counts from the start of Monday.
    """
    moment = start
    if moment.weekday() >= 5:
        moment = (moment + timedelta(days=7 - moment.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


@dataclass(frozen=True)
class ServiceLevels:
    levels: tuple[Level, ...]

    def level(self, kind: str, risk: str | None = None) -> Level:
        """Return the level that applies: kind and risk, then kind alone, then any kind."""
        for want_kind, want_risk in ((kind, risk), (kind, None), (ANY, None)):
            for level in self.levels:
                if level.kind == want_kind and level.risk == want_risk:
                    return level
        raise ServiceLevelError(f"no service level for {kind!r}")  # pragma: no cover

    def due(self, kind: str, risk: str | None, since: datetime) -> datetime:
        return self.level(kind, risk).due(since)


def parse_levels(text: str) -> ServiceLevels:
    """Parse and check the service-levels file."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ServiceLevelError(f"not valid TOML: {exc}") from exc
    levels = []
    seen = set()
    for n, row in enumerate(raw.get("level", []), start=1):
        kind, risk = row.get("kind"), row.get("risk")
        if not isinstance(kind, str) or not kind:
            raise ServiceLevelError(f"level {n}: kind is missing")
        if risk is not None and risk not in RISKS:
            raise ServiceLevelError(f"level {n}: risk must be one of {', '.join(RISKS)}")
        hours, days = row.get("hours"), row.get("working_days")
        if (hours is None) == (days is None):
            raise ServiceLevelError(f"level {n}: give hours or working_days (one of them)")
        amount = hours if hours is not None else days
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise ServiceLevelError(f"level {n}: the time must be a whole number above 0")
        if (kind, risk) in seen:
            raise ServiceLevelError(f"level {n}: {kind}/{risk or 'any risk'} is given twice")
        seen.add((kind, risk))
        promise = row.get("promise")
        if not isinstance(promise, str) or not promise:
            raise ServiceLevelError(f"level {n}: promise is missing")
        levels.append(Level(kind, risk, hours, days, promise))
    if (ANY, None) not in seen:
        raise ServiceLevelError('a level for kind "*" is required (any other kind of work)')
    return ServiceLevels(tuple(levels))


@functools.cache
def load_levels() -> ServiceLevels:
    """Return the service levels shipped with the application."""
    text = resources.files("directory.moderation").joinpath(LEVELS_FILE).read_text("utf-8")
    return parse_levels(text)


def as_datetime(value: str | None) -> datetime | None:
    """Read a stored UTC timestamp (naive ones are UTC); None when it is not one."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
