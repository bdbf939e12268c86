"""The administrator's retention page, as one use case: the period and its history, the purge's
schedule and last results, the holds and their status, and storage by capture day. No plates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.jobs import JobRow
from plateward.core.permissions import Actor, Permission
from plateward.reads import service as reads
from plateward.retention import holds, rules
from plateward.retention import service as retention
from plateward.retention.holds import HoldView
from plateward.retention.models import PurgeRun
from plateward.retention.service import ChangeView

# How far back the storage chart looks: the purged days show from their final counts.
CHART_DAYS = 60


@dataclass(frozen=True)
class PurgeView:
    started_at: datetime
    cutoff: datetime
    days: list[str]
    reads: int
    images: int
    hits: int
    quarantined: int
    keys_destroyed: int
    run_by: str


@dataclass(frozen=True)
class StorageDay:
    day: date
    reads: int
    stored: bool  # still in the live store (else: only its counts remain)


@dataclass(frozen=True)
class RetentionOverview:
    days: int
    configured_default: int
    bounds: tuple[int, int]
    cutoff: datetime
    history: list[ChangeView]
    next_purge_at: datetime | None
    purges: list[PurgeView]
    holds: list[HoldView]
    storage: list[StorageDay]

    @property
    def last_purge(self) -> PurgeView | None:
        return self.purges[0] if self.purges else None

    def chart(self, width: float = 720, height: float = 160) -> list[rules.DayBar]:
        return rules.day_bars([(s.day, s.reads) for s in self.storage], self.cutoff, width, height)


def _purges(uow: UnitOfWork) -> list[PurgeView]:
    rows = uow.session.scalars(select(PurgeRun).order_by(PurgeRun.id.desc()).limit(10))
    return [
        PurgeView(
            r.started_at,
            r.cutoff,
            list(r.days),
            r.reads,
            r.images,
            r.hits,
            r.quarantined,
            r.keys_destroyed,
            r.run_by,
        )
        for r in rows
    ]


def _storage(uow: UnitOfWork, cutoff: datetime) -> list[StorageDay]:
    since = uow.now() - timedelta(days=CHART_DAYS)
    live = {d: n for d, n in reads.reads_by_day(uow, since).items() if d <= uow.now().date()}
    counted = retention.counted_reads_by_day(uow)
    days = sorted({*live, *(d for d in counted if d >= since.date())})
    return [
        StorageDay(d, live[d] if d in live else counted.get(d, 0), d in live and live[d] > 0)
        for d in days
    ]


def retention_overview(uow: UnitOfWork, actor: Actor) -> RetentionOverview:
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    rule = retention.retention_rule(uow)
    cutoff = rule.cutoff(uow.now())
    job = uow.session.get(JobRow, "purge")
    return RetentionOverview(
        rule.days,
        uow.settings.retention_days,
        (rules.MIN_RETENTION_DAYS, rules.MAX_RETENTION_DAYS),
        cutoff,
        retention.retention_history(uow, actor),
        job.next_run_at if job is not None else None,
        _purges(uow),
        holds.holds_overview(uow, actor),
        _storage(uow, cutoff),
    )
