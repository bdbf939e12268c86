"""Hot-list use cases: entries (propose, approve, reject, remove, renew, expire) and hits.

DUP §4.5 — an entry is made by the investigating officer or designee and alerts only once a
lieutenant other than its author approved it; its author removes it when no longer needed, and
an entry past its expiry stops alerting without being deleted. §4.8 — the entry carries the
entering member (from the account), the case number(s) and a synopsis. An entry whose reason is a
prohibited use (the guard, DUP §3) cannot be made; one the guard would send to review reaches the
lieutenant with the guard's concern. Every step is audited in its own transaction.

Alerts (viewing and working them, the administrator's captures and figures) are in
``hotlists/alerts.py``; the in-memory matcher in ``hotlists/matcher.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from plateward import guard
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor, Permission, allowed
from plateward.core.purpose import check_case_number
from plateward.hotlists import rules
from plateward.hotlists.models import AlertStep, Hit, HotListEntry, HotListState
from plateward.hotlists.rules import EntrySpec, EntryStatus, Priority, ReasonCategory

MAX_NOTE = 500
# The narrow identities of the matcher and of the expiry job.
MATCHER = Actor.worker("hotlist-matching")
EXPIRY_WORKER = Actor.worker("hotlist-expiry")


@dataclass(frozen=True)
class EntryView:
    id: int
    list_name: str
    plate: str
    plate_state: str
    vehicle_description: str
    reason: ReasonCategory
    crime_type: str
    case_numbers: tuple[str, ...]
    synopsis: str
    priority: Priority
    expires_on: date
    status: str
    created_at: datetime
    created_by_id: int | None
    entered_by: str  # DUP §4.8a — "Officer Smith #1234, Robbery Unit"
    guard_decision: str
    guard_message: str | None
    reviewed_by_name: str | None
    review_note: str | None
    end_reason: str | None
    reminded: bool

    @property
    def wanted_person(self) -> bool:
        return self.reason is ReasonCategory.WANTED_PERSON


def entered_by(name: str, badge: str | None, unit: str | None) -> str:
    text = f"{name} #{badge}" if badge else name
    return f"{text}, {unit}" if unit else text


def view(e: HotListEntry) -> EntryView:
    return EntryView(
        e.id,
        e.list_name,
        e.plate,
        e.plate_state,
        e.vehicle_description,
        ReasonCategory(e.reason),
        e.crime_type,
        tuple(e.case_numbers),
        e.synopsis,
        Priority(e.priority),
        e.expires_on,
        e.status,
        e.created_at,
        e.created_by_id,
        entered_by(e.created_by_name, e.created_by_badge, e.created_by_unit),
        e.guard_decision,
        e.guard_message,
        e.reviewed_by_name,
        e.review_note,
        e.end_reason,
        e.reminded_at is not None,
    )


@dataclass(frozen=True)
class EntryResource:
    """An entry's own policy for ``authorize`` (DUP §4.5): approval never by its author, and
    only its author (or an administrator) removes or renews it."""

    id: int
    status: str
    created_by_id: int | None

    @property
    def audit_label(self) -> str:
        return f"hotlist_entry:{self.id}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        if permission is Permission.HOTLISTS_APPROVE:
            return rules.approval_refusal(self.created_by_id, actor.id, self.status)
        if permission is Permission.HOTLISTS_PROPOSE and self.created_by_id != actor.id:
            return "Only the member who entered it (or an administrator) may do this."
        return None


def _entry(uow: UnitOfWork, entry_id: int, *, lock: bool = False) -> HotListEntry:
    query = select(HotListEntry).where(HotListEntry.id == entry_id)
    found = uow.session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound("No such hot-list entry.")
    return found


def _resource(e: HotListEntry) -> EntryResource:
    return EntryResource(e.id, e.status, e.created_by_id)


def bump_version(uow: UnitOfWork) -> int:
    """The next version of the hot lists; the row stays locked until commit, so versions commit
    in order and a matcher that saw version n has seen every change up to n."""
    version = uow.session.execute(
        update(HotListState)
        .where(HotListState.id == 1)
        .values(version=HotListState.version + 1)
        .returning(HotListState.version)
    ).scalar_one()
    return int(version)


def _record(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    e: HotListEntry,
    outcome: Outcome = Outcome.ALLOWED,
    **details: object,
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            action,
            outcome,
            query_terms={"plate": e.plate, "plate_state": e.plate_state},
            result_ids=(str(e.id),),
            details={"entry_id": e.id, "case_numbers": list(e.case_numbers), **details},
        ),
    )


# --- proposing ----------------------------------------------------------------------------------


def _refuse_prohibited(
    uow: UnitOfWork, actor: Actor, spec: EntrySpec, verdict: guard.Verdict
) -> None:
    """DUP §3 — an entry for a prohibited use is never made; the attempt is audited."""
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.HOTLIST_ENTRY_PROPOSED,
            Outcome.DENIED,
            reason=verdict.message,
            query_terms={"plate": spec.plate, "plate_state": spec.plate_state},
            purpose=spec.purpose(),
            details={"guard_rules": list(verdict.rules), "reason": spec.reason.value},
        ),
    )
    uow.commit()
    raise PermissionDenied(verdict.message)


def propose_entry(uow: UnitOfWork, actor: Actor, spec: EntrySpec) -> EntryView:
    """Enter a vehicle; it waits for a lieutenant's approval before it alerts (DUP §4.5)."""
    authorize(uow, actor, Permission.HOTLISTS_PROPOSE)
    # DUP §4.8b, update 2026 — each case number follows the department's format, as in a search.
    for number in spec.case_numbers:
        check_case_number(
            number, uow.settings.case_number_pattern, uow.settings.case_number_example
        )
    verdict = guard.check_purpose(spec.purpose())
    if verdict.decision is guard.Decision.DENY:
        _refuse_prohibited(uow, actor, spec, verdict)
    entry = HotListEntry(
        list_name=rules.DEPARTMENT_LIST,
        plate=spec.plate,
        plate_state=spec.plate_state,
        vehicle_description=spec.vehicle_description,
        reason=spec.reason.value,
        crime_type=spec.crime_type,
        case_numbers=list(spec.case_numbers),
        synopsis=spec.synopsis,
        priority=int(spec.priority),
        expires_on=spec.expires_on,
        status=EntryStatus.PENDING.value,
        created_at=uow.now(),
        created_by_id=actor.id,
        created_by_name=actor.name,
        created_by_badge=actor.badge,
        created_by_unit=actor.unit,
        guard_decision=verdict.decision.value,
        guard_message=verdict.message if verdict.decision is guard.Decision.REVIEW else None,
        change_seq=bump_version(uow),
    )
    uow.session.add(entry)
    uow.session.flush()
    _record(
        uow,
        actor,
        AuditAction.HOTLIST_ENTRY_PROPOSED,
        entry,
        reason_category=spec.reason.value,
        crime_type=spec.crime_type,
        guard=verdict.decision.value,
        guard_rules=list(verdict.rules),
    )
    uow.commit()
    return view(entry)


