"""The auditor's use cases: search the trail, open an entry, export it, check the chain.

DUP §9 — the trail of requested and accessed information (with the purpose of each query) is
audited by a unit other than CDIC. Auditors read the trail, never the reads; and every look at the
trail is itself recorded in it, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    Text,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.dialects.postgresql import JSONB

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent, RecordKind
from plateward.core.audit_models import canonical
from plateward.core.authorization import authorize
from plateward.core.checkpoints import latest_checkpoint, public_key_hex, verify_since_checkpoint
from plateward.core.database import UnitOfWork
from plateward.core.errors import NotFound
from plateward.core.permissions import Actor, Permission
from plateward.oversight import rules
from plateward.oversight.rules import PAGE_SIZE, TrailFilters

ACTIONS = tuple(str(a) for a in AuditAction)
JSON_COLUMNS = ("query_terms", "purpose", "result_ids", "details")
# Every kind an entry's result ids can be stored under: the typed kinds, and the subject of any
# other action (``camera.registered`` names its ids as "camera"), so each "who saw
# it" link of an entry page is a question the trail accepts.
RECORD_KINDS = tuple(
    sorted({str(k) for k in RecordKind} | {audit.result_kind(a) for a in AuditAction})
)


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
    result_kind: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    """The page's check: the entries after the newest signed checkpoint (docs/audit.md)."""

    ok: bool
    entries: int
    first_bad_seq: int | None
    problem: str | None
    checkpoints: int
    last_checkpoint_seq: int | None
    last_checkpoint_at: datetime | None


def _contains(column: ColumnElement[str], value: str) -> ColumnElement[bool]:
    """Case-insensitive 'contains', the auditor's LIKE wildcards matched literally."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


# The query terms and details as one text: on PostgreSQL exactly the expression of the trigram
# index ix_audit_entries_terms_trgm (migration 0003), so a plate search uses it.
_TERMS_TEXT = cast(AuditEntry.query_terms, Text) + cast(AuditEntry.details, Text)


def _term(uow: UnitOfWork, term: str) -> ColumnElement[bool]:
    """Any part of the terms or details, or a whole result id: two indexed look-ups, united."""
    return AuditEntry.seq.in_(
        union(
            select(AuditEntry.seq).where(_contains(_TERMS_TEXT, term)),
            select(AuditEntry.seq).where(_returned(uow, term)),
        )
    )


def _returned(uow: UnitOfWork, record_id: str) -> ColumnElement[bool]:
    """The entry's (hashed) result ids hold this id, whole.

    PostgreSQL: containment, answered by the GIN index ix_audit_entries_result_ids (migration
    0011a). SQLite: the ids are read from each entry's JSON text (no index there).
    """
    if uow.dialect == "postgresql":
        wanted = cast(literal(canonical([record_id])), JSONB)
        return AuditEntry.result_ids.op("@>", return_type=Boolean)(wanted)
    ids = func.json_each(AuditEntry.result_ids).table_valued("value")
    return exists().where(ids.c.value == record_id)


def _of_kind(kind: str) -> ColumnElement[bool]:
    """Entries whose result ids name records of this kind: the kind follows from the action."""
    typed = [str(a) for a, k in audit.RESULT_KINDS.items() if k == kind]
    untyped = and_(
        or_(AuditEntry.action == kind, AuditEntry.action.startswith(f"{kind}.", autoescape=True)),
        AuditEntry.action.not_in([str(a) for a in audit.RESULT_KINDS]),
    )
    return or_(AuditEntry.action.in_(typed), untyped) if typed else untyped


def returned_record(uow: UnitOfWork, kind: str, record_id: str) -> ColumnElement[bool]:
    """The entries that returned this record (of this kind, when one is given)."""
    returned = _returned(uow, record_id)
    return and_(returned, _of_kind(kind)) if kind else returned


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
        where.append(_term(uow, f.term))
    if f.case_number:
        # Indexed (ix_audit_entries_case_number): the whole case number, as recorded.
        where.append(AuditEntry.case_number == f.case_number)
    if f.purpose:
        where.append(_contains(cast(AuditEntry.purpose, Text), f.purpose))
    if f.record_id:
        # "Who saw record X": the entries whose hashed result ids hold it (indexed on PostgreSQL).
        where.append(returned_record(uow, f.record_kind, f.record_id))
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
        canonical(e.query_terms),
        None if e.purpose is None else canonical(e.purpose),
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
        query_terms=dict(e.query_terms or {}),
        purpose=None if e.purpose is None else dict(e.purpose),
        result_count=e.result_count,
        result_ids=[str(i) for i in e.result_ids or []],
        result_kind=audit.result_kind(e.action),
        details=dict(e.details or {}),
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
            row = {column: getattr(e, column) for column in rules.CSV_COLUMNS}
            for column in JSON_COLUMNS:  # the canonical text each entry's hash covers
                if column in row and row[column] is not None:
                    row[column] = canonical(row[column])
            yield row
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


def who_saw(
    uow: UnitOfWork, actor: Actor, record_kind: str, record_id: str, page: int = 1
) -> TrailPage:
    """Every entry that returned the record (e.g. read X), newest first; the question is audited.

    DUP §9 — the trail records what was returned; this answers it from the entries' result ids.
    """
    filters = rules.record_filters(record_kind, record_id, RECORD_KINDS)
    return search_trail(uow, actor, filters, page)


def chain_status(uow: UnitOfWork, actor: Actor) -> ChainReport:
    """The newest signed checkpoint and every entry after it (invariant 6; docs/audit.md).

    The page runs this on every load: it walks only the entries since the newest checkpoint. The
    whole trail and every older checkpoint are checked by ``plateward audit verify``.
    """
    authorize(uow, actor, Permission.AUDIT_READ)
    trusted = public_key_hex(uow.settings.audit_signing_key)
    status = verify_since_checkpoint(uow.session, trusted)
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
