"""Retention, purge and legal holds as pure rules (no database, web or I/O).

DUP §7 — ALPR data is retained for a set period, then "purged entirely from all active and backup
systems unless the data is related to an active investigation of a crime not listed in the
Prohibited Uses"; investigative data may be kept "through the adjudication of a case …, as well as
allotment of time for an appeals process and statute of limitations". The DUP update of March 2026
reduced the default period from one year to 30 days; where the two differ the update wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from plateward.core.errors import InvalidInput

# DUP update (March 2026) — the default retention period is 30 days.
DEFAULT_RETENTION_DAYS = 30
# The legal bounds an administrator may set within. The upper bound is the period the City
# Council approved (30 days): keeping raw reads longer needs a change of the protocol itself, not
# a setting. Shortening is minimization and always allowed, down to one day.
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 30
MAX_REASON = 500
MIN_REASON = 10


@dataclass(frozen=True)
class RetentionRule:
    """How long raw reads (and their images, hits and quarantined rows) are kept."""

    days: int = DEFAULT_RETENTION_DAYS

    def cutoff(self, now: datetime) -> datetime:
        """Invariant 4 — a read captured before this moment has expired."""
        return now - timedelta(days=self.days)

    def expired(self, captured_at: datetime, now: datetime) -> bool:
        return captured_at < self.cutoff(now)


def check_retention_days(days: int) -> int:
    """The period an administrator asks for, if the protocol allows it; ``InvalidInput`` if not."""
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise InvalidInput(
            f"the retention period must be between {MIN_RETENTION_DAYS} and "
            f"{MAX_RETENTION_DAYS} days (DUP §7 as updated in March 2026; a longer period "
            "needs a change of the Data Usage Protocol)"
        )
    return days


def change_reason(text: str) -> str:
    """Why the period changes: required, so the history explains itself to an auditor."""
    reason = " ".join(text.split())
    if len(reason) < MIN_REASON:
        raise InvalidInput(f"say why the period changes, in at least {MIN_REASON} characters")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason is limited to {MAX_REASON} characters")
    if not reason.isprintable():
        raise InvalidInput("the reason may not contain control characters")
    return reason


# --- purge by whole capture days ----------------------------------------------------------------


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def day_end(day: date) -> datetime:
    return day_start(day) + timedelta(days=1)


def purgeable_days(stored: set[date], cutoff: datetime) -> list[date]:
    """The capture days (UTC) whose every read has expired: their whole day ends by the cutoff.

    Purge works by whole days — on PostgreSQL a day is a partition, dropped at once; each day has
    its own backup key, destroyed with it. The reads of the day the cutoff falls in are already
    invisible (the gate) and are purged with their day, at most a day later.
    """
    return sorted(d for d in stored if day_end(d) <= cutoff)


def first_kept_day(cutoff: datetime) -> date:
    """The earliest capture day that still holds reads inside retention."""
    return cutoff.astimezone(UTC).date()


# --- legal holds --------------------------------------------------------------------------------


class HoldStatus(StrEnum):
    """A legal hold's lifecycle (DUP §7: kept through adjudication, appeals and limitations)."""

    PENDING = "pending"  # placed by an investigator, waiting for a lieutenant
    REJECTED = "rejected"  # a lieutenant turned it down: its copies are purged
    ACTIVE_INVESTIGATION = "active_investigation"
    CHARGED = "charged"
    ADJUDICATED = "adjudicated"
    APPEAL_WINDOW = "appeal_window"
    RELEASED = "released"  # the case no longer needs the data: its copies are purged

    @property
    def label(self) -> str:
        return _HOLD_LABELS[self]

    @property
    def holds_data(self) -> bool:
        """Whether the held reads survive purge in this status."""
        return self not in (HoldStatus.REJECTED, HoldStatus.RELEASED)

    @property
    def in_force(self) -> bool:
        """Approved and not yet released."""
        return self in _IN_FORCE


