"""The outside-access log and each agency's activity (administrators and auditors).

DUP §10 — every outside access is logged: date and time, query terms, person and agency, purpose.
Each is already an audit entry written by the service that touched the data; this reads them
back for the people who oversee sharing. Query terms (which may hold a plate) are shown to the
audit unit only (audit:read); administrators see who, when, which case and how many reads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor, Permission, allowed
from plateward.sharing.models import Agency

LIMIT = 500


@dataclass(frozen=True)
class OutsideAccessRow:
    seq: int
    at: datetime
    agency: str
    person: str
    badge: str | None
    action: str
    outcome: str
    purpose: dict[str, Any] | None
    terms: dict[str, Any] | None  # None: not shown to this viewer
    result_count: int | None
    reason: str | None


@dataclass(frozen=True)
class AgencyActivity:
    agency: str
    ori: str
    kind: str
    state: str
    accesses: int
    refusals: int
    reads_returned: int
    last_at: datetime | None


@dataclass(frozen=True)
class OutsideActivity:
    agencies: list[AgencyActivity]
    rows: list[OutsideAccessRow]


def outside_activity(
    uow: UnitOfWork, actor: Actor, agency_ori: str | None = None
) -> OutsideActivity:
    """Every outside agency's activity, and its latest accesses (one agency's with an ORI)."""
    authorize(uow, actor, Permission.SHARING_VIEW, target="sharing:activity")
    outside = [
        a for a in uow.session.scalars(select(Agency).order_by(Agency.name)) if not a.is_home
    ]
    names = [a.name for a in outside]
    if agency_ori:
        names = [a.name for a in outside if a.ori == agency_ori.strip().upper()]
    entries = list(
        uow.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.actor_agency.in_(names))
            .order_by(AuditEntry.seq.desc())
            .limit(LIMIT)
        )
    )
    with_terms = allowed(actor, Permission.AUDIT_READ)
    rows = [_row(e, with_terms) for e in entries]
    summary = [_summary(a, [e for e in entries if e.actor_agency == a.name]) for a in outside]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_ACTIVITY_VIEWED,
            result_count=len(rows),
            details={"agency": agency_ori, "entries": [r.seq for r in rows[:100]]},
        ),
    )
    uow.commit()
    if agency_ori:
        summary = [s for s in summary if s.ori == agency_ori.strip().upper()]
    return OutsideActivity(summary, rows)


def _row(e: AuditEntry, with_terms: bool) -> OutsideAccessRow:
    return OutsideAccessRow(
        e.seq,
        e.at,
        e.actor_agency or "",
        e.actor_name,
        e.actor_badge,
        e.action,
        e.outcome,
        e.purpose,
        e.query_terms if with_terms else None,
        e.result_count,
        e.reason,
    )


def _summary(agency: Agency, entries: list[AuditEntry]) -> AgencyActivity:
    outcomes = Counter(e.outcome for e in entries)
    returned = sum(e.result_count or 0 for e in entries if e.action == "search.run")
    return AgencyActivity(
        agency.name,
        agency.ori,
        agency.kind,
        agency.state,
        outcomes["allowed"],
        outcomes["denied"],
        returned,
        max((e.at for e in entries), default=None),
    )