# --- deciding, ending, renewing -----------------------------------------------------------------


def _note(text: str, label: str, *, required: bool) -> str | None:
    note = " ".join(text.split())
    if required and len(note) < 3:
        raise InvalidInput(f"give the {label}")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"the {label} is limited to {MAX_NOTE} characters")
    return note or None


def _decide(
    uow: UnitOfWork, actor: Actor, entry_id: int, status: EntryStatus, note: str | None
) -> HotListEntry:
    entry = _entry(uow, entry_id, lock=True)
    authorize(uow, actor, Permission.HOTLISTS_APPROVE, _resource(entry))
    entry.status = status.value
    entry.reviewed_at = uow.now()
    entry.reviewed_by_id = actor.id
    entry.reviewed_by_name = entered_by(actor.name, actor.badge, actor.unit)
    entry.review_note = note
    entry.change_seq = bump_version(uow)
    return entry


def approve_entry(uow: UnitOfWork, actor: Actor, entry_id: int, note: str = "") -> EntryView:
    """DUP §4.5 — a lieutenant other than its author approves: from now on it alerts."""
    entry = _decide(uow, actor, entry_id, EntryStatus.ACTIVE, _note(note, "note", required=False))
    _record(uow, actor, AuditAction.HOTLIST_ENTRY_APPROVED, entry, guard=entry.guard_decision)
    uow.commit()
    return view(entry)


