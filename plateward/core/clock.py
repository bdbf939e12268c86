"""One injectable clock, so retention windows and deadlines are testable (DESIGN invariant 7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FrozenClock:
    """A clock for tests and the demo: it moves only when told to."""

    current: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def as_utc(value: datetime) -> datetime:
    """Stored times are aware UTC; a naive time is refused rather than guessed."""
    if value.tzinfo is None:
        msg = "naive datetime: every time Plateward handles carries its zone"
        raise ValueError(msg)
    return value.astimezone(UTC)


def local(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone))
