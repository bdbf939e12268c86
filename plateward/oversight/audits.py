"""Random audits of searches: the monthly sample and a finding for each search (DUP §9).

DUP §9 — periodic random audits by a unit other than CDIC, with a finding for each search and its
follow-up action. Each step is audited, and reads the trail only (never the reads). The quarterly
compliance report and the immigration-release check are in ``compliance.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent, RecordKind
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.oversight import audit_rules as rules
from plateward.oversight.audit_rules import AUDIT_UNIT, Period
from plateward.oversight.models import AuditSample, AuditSampleItem

# The actions that touch read data (their result ids are reads), and the refused or held
# requests for it: what an audit of access looks at.
DATA_ACTIONS = tuple(
    sorted(str(a) for a, kind in audit.RESULT_KINDS.items() if kind == RecordKind.READ)
)
REQUEST_ACTIONS = (
    *DATA_ACTIONS,
    str(AuditAction.SEARCH_BLOCKED),
    str(AuditAction.SEARCH_REVIEW_REQUESTED),
)


def zone_of(uow: UnitOfWork) -> ZoneInfo:
    return ZoneInfo(uow.settings.timezone)


def check_unit(uow: UnitOfWork, actor: Actor) -> None:
    authorize(uow, actor, Permission.AUDITS_RUN, AUDIT_UNIT)


# --- the monthly random sample ------------------------------------------------------------------


@dataclass(frozen=True)
class SampledSearch:
    id: int
    position: int
    seq: int
    search_id: int | None
    at: datetime | None
    person: str
    unit: str | None
    agency: str | None
    purpose: dict[str, Any] | None
    terms: dict[str, Any]
    result_count: int | None
    finding: str | None
    note: str | None
    follow_up: str | None
    follow_up_done_at: datetime | None
    decided_at: datetime | None
    decided_by_name: str | None


@dataclass(frozen=True)
class SampleView:
    id: int
    month: str
    seed: str
    requested_size: int
    population: int
    audit_unit: str
    drawn_at: datetime
    drawn_by_name: str
    items: tuple[SampledSearch, ...] = field(default=())

    @property
    def tally(self) -> dict[str, int]:
        return dict(Counter(i.finding or "undecided" for i in self.items))


def _population(uow: UnitOfWork, period: Period) -> dict[int, int]:
    runs = uow.session.execute(
        select(AuditEntry.seq, AuditEntry.details).where(
            AuditEntry.action == str(AuditAction.SEARCH_RUN),
            AuditEntry.at >= period.start,
            AuditEntry.at < period.end,
        )
    )
    return rules.first_pages((int(seq), details) for seq, details in runs)


def _item_view(item: AuditSampleItem, entry: AuditEntry | None) -> SampledSearch:
    return SampledSearch(
        item.id,
        item.position,
        item.audit_seq,
        item.search_id,
        entry.at if entry else None,
        f"{entry.actor_name} ({entry.actor_username})" if entry else "",
        entry.actor_unit if entry else None,
        entry.actor_agency if entry else None,
        dict(entry.purpose) if entry and entry.purpose else None,
        dict(entry.query_terms or {}) if entry else {},
        entry.result_count if entry else None,
        item.finding,
        item.note,
        item.follow_up,
        item.follow_up_done_at,
        item.decided_at,
        item.decided_by_name,
    )


def _sample_view(uow: UnitOfWork, sample: AuditSample, *, items: bool) -> SampleView:
    views: tuple[SampledSearch, ...] = ()
    if items:
        rows = uow.session.scalars(
            select(AuditSampleItem)
            .where(AuditSampleItem.sample_id == sample.id)
            .order_by(AuditSampleItem.position)
        ).all()
        entries = {
            e.seq: e
            for e in uow.session.scalars(
                select(AuditEntry).where(AuditEntry.seq.in_([r.audit_seq for r in rows]))
            )
        }
        views = tuple(_item_view(r, entries.get(r.audit_seq)) for r in rows)
    return SampleView(
        sample.id,
        sample.month,
        sample.seed,
        sample.requested_size,
        sample.population,
        sample.audit_unit,
        sample.drawn_at,
        sample.drawn_by_name,
        views,
    )


def draw_sample(
    uow: UnitOfWork, actor: Actor, month: str, size: int | None = None, seed: str | None = None
) -> SampleView:
    """Draw the month's random sample of searches, assigned to the auditor's unit; the seed is
    recorded so anyone can draw the same sample again from the same trail."""
    check_unit(uow, actor)
    period = rules.month(month, zone_of(uow))
    if uow.session.scalar(select(AuditSample.id).where(AuditSample.month == period.name)):
        raise Conflict(f"the sample of {period.name} is already drawn; open it to record findings")
    wanted = size if size is not None else uow.settings.audit_sample_size
    chosen_seed = seed or rules.new_seed()
    firsts = _population(uow, period)
    search_of = {seq: search_id for search_id, seq in firsts.items()}
    drawn = rules.draw(list(search_of), wanted, chosen_seed)
    sample = AuditSample(
        month=period.name,
        seed=chosen_seed,
        requested_size=wanted,
        population=len(search_of),
        audit_unit=actor.unit or "",
        drawn_at=uow.now(),
        drawn_by_name=actor.name,
    )
    uow.session.add(sample)
    uow.session.flush()
    for position, seq in enumerate(drawn, start=1):
        uow.session.add(
            AuditSampleItem(
                sample_id=sample.id, position=position, audit_seq=seq, search_id=search_of[seq]
            )
        )
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_SAMPLE_DRAWN,
            query_terms={"month": period.name, "size": wanted, "seed": chosen_seed},
            result_count=len(drawn),
            result_ids=tuple(str(s) for s in drawn),
            details={"sample_id": sample.id, "population": len(search_of), "unit": actor.unit},
        ),
    )
    view = _sample_view(uow, sample, items=True)
    uow.commit()
    return view


def samples(uow: UnitOfWork, actor: Actor) -> list[SampleView]:
    """The samples drawn, newest month first (their figures, not the searches)."""
    check_unit(uow, actor)
    rows = uow.session.scalars(select(AuditSample).order_by(AuditSample.month.desc())).all()
    return [_sample_view(uow, s, items=True) for s in rows]


def sample(uow: UnitOfWork, actor: Actor, sample_id: int) -> SampleView:
    """One sample with each sampled search's audit entry; the look is audited."""
    check_unit(uow, actor)
    found = uow.session.get(AuditSample, sample_id)
    if found is None:
        raise NotFound(f"There is no audit sample {sample_id}.")
    view = _sample_view(uow, found, items=True)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_SAMPLE_VIEWED,
            query_terms={"sample_id": sample_id, "month": view.month},
            result_count=len(view.items),
            result_ids=tuple(str(i.seq) for i in view.items),
        ),
    )
    uow.commit()
    return view