def reject_entry(uow: UnitOfWork, actor: Actor, entry_id: int, reason: str) -> EntryView:
    """A lieutenant turns an entry down, saying why (its author reads the reason)."""
    why = _note(reason, "reason for rejecting it", required=True)
    entry = _decide(uow, actor, entry_id, EntryStatus.REJECTED, why)
    _record(uow, actor, AuditAction.HOTLIST_ENTRY_REJECTED, entry, reason=why)
    uow.commit()
    return view(entry)


def _owned(uow: UnitOfWork, actor: Actor, entry_id: int) -> HotListEntry:
    """The entry, when the actor entered it or manages hot lists (both audited when refused)."""
    entry = _entry(uow, entry_id, lock=True)
    permission = (
        Permission.HOTLISTS_MANAGE
        if allowed(actor, Permission.HOTLISTS_MANAGE)
        else Permission.HOTLISTS_PROPOSE
    )
    authorize(uow, actor, permission, _resource(entry))
    return entry


def remove_entry(uow: UnitOfWork, actor: Actor, entry_id: int, reason: str) -> EntryView:
    """DUP §4.5 — the responsible officer takes an entry out when no longer needed; it stops
    alerting at once and stays on record."""
    why = _note(reason, "reason for removing it", required=True)
    entry = _owned(uow, actor, entry_id)
    if entry.status not in (EntryStatus.PENDING, EntryStatus.ACTIVE):
        raise InvalidInput("This entry no longer alerts.")
    entry.status = EntryStatus.REMOVED.value
    entry.ended_at = uow.now()
    entry.ended_by_name = entered_by(actor.name, actor.badge, actor.unit)
    entry.end_reason = why
    entry.change_seq = bump_version(uow)
    _record(uow, actor, AuditAction.HOTLIST_ENTRY_REMOVED, entry, reason=why)
    uow.commit()
    return view(entry)


def renew_entry(uow: UnitOfWork, actor: Actor, entry_id: int, expires_on: date | None) -> EntryView:
    """Extend an entry: an active one keeps alerting; an expired one waits for a lieutenant
    again, since its reason may no longer hold."""
    entry = _owned(uow, actor, entry_id)
    if entry.status not in (EntryStatus.ACTIVE, EntryStatus.EXPIRED):
        raise InvalidInput("Only an active or expired entry can be renewed.")
    entry.expires_on = rules.expiry(expires_on, uow.now().date())
    if entry.status == EntryStatus.EXPIRED:
        entry.status = EntryStatus.PENDING.value
    entry.reminded_at = None
    entry.change_seq = bump_version(uow)
    _record(uow, actor, AuditAction.HOTLIST_ENTRY_RENEWED, entry, expires_on=str(entry.expires_on))
    uow.commit()
    return view(entry)


# --- reading the lists --------------------------------------------------------------------------


def _entries(
    uow: UnitOfWork, *conditions: ColumnElement[bool], limit: int = 500
) -> list[EntryView]:
    query = select(HotListEntry).where(*conditions).order_by(HotListEntry.id.desc()).limit(limit)
    return [view(e) for e in uow.session.scalars(query)]


def my_entries(uow: UnitOfWork, actor: Actor) -> list[EntryView]:
    """The entries this member made, whatever became of them."""
    authorize(uow, actor, Permission.HOTLISTS_PROPOSE)
    return _entries(uow, HotListEntry.created_by_id == actor.id)


def approval_queue(uow: UnitOfWork, actor: Actor) -> list[EntryView]:
    """Entries waiting for a lieutenant (their own are shown but cannot be approved)."""
    authorize(uow, actor, Permission.HOTLISTS_APPROVE)
    return _entries(uow, HotListEntry.status == EntryStatus.PENDING)


def active_entries(uow: UnitOfWork, actor: Actor, permission: Permission) -> list[EntryView]:
    """The department's entries that alert now, for whoever proposes, approves or manages."""
    if permission not in (
        Permission.HOTLISTS_PROPOSE,
        Permission.HOTLISTS_APPROVE,
        Permission.HOTLISTS_MANAGE,
    ):
        raise PermissionDenied("not a hot-list permission")
    authorize(uow, actor, permission)
    return _entries(uow, HotListEntry.status == EntryStatus.ACTIVE)


