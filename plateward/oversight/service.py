"""The auditor's use cases: search the trail, open an entry, export it, check the chain.

DUP §9 — the trail of requested and accessed information (with the purpose of each query) is
audited by a unit other than CDIC. Auditors read the trail, never the reads; and every look at the
trail is itself recorded in it, in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.checkpoints import latest_checkpoint, public_key_hex, verify_trail
from plateward.core.database import UnitOfWork
from plateward.core.errors import NotFound
from plateward.core.permissions import Actor, Permission
from plateward.oversight import rules
from plateward.oversight.rules import PAGE_SIZE, TrailFilters

ACTIONS = tuple(str(a) for a in AuditAction)


@dataclass(frozen=True)
class TrailRow:
    seq: int
    at: datetime
    actor_username: str
    actor_name: str
    actor_badge: str | None
    actor_unit: str | None
    actor_role: str
    action: str
    outcome: str
    reason: str | None
    query_terms: str
    purpose: str | None
    result_count: int | None


@dataclass(frozen=True)
class TrailPage:
    filters: TrailFilters
    page: int
    total: int
    rows: tuple[TrailRow, ...]

    @property
    def pages(self) -> int:
        return rules.page_count(self.total)


@dataclass(frozen=True)
class EntryView:
    seq: int
    at: datetime
    actor_kind: str
    actor_id: int | None
    actor_username: str
    actor_name: str
    actor_badge: str | None
    actor_unit: str | None
    actor_agency: str | None
    actor_role: str
    client_address: str | None
    action: str
    outcome: str
    reason: str | None
    query_terms: dict[str, Any]
    purpose: dict[str, Any] | None
    result_count: int | None
    result_ids: list[str]
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    first_bad_seq: int | None
    problem: str | None
    checkpoints: int
    last_checkpoint_seq: int | None
    last_checkpoint_at: datetime | None


def _case_number(dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        text: ColumnElement[str] = cast(AuditEntry.purpose, JSONB)[rules.CASE_NUMBER_KEY].astext
        return text
    return func.json_extract(AuditEntry.purpose, f"$.{rules.CASE_NUMBER_KEY}", type_=String)


def _conditions(uow: UnitOfWork, f: TrailFilters) -> list[ColumnElement[bool]]:
    """Bound parameters only; LIKE wildcards typed by the auditor are matched literally."""
    where: list[ColumnElement[bool]] = []
    if f.person:
        where.append(
            or_(
                AuditEntry.actor_username.icontains(f.person, autoescape=True),
                AuditEntry.actor_name.icontains(f.person, autoescape=True),
            )
        )
    start, end = rules.utc_bounds(f, ZoneInfo(uow.settings.timezone))
    if start is not None:
        where.append(AuditEntry.at >= start)
    if end is not None:
        where.append(AuditEntry.at < end)
    if f.term:
        where.append(
            or_(
                *(
                    column.icontains(f.term, autoescape=True)
                    for column in (
                        AuditEntry.query_terms,
                        AuditEntry.details,
                        AuditEntry.result_ids,
                    )
                )
            )
        )
    if f.case_number:
        where.append(_case_number(uow.dialect).icontains(f.case_number, autoescape=True))
    if f.purpose:
        where.append(AuditEntry.purpose.icontains(f.purpose, autoescape=True))
    if f.outcome:
        where.append(AuditEntry.outcome == f.outcome)
    if f.action:
        where.append(AuditEntry.action == f.action)
    return where


def _matching(uow: UnitOfWork, filters: TrailFilters) -> Select[AuditEntry]:
    return select(AuditEntry).where(*_conditions(uow, filters))


def _row(e: AuditEntry) -> TrailRow:
    return TrailRow(
        e.seq,
        e.at,
        e.actor_username,
        e.actor_name,
        e.actor_badge,
        e.actor_unit,
        e.actor_role,
        e.action,
        e.outcome,
        e.reason,
        e.query_terms,
        e.purpose,
        e.result_count,
    )


def search_trail(uow: UnitOfWork, actor: Actor, filters: TrailFilters, page: int = 1) -> TrailPage:
    """One page of matching entries, newest first; the search is itself audited."""
    authorize(uow, actor, Permission.AUDIT_READ)
    total = uow.session.scalar(
        select(func.count()).select_from(AuditEntry).where(*_conditions(uow, filters))
    )
    entries = uow.session.scalars(
        _matching(uow, filters)
        .order_by(AuditEntry.seq.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    rows = tuple(_row(e) for e in entries)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_SEARCHED,
            query_terms={**filters.as_terms(), "page": page},
            result_count=total or 0,
            result_ids=tuple(str(r.seq) for r in rows),
        ),
    )
    uow.commit()
    return TrailPage(filters, page, total or 0, rows)


def _loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def _entry_view(e: AuditEntry) -> EntryView:
    return EntryView(
        seq=e.seq,
        at=e.at,
        actor_kind=e.actor_kind,
        actor_id=e.actor_id,
        actor_username=e.actor_username,
        actor_name=e.actor_name,
        actor_badge=e.actor_badge,
        actor_unit=e.actor_unit,
        actor_agency=e.actor_agency,
        actor_role=e.actor_role,
        client_address=e.client_address,
        action=e.action,
        outcome=e.outcome,
        reason=e.reason,
        query_terms=_loads(e.query_terms) or {},
        purpose=_loads(e.purpose),
        result_count=e.result_count,
        result_ids=[str(i) for i in _loads(e.result_ids) or []],
        details=_loads(e.details) or {},
        prev_hash=e.prev_hash,
        hash=e.hash,
    )


def entry(uow: UnitOfWork, actor: Actor, seq: int) -> EntryView:
    """One entry in full, its JSON parsed; opening it is audited."""
    authorize(uow, actor, Permission.AUDIT_READ)
    found = uow.session.get(AuditEntry, seq)
    if found is None:
        raise NotFound(f"There is no audit entry {seq}.")
    view = _entry_view(found)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_ENTRY_VIEWED,
            query_terms={"seq": seq},
            result_count=1,
            result_ids=(str(seq),),
        ),
    )
    uow.commit()
    return view


def _export_rows(
    uow: UnitOfWork, filters: TrailFilters, batch: int = 5000
) -> Iterator[dict[str, object]]:
    """Every matching entry in trail order, read in batches so a long trail stays in bounds."""
    after = 0
    while True:
        entries = uow.session.scalars(
            _matching(uow, filters)
            .where(AuditEntry.seq > after)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not entries:
            return
        for e in entries:
            yield {column: getattr(e, column) for column in rules.CSV_COLUMNS}
        after = entries[-1].seq


def export_csv(uow: UnitOfWork, actor: Actor, filters: TrailFilters) -> str:
    """All matching entries as CSV; the export (its filters and count) is audited."""
    authorize(uow, actor, Permission.AUDIT_EXPORT)
    rows = list(_export_rows(uow, filters))
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_EXPORTED,
            query_terms=filters.as_terms(),
            result_count=len(rows),
            details={
                "format": "csv",
                "first_seq": rows[0]["seq"] if rows else None,
                "last_seq": rows[-1]["seq"] if rows else None,
            },
        ),
    )
    uow.commit()
    return rules.csv_text(rows)


def chain_status(uow: UnitOfWork, actor: Actor) -> ChainReport:
    """Walk the chain and check it against the signed checkpoints (invariant 6)."""
    authorize(uow, actor, Permission.AUDIT_READ)
    trusted = public_key_hex(uow.settings.audit_signing_key)
    status = verify_trail(uow.session, trusted)
    last = latest_checkpoint(uow.session)
    return ChainReport(
        status.ok,
        status.entries,
        status.first_bad_seq,
        status.problem,
        status.checkpoints,
        last.last_seq if last else None,
        last.at if last else None,
    )
