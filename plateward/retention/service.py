"""Retention use cases: the retention period in force, its changes, and the daily aggregates.

The period in force is the latest administrator's change, or the configured default
(``Settings.retention_days``, 30 days by the DUP update of March 2026). The read-visibility gate
asks ``retention_days`` on every query (invariant 4: an expired read is invisible everywhere from
the moment it expires, even before the purge runs), so this module imports nothing of ``reads``.

Purge (``retention/purge.py``), legal holds (``retention/holds.py``) and backups
(``retention/backup.py``) are the capability's other use cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission
from plateward.retention import rules
from plateward.retention.models import DayCount, RetentionChange
from plateward.retention.rules import RetentionRule


def retention_days(uow: UnitOfWork) -> int:
    """The retention period in force now (days)."""
    latest = uow.session.scalar(
        select(RetentionChange.after_days).order_by(RetentionChange.id.desc()).limit(1)
    )
    return int(latest) if latest is not None else uow.settings.retention_days


def retention_rule(uow: UnitOfWork) -> RetentionRule:
    return RetentionRule(retention_days(uow))


@dataclass(frozen=True)
class ChangeView:
    at: datetime
    by: str
    before_days: int
    after_days: int
    reason: str


def set_retention(uow: UnitOfWork, actor: Actor, days: int, reason: str) -> ChangeView:
    """An administrator changes the period within the protocol's bounds; audited before/after."""
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    after = rules.check_retention_days(days)
    why = rules.change_reason(reason)
    before = retention_days(uow)
    change = RetentionChange(
        changed_at=uow.now(),
        changed_by_id=actor.id,
        changed_by_name=actor.name,
        before_days=before,
        after_days=after,
        reason=why,
    )
    uow.session.add(change)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.RETENTION_CHANGED,
            reason=why,
            details={"before_days": before, "after_days": after},
        ),
    )
    uow.commit()
    return _change_view(change)


def _change_view(c: RetentionChange) -> ChangeView:
    return ChangeView(c.changed_at, c.changed_by_name, c.before_days, c.after_days, c.reason)


def retention_history(uow: UnitOfWork, actor: Actor, limit: int = 50) -> list[ChangeView]:
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    query = select(RetentionChange).order_by(RetentionChange.id.desc()).limit(limit)
    return [_change_view(c) for c in uow.session.scalars(query)]


# --- daily aggregates (they outlive the reads) ---------------------------------------------


@dataclass(frozen=True)
class DayCountView:
    day: date
    camera: str
    location: str
    reads: int
    hits: int
    final: bool


@dataclass(frozen=True)
class LocationTotal:
    camera: str
    location: str
    reads: int
    hits: int


@dataclass(frozen=True)
class Aggregates:
    """Reads and hits per camera/location over a span of days; no plates (DUP §8)."""

    first: date
    last: date
    days: list[DayCountView]
    by_location: list[LocationTotal]

    @property
    def reads(self) -> int:
        return sum(t.reads for t in self.by_location)

    @property
    def hits(self) -> int:
        return sum(t.hits for t in self.by_location)


MAX_AGGREGATE_DAYS = 3660


def aggregates(uow: UnitOfWork, actor: Actor, first: date, last: date) -> Aggregates:
    """Daily counts between two days (inclusive), for reports such as the annual one (DUP §8).

    Figures, never plates, but who asked and for which span is still recorded.
    """
    authorize(uow, actor, Permission.AGGREGATES_VIEW)
    if last < first or (last - first).days > MAX_AGGREGATE_DAYS:
        raise InvalidInput("give a span of days that starts before it ends (at most ten years)")
    rows = uow.session.scalars(
        select(DayCount)
        .where(DayCount.day >= first, DayCount.day <= last)
        .order_by(DayCount.day, DayCount.camera_code)
    ).all()
    days = [DayCountView(r.day, r.camera_code, r.location, r.reads, r.hits, r.final) for r in rows]
    totals: dict[tuple[str, str], list[int]] = {}
    for d in days:
        total = totals.setdefault((d.camera, d.location), [0, 0])
        total[0] += d.reads
        total[1] += d.hits
    by_location = [LocationTotal(c, loc, n, h) for (c, loc), (n, h) in sorted(totals.items())]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AGGREGATES_VIEWED,
            query_terms={"first": first.isoformat(), "last": last.isoformat()},
            result_count=len(days),
        ),
    )
    uow.commit()
    return Aggregates(first, last, days, by_location)


def stored_count_days(uow: UnitOfWork) -> set[date]:
    """Days whose aggregates are final (their raw reads purged)."""
    return set(uow.session.scalars(select(DayCount.day).where(DayCount.final.is_(True))).all())


def counted_reads_by_day(uow: UnitOfWork) -> dict[date, int]:
    """Reads per day as the aggregates know them (for the storage chart)."""
    query = select(DayCount.day, func.sum(DayCount.reads)).group_by(DayCount.day)
    return {day: int(n or 0) for day, n in uow.session.execute(query)}


@dataclass(frozen=True)
class FinalCount:
    day: date
    camera_id: int
    reads: int
    hits: int


def final_day_counts(uow: UnitOfWork, first: date, last: date) -> list[FinalCount]:
    """The final daily counts (their day's raw reads purged) between two days, inclusive, per
    camera: what reports such as the annual one take for the days no read is left of. No actor:
    the caller authorizes and audits its own report (figures, never plates)."""
    rows = uow.session.scalars(
        select(DayCount).where(
            DayCount.day >= first, DayCount.day <= last, DayCount.final.is_(True)
        )
    )
    return [FinalCount(r.day, r.camera_id, r.reads, r.hits) for r in rows]