# --- the expiry job -----------------------------------------------------------------------------


def expire_entries(uow: UnitOfWork) -> str | None:
    """Job body: entries past expiry become inactive (kept, never deleted) and their owners are
    reminded a week ahead (DUP §4.5: timely removal). Idempotent."""
    today = uow.now().date()
    expired = list(
        uow.session.scalars(
            select(HotListEntry)
            .where(HotListEntry.status == EntryStatus.ACTIVE, HotListEntry.expires_on < today)
            .with_for_update(skip_locked=True)
        )
    )
    for entry in expired:
        entry.status = EntryStatus.EXPIRED.value
        entry.ended_at = uow.now()
        entry.change_seq = bump_version(uow)
        _record(uow, EXPIRY_WORKER, AuditAction.HOTLIST_ENTRY_EXPIRED, entry)
    due = list(
        uow.session.scalars(
            select(HotListEntry)
            .where(
                HotListEntry.status == EntryStatus.ACTIVE,
                HotListEntry.reminded_at.is_(None),
                HotListEntry.expires_on <= today + rules.REMIND_BEFORE,
            )
            .with_for_update(skip_locked=True)
        )
    )
    for entry in due:
        entry.reminded_at = uow.now()
        _record(
            uow, EXPIRY_WORKER, AuditAction.HOTLIST_ENTRY_REMINDED, entry, owner=entry.created_by_id
        )
    uow.commit()
    if not (expired or due):
        return None
    return f"{len(expired)} entr(ies) expired, {len(due)} owner reminder(s)"


# --- what the matcher reads and writes ----------------------------------------------------------


_VERSION = select(HotListState.__table__.c.version).where(HotListState.__table__.c.id == 1)


def version(uow: UnitOfWork) -> int:
    """The hot lists' change counter. Asked once per ingested batch, so on the connection itself:
    the ORM's execution layer would cost more than the query."""
    return int(uow.session.connection().execute(_VERSION).scalar() or 0)


@dataclass(frozen=True, slots=True)
class IndexedEntry:
    """What the matcher keeps in memory of an entry (no synopsis, no people)."""

    id: int
    plate: str
    plate_state: str
    priority: int
    expires_on: date
    alerting: bool  # approved; expiry is checked per read


def changed_entries(uow: UnitOfWork, since: int) -> list[IndexedEntry]:
    """Every entry changed after version ``since`` (all of them for 0), as the matcher needs."""
    query = select(
        HotListEntry.id,
        HotListEntry.plate,
        HotListEntry.plate_state,
        HotListEntry.priority,
        HotListEntry.expires_on,
        HotListEntry.status,
    ).where(HotListEntry.change_seq > since)
    if since == 0:
        query = query.where(HotListEntry.status == EntryStatus.ACTIVE)
    return [
        IndexedEntry(i, p, s, prio, exp, status == EntryStatus.ACTIVE)
        for i, p, s, prio, exp, status in uow.session.execute(query)
    ]


@dataclass(frozen=True)
class FoundHit:
    read_id: uuid.UUID
    read_captured_at: datetime
    camera_id: int
    entry_id: int
    match: rules.Match


