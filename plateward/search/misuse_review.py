"""The auditor's use cases for misuse signals: the page (the signals, the searches behind each,
the quarterly figures) and the review with a finding.

DUP §9 — audits by a unit other than CDIC; every look at the trail and every finding is itself
recorded in it, in the same transaction. The signals are recorded by ``misuse.record_signals``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission, allowed
from plateward.search import misuse_rules as rules
from plateward.search.misuse import chunks, shown_quarters
from plateward.search.misuse_models import MisuseQuarter, MisuseSignal
from plateward.search.misuse_quarters import QuarterFigures
from plateward.search.misuse_review_rules import (
    Outcome,
    SignalFilters,
    SignalState,
    SignalSubject,
    finding_problem,
)

ENTRIES_SHOWN = 50  # per signal on the page; the signal keeps them all
SIGNALS_SHOWN = 100
EMPTY: tuple[Any, ...] = (None, "", [], {})


@dataclass(frozen=True)
class EntryLine:
    """One search behind a signal, as the auditor reads it (plates included: DUP §9 audits)."""

    seq: int
    at: datetime
    username: str
    name: str
    action: str
    outcome: str
    plate: str | None
    case_number: str | None
    crime_type: str | None
    justification: str | None
    terms: dict[str, Any]
    result_count: int | None

    @property
    def other_terms(self) -> list[tuple[str, Any]]:
        """The query terms besides the plate that were set (window, area, cameras …)."""
        return [(k, v) for k, v in sorted(self.terms.items()) if k != "plate" and v not in EMPTY]


@dataclass(frozen=True)
class SignalView:
    id: int
    kind: str
    kind_label: str
    subject_username: str | None
    subject_person_id: int | None
    case_number: str | None
    period_start: datetime
    period_end: datetime
    explanation: str
    detected_at: datetime
    updated_at: datetime
    state: str
    reviewer: str | None
    reviewed_at: datetime | None
    finding: str | None
    outcome: str | None
    entry_count: int
    entries: tuple[EntryLine, ...]

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome in set(Outcome) else ""


@dataclass(frozen=True)
class SignalsPage:
    filters: SignalFilters
    total: int
    open_count: int
    signals: tuple[SignalView, ...]
    quarters: tuple[QuarterFigures, ...]


def _entry_lines(uow: UnitOfWork, seqs: Sequence[int]) -> dict[int, EntryLine]:
    lines = {}
    for chunk in chunks(sorted(set(seqs))):
        for e in uow.session.scalars(select(AuditEntry).where(AuditEntry.seq.in_(chunk))):
            terms, why = dict(e.query_terms or {}), dict(e.purpose or {})
            lines[e.seq] = EntryLine(
                seq=e.seq,
                at=e.at,
                username=e.actor_username,
                name=e.actor_name,
                action=e.action,
                outcome=e.outcome,
                plate=terms.get("plate") if isinstance(terms.get("plate"), str) else None,
                case_number=e.case_number,
                crime_type=why.get("crime_type"),
                justification=why.get("justification"),
                terms=terms,
                result_count=e.result_count,
            )
    return lines


def _view(row: MisuseSignal, lines: dict[int, EntryLine]) -> SignalView:
    shown = [int(s) for s in row.entry_seqs][-ENTRIES_SHOWN:]
    return SignalView(
        id=row.id,
        kind=row.kind,
        kind_label=rules.SignalKind(row.kind).label if row.kind in set(rules.SignalKind) else "",
        subject_username=row.subject_username,
        subject_person_id=row.subject_person_id,
        case_number=row.case_number,
        period_start=row.period_start,
        period_end=row.period_end,
        explanation=row.explanation,
        detected_at=row.detected_at,
        updated_at=row.updated_at,
        state=row.state,
        reviewer=row.reviewer,
        reviewed_at=row.reviewed_at,
        finding=row.finding,
        outcome=row.outcome,
        entry_count=len(row.entry_seqs),
        entries=tuple(lines[s] for s in reversed(shown) if s in lines),
    )


def quarterly(uow: UnitOfWork) -> tuple[QuarterFigures, ...]:
    """The last quarters' figures as the job last counted them, oldest first."""
    shown = set(shown_quarters(uow))
    rows = {
        (r.year, r.quarter): r
        for r in uow.session.scalars(select(MisuseQuarter))
        if (r.year, r.quarter) in shown
    }
    return tuple(
        QuarterFigures(
            r.year,
            r.quarter,
            r.searches,
            r.boilerplate,
            r.reused,
            r.no_case,
            r.flagged,
            r.computed_at,
        )
        for _, r in sorted(rows.items())
    )