_HOLD_LABELS = {
    HoldStatus.PENDING: "Waiting for a lieutenant",
    HoldStatus.REJECTED: "Rejected",
    HoldStatus.ACTIVE_INVESTIGATION: "Active investigation",
    HoldStatus.CHARGED: "Charged",
    HoldStatus.ADJUDICATED: "Adjudicated",
    HoldStatus.APPEAL_WINDOW: "Appeal window",
    HoldStatus.RELEASED: "Released",
}
_IN_FORCE = frozenset(
    {
        HoldStatus.ACTIVE_INVESTIGATION,
        HoldStatus.CHARGED,
        HoldStatus.ADJUDICATED,
        HoldStatus.APPEAL_WINDOW,
    }
)
# The case moves forward only; release ends the hold from any stage in force.
_NEXT: dict[HoldStatus, frozenset[HoldStatus]] = {
    HoldStatus.ACTIVE_INVESTIGATION: frozenset({HoldStatus.CHARGED, HoldStatus.RELEASED}),
    HoldStatus.CHARGED: frozenset({HoldStatus.ADJUDICATED, HoldStatus.RELEASED}),
    HoldStatus.ADJUDICATED: frozenset({HoldStatus.APPEAL_WINDOW, HoldStatus.RELEASED}),
    HoldStatus.APPEAL_WINDOW: frozenset({HoldStatus.RELEASED}),
}
# How long until a hold in each stage must be reviewed again (someone confirms it still serves
# the case). An appeal window is short and fixed; an investigation is looked at each quarter.
REVIEW_AFTER: dict[HoldStatus, timedelta] = {
    HoldStatus.PENDING: timedelta(days=7),
    HoldStatus.ACTIVE_INVESTIGATION: timedelta(days=90),
    HoldStatus.CHARGED: timedelta(days=90),
    HoldStatus.ADJUDICATED: timedelta(days=30),
    HoldStatus.APPEAL_WINDOW: timedelta(days=30),
}
MAX_HELD_READS = 500


def next_statuses(status: HoldStatus) -> frozenset[HoldStatus]:
    return _NEXT.get(status, frozenset())


def transition_refusal(current: HoldStatus, wanted: HoldStatus) -> str | None:
    """Why a hold cannot move from ``current`` to ``wanted``, or None when it can."""
    if wanted in next_statuses(current):
        return None
    if current is HoldStatus.PENDING:
        return "A lieutenant must approve the hold first."
    if not current.holds_data:
        return f"The hold is {current.label.lower()}: it no longer changes."
    return f"A hold that is {current.label.lower()} cannot become {wanted.label.lower()}."


def review_due(status: HoldStatus, since: date) -> date | None:
    """When a hold in ``status`` (entered or last reviewed on ``since``) is due for review."""
    after = REVIEW_AFTER.get(status)
    return None if after is None else since + after


def approval_refusal(
    requested_by: int | None, approver: int | None, status: HoldStatus
) -> str | None:
    """DUP §7 with the update's supervisor review — a hold is approved by a lieutenant other than
    the investigator who placed it, once."""
    if status is not HoldStatus.PENDING:
        return "The hold has been decided already."
    if requested_by is not None and requested_by == approver:
        return "You cannot approve a hold you placed yourself; another lieutenant must."
    return None


def held_read_ids(values: list[str]) -> list[str]:
    """The reads a hold names: distinct, at least one, at most ``MAX_HELD_READS``."""
    distinct = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not distinct:
        raise InvalidInput("choose at least one read to hold")
    if len(distinct) > MAX_HELD_READS:
        raise InvalidInput(f"a hold names at most {MAX_HELD_READS} reads; split the case's holds")
    return distinct


# --- storage by day (the administrator's chart) ---------------------------------------------------


@dataclass(frozen=True)
class DayBar:
    day: date
    reads: int
    x: float
    width: float
    height: float
    expired: bool


def day_bars(
    counts: list[tuple[date, int]], cutoff: datetime, width: float, height: float
) -> list[DayBar]:
    """Bars of a reads-per-day chart, scaled to ``width`` by ``height`` (drawn as inline SVG)."""
    if not counts:
        return []
    top = max(n for _, n in counts) or 1
    step = width / len(counts)
    return [
        DayBar(day, n, i * step, max(step - 2, 1), height * n / top, day_end(day) <= cutoff)
        for i, (day, n) in enumerate(sorted(counts))
    ]