def record_hits(uow: UnitOfWork, found: Sequence[FoundHit]) -> list[int]:
    """Store the hits a batch produced, once each (matching runs at least once per batch), and
    audit each new one, in the caller's transaction: the ingest hook's dispatch commits them with
    the batch's processed mark. Returns the ids of the hits that are new."""
    if not found:
        return []
    rows = [
        {
            "read_id": f.read_id,
            "read_captured_at": f.read_captured_at,
            "camera_id": f.camera_id,
            "entry_id": f.entry_id,
            "match_kind": f.match.kind.value,
            "state_relation": f.match.state.value,
            "priority": f.match.priority,
            "created_at": uow.now(),
            "stage": "new",
        }
        for f in found
    ]
    insert = pg_insert if uow.dialect == "postgresql" else sqlite_insert
    # One cached statement for any number of rows (a multi-VALUES literal would be compiled anew),
    # on the table itself: the ORM's bulk path with RETURNING cost seven times as much per batch.
    table = cast(Table, Hit.__table__)
    statement = (
        insert(table)
        .on_conflict_do_nothing()
        .returning(table.c.id, table.c.read_id, table.c.entry_id)
    )
    created = [row for row in uow.session.execute(statement, rows) if row is not None]
    if created:
        # One entry for the batch's new hits (the matcher's one access): each read is a result,
        # so "who saw read X" finds it, and each hit is named with its entry and match.
        by_pair = {(f.read_id, f.entry_id): f for f in found}
        hits = [(hit_id, by_pair[(read_id, entry_id)]) for hit_id, read_id, entry_id in created]
        audit.record(
            uow,
            MATCHER,
            AuditEvent(
                AuditAction.HOTLIST_HIT_RECORDED,
                result_count=len(hits),
                result_ids=tuple(dict.fromkeys(str(f.read_id) for _, f in hits)),
                details={
                    "hits": [
                        {
                            "hit_id": hit_id,
                            "entry_id": f.entry_id,
                            "match_kind": f.match.kind.value,
                            "state": f.match.state.value,
                            "priority": f.match.priority,
                        }
                        for hit_id, f in hits
                    ]
                },
            ),
        )
    return [row[0] for row in created]


def newest_hit_id(uow: UnitOfWork) -> int:
    """The highest hit id: the live alert streams wake when it moves (a number, not data)."""
    return int(uow.session.scalar(select(func.max(Hit.id))) or 0)


def hit_watermark(uow: UnitOfWork, floor: int) -> tuple[int, int]:
    """The highest hit id and how many hits lie above ``floor`` (numbers, not data): the live
    streams wake when either moves. The count sees a hit whose id is lower than the highest, which
    happens on PostgreSQL when two ingests commit in the other order than they took their ids."""
    newest, count = uow.session.execute(
        select(func.max(Hit.id), func.count(Hit.id)).where(Hit.id > floor)
    ).one()
    return int(newest or floor), int(count)


# --- retention (issue 15): hits counted for the daily aggregates, then purged -------------------


def hit_counts_by_camera(uow: UnitOfWork, start: datetime, end: datetime) -> dict[int, int]:
    """Hits of reads captured in [start, end), per camera: figures for the daily aggregates."""
    query = (
        select(Hit.camera_id, func.count())
        .where(Hit.read_captured_at >= start, Hit.read_captured_at < end)
        .group_by(Hit.camera_id)
    )
    return {int(camera): int(n) for camera, n in uow.session.execute(query)}


def purge_hits(
    uow: UnitOfWork, start: datetime, end: datetime, keep_read_ids: Collection[uuid.UUID]
) -> int:
    """DUP §7 — the hits (alerts) and their steps for reads captured in [start, end) go with the
    reads, except those of reads a legal hold keeps. Returns how many hits were removed."""
    doomed = select(Hit.id).where(Hit.read_captured_at >= start, Hit.read_captured_at < end)
    if keep_read_ids:
        doomed = doomed.where(Hit.read_id.not_in(list(keep_read_ids)))
    ids = list(uow.session.scalars(doomed))
    for n in range(0, len(ids), 1000):
        chunk = ids[n : n + 1000]
        uow.session.execute(delete(AlertStep).where(AlertStep.hit_id.in_(chunk)))
        uow.session.execute(delete(Hit).where(Hit.id.in_(chunk)))
    return len(ids)


# --- for oversight (issue 18): figures over a period, never plates --------------------------------


def visual_confirmations(uow: UnitOfWork, start: datetime, end: datetime) -> dict[str, int]:
    """DUP §14.3.d — the officers' visual confirmations of hits in [start, end), by result
    (``plate_matches``, misreads…); hits never confirmed count under ``none``."""
    rows = uow.session.execute(
        select(Hit.visual, func.count())
        .where(Hit.read_captured_at >= start, Hit.read_captured_at < end)
        .group_by(Hit.visual)
    )
    return {str(visual or "none"): int(count) for visual, count in rows}


def hit_read_ids(uow: UnitOfWork, start: datetime, end: datetime) -> set[str]:
    """The ids of reads captured in [start, end) that were hits (the DPO's hit flag)."""
    rows = uow.session.scalars(
        select(Hit.read_id).where(Hit.read_captured_at >= start, Hit.read_captured_at < end)
    )
    return {str(read_id) for read_id in rows}