def _listed(uow: UnitOfWork, filters: SignalFilters) -> tuple[int, list[MisuseSignal]]:
    where = []
    if filters.kind:
        where.append(MisuseSignal.kind == filters.kind)
    if filters.state:
        where.append(MisuseSignal.state == filters.state)
    total = uow.session.scalar(select(func.count()).select_from(MisuseSignal).where(*where))
    open_first = case((MisuseSignal.state == str(SignalState.OPEN), 0), else_=1)
    rows = uow.session.scalars(
        select(MisuseSignal)
        .where(*where)
        .order_by(open_first, MisuseSignal.updated_at.desc(), MisuseSignal.id.desc())
        .limit(SIGNALS_SHOWN)
    ).all()
    return total or 0, list(rows)


def signals_page(uow: UnitOfWork, actor: Actor, filters: SignalFilters) -> SignalsPage:
    """The signals (open first), the searches behind each, and the quarterly figures; looking
    is audited with the entries shown (DUP §9: the auditors' own looks are in the trail)."""
    authorize(uow, actor, Permission.AUDIT_READ)
    total, rows = _listed(uow, filters)
    open_count = uow.session.scalar(
        select(func.count()).select_from(MisuseSignal).where(MisuseSignal.state == "open")
    )
    wanted = [int(s) for row in rows for s in row.entry_seqs[-ENTRIES_SHOWN:]]
    lines = _entry_lines(uow, wanted)
    views = tuple(_view(row, lines) for row in rows)
    shown = [line.seq for view in views for line in view.entries]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.MISUSE_SIGNALS_VIEWED,
            query_terms=filters.as_terms(),
            result_count=len(views),
            result_ids=tuple(str(seq) for seq in dict.fromkeys(shown)),
            details={"signal_ids": [v.id for v in views]},
        ),
    )
    page = SignalsPage(filters, total, open_count or 0, views, quarterly(uow))
    uow.commit()
    return page


def review_signal(
    uow: UnitOfWork, actor: Actor, signal_id: int, finding: str, outcome: str
) -> SignalView:
    """The auditor's finding on a signal, recorded once and audited (DUP §9)."""
    authorize(uow, actor, Permission.AUDIT_REVIEW)
    row = uow.session.get(MisuseSignal, signal_id)
    if row is None:
        raise NotFound(f"There is no misuse signal {signal_id}.")
    authorize(uow, actor, Permission.AUDIT_REVIEW, SignalSubject(row.id, row.subject_username))
    if problem := finding_problem(finding, outcome):
        raise InvalidInput(problem)
    if row.state == SignalState.REVIEWED:
        raise Conflict(f"This signal was already reviewed by {row.reviewer}.")
    row.state, row.outcome, row.finding = str(SignalState.REVIEWED), outcome, finding.strip()
    row.reviewer, row.reviewed_at = actor.username, uow.now()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.MISUSE_SIGNAL_REVIEWED,
            details={
                "signal_id": row.id,
                "kind": row.kind,
                "subject": row.subject_username,
                "outcome": outcome,
                "finding": row.finding,
                "entry_seqs": [int(s) for s in row.entry_seqs],
            },
        ),
    )
    uow.commit()
    return _view(row, {})


def may_review(actor: Actor) -> bool:
    """Whether the page offers this actor the review form (the service decides again)."""
    return allowed(actor, Permission.AUDIT_REVIEW)