@dataclass(frozen=True)
class FindingInput:
    finding: str
    note: str = ""
    follow_up: str = ""
    follow_up_done: bool = False


def record_finding(uow: UnitOfWork, actor: Actor, item_id: int, given: FindingInput) -> int:
    """DUP §9 — the auditor's finding for one sampled search, and its follow-up action. A finding
    other than compliant needs a note; a follow-up or violation needs the action to take. The
    sample's id, for the page to return to."""
    check_unit(uow, actor)
    item = uow.session.get(AuditSampleItem, item_id)
    if item is None:
        raise NotFound(f"There is no sampled search {item_id}.")
    result = rules.finding(given.finding)
    needs_action = result is not rules.Finding.COMPLIANT
    note = rules.text(given.note, "note on the finding", required=needs_action)
    follow_up = rules.text(given.follow_up, "follow-up action", required=needs_action)
    if given.follow_up_done and follow_up is None:
        raise InvalidInput("a follow-up marked done needs the action that was taken")
    now = uow.now()
    item.finding, item.note, item.follow_up = result.value, note, follow_up
    item.follow_up_done_at = (item.follow_up_done_at or now) if given.follow_up_done else None
    item.decided_at, item.decided_by_name = now, actor.name
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_FINDING_RECORDED,
            result_count=1,
            result_ids=(str(item.audit_seq),),
            details={
                "sample_id": item.sample_id,
                "item_id": item.id,
                "finding": result.value,
                "follow_up_done": given.follow_up_done,
            },
        ),
    )
    uow.commit()
    return item.sample_id


def findings_tally(uow: UnitOfWork, start: datetime, end: datetime) -> list[tuple[str, int, int]]:
    """For the annual report: each sample drawn in [start, end) as (month, sampled, violations)
    and the findings by kind through ``finding_counts``."""
    rows = uow.session.execute(
        select(AuditSample.month, AuditSample.id).where(
            AuditSample.drawn_at >= start, AuditSample.drawn_at < end
        )
    ).all()
    out = []
    for month_name, sample_id in sorted(rows):
        findings = list(
            uow.session.scalars(
                select(AuditSampleItem.finding).where(AuditSampleItem.sample_id == sample_id)
            )
        )
        out.append((month_name, len(findings), sum(1 for f in findings if f == "violation")))
    return out


def finding_counts(uow: UnitOfWork, start: datetime, end: datetime) -> dict[str, int]:
    rows = uow.session.scalars(
        select(AuditSampleItem.finding)
        .join(AuditSample, AuditSample.id == AuditSampleItem.sample_id)
        .where(AuditSample.drawn_at >= start, AuditSample.drawn_at < end)
    )
    return dict(Counter(f or "undecided" for f in rows))
