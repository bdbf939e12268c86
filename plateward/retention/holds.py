"""Legal holds: an investigator holds the reads a case needs past retention; a lieutenant approves.

DUP §7 — data related to an active investigation of a crime that is not a prohibited use is kept
past retention, "through the adjudication of a case …, as well as allotment of time for an
appeals process and statute of limitations". So:

- a hold names reads (from search results or a read's page) and a case: crime type, case number
  in the department's format, justification — a ``Purpose`` the prohibited-use guard judges
  before anything is copied (DUP §3: a hold for a prohibited purpose cannot exist);
- placing it copies the reads and their images into the evidence store (``held_reads``), apart
  from the live table the purge drops by whole days;
- a lieutenant other than the one who placed it approves it (or rejects it: the copies go);
- it follows the case (active investigation, charged, adjudicated, appeal window) with a review
  date at each stage, and the review job reminds whoever holds it when the date passes;
- released, its copies are deleted and its backup key destroyed.
Every step is audited in the same transaction; opening a hold's reads is audited with their ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, func, select

from plateward import guard
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound, PurposeRefused
from plateward.core.permissions import Actor, Permission, allowed
from plateward.core.purpose import Purpose, check_case_number
from plateward.reads import service as reads
from plateward.retention import keys, rules
from plateward.retention.models import HeldRead, LegalHold
from plateward.retention.rules import HoldStatus

PLACE, APPROVE = Permission.HOLDS_PLACE, Permission.HOLDS_APPROVE
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
NOT_VISIBLE = "Some of these reads are not available to you (past retention, or not yours to see)."
NO_SUCH_HOLD = "There is no such legal hold."
MAX_NOTE = 500
REVIEW_WORKER = Actor.worker("legal-hold-reviews")


@dataclass(frozen=True)
class HoldResource:
    """A hold's own policy (pure): approval by a lieutenant other than its investigator, once;
    the case's work (status, review, release) by its investigator or a lieutenant."""

    id: int
    status: HoldStatus
    placed_by_id: int | None
    approving: bool

    @property
    def audit_label(self) -> str:
        return f"legal_hold:{self.id}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        if permission is APPROVE and self.approving:
            return rules.approval_refusal(self.placed_by_id, actor.id, self.status)
        if permission is PLACE and self.placed_by_id != actor.id:
            return "Only the investigator who placed the hold, or a lieutenant, may do this."
        return None


@dataclass(frozen=True)
class HeldReadView:
    read_id: str
    captured_at: datetime
    camera: str
    plate: str
    plate_state: str | None
    confidence: float | None
    vehicle: str
    latitude: float | None
    longitude: float | None
    has_image: bool


@dataclass(frozen=True)
class HoldView:
    id: int
    case_number: str
    crime_type: str
    justification: str
    status: HoldStatus
    placed_at: datetime
    placed_by: str
    placed_by_id: int | None
    guard_decision: str
    guard_message: str | None
    decided_by: str | None
    decision_note: str | None
    review_due_on: date | None
    reminded: bool
    read_count: int

    @property
    def next_statuses(self) -> list[HoldStatus]:
        return sorted(rules.next_statuses(self.status), key=list(HoldStatus).index)

    def review_overdue(self, today: date) -> bool:
        return self.review_due_on is not None and self.review_due_on <= today


@dataclass(frozen=True)
class HoldDetail:
    hold: HoldView
    reads: list[HeldReadView]


def _view(h: LegalHold, count: int) -> HoldView:
    return HoldView(
        h.id,
        h.case_number,
        h.crime_type,
        h.justification,
        HoldStatus(h.status),
        h.placed_at,
        h.placed_by_name,
        h.placed_by_id,
        h.guard_decision,
        h.guard_message,
        h.decided_by_name,
        h.decision_note,
        h.review_due_on,
        h.reminded_at is not None,
        count,
    )


def _counts(uow: UnitOfWork, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = (
        select(HeldRead.hold_id, func.count())
        .where(HeldRead.hold_id.in_(ids))
        .group_by(HeldRead.hold_id)
    )
    return {int(h): int(n) for h, n in uow.session.execute(query)}


def _views(uow: UnitOfWork, holds: Sequence[LegalHold]) -> list[HoldView]:
    counts = _counts(uow, [h.id for h in holds])
    return [_view(h, counts.get(h.id, 0)) for h in holds]


def _hold(uow: UnitOfWork, hold_id: int, *, lock: bool = False) -> LegalHold:
    query = select(LegalHold).where(LegalHold.id == hold_id)
    found = uow.session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(NO_SUCH_HOLD)
    return found


def _resource(h: LegalHold, *, approving: bool = False) -> HoldResource:
    return HoldResource(h.id, HoldStatus(h.status), h.placed_by_id, approving)


def _record(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    h: LegalHold,
    outcome: Outcome = Outcome.ALLOWED,
    **details: object,
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            action,
            outcome,
            details={"hold_id": h.id, "case_number": h.case_number, "status": h.status, **details},
        ),
    )


def _read_ids(values: Sequence[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(v) for v in rules.held_read_ids(list(values))]
    except ValueError:
        raise InvalidInput("a read id is not valid") from None


def _image(image_dir: Path | None, image_ref: str | None) -> tuple[str, bytes] | None:
    """The camera's image of a read, when one is stored inside ``image_dir`` (as search shows)."""
    path = image_path(image_dir, image_ref)
    if path is None:
        return None
    return IMAGE_TYPES[path.suffix.lower()], path.read_bytes()


def image_path(image_dir: Path | None, image_ref: str | None) -> Path | None:
    """Where a read's image file lies inside ``image_dir``; None when it has none there."""
    if image_dir is None or not image_ref:
        return None
    root = image_dir.resolve()
    for name in (image_ref, *(image_ref + suffix for suffix in IMAGE_TYPES)):
        path = (root / name).resolve()
        # An image_ref comes from a camera: it may not lead out of the image folder.
        if path.suffix.lower() in IMAGE_TYPES and path.is_relative_to(root) and path.is_file():
            return path
    return None


# --- placing ---


def _refuse_prohibited(
    uow: UnitOfWork, actor: Actor, purpose: Purpose, ids: list[uuid.UUID], verdict: guard.Verdict
) -> None:
    """DUP §3 — a hold for a prohibited use is never made; the attempt is audited."""
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.LEGAL_HOLD_PLACED,
            Outcome.DENIED,
            reason=_for_a_hold(verdict.message),
            purpose=purpose,
            query_terms={"reads": [str(i) for i in ids]},
            details={"guard_rules": list(verdict.rules)},
        ),
    )
    uow.commit()
    raise PurposeRefused(_for_a_hold(verdict.message))


def _for_a_hold(message: str) -> str:
    """The guard's words are a search's ("Nothing was searched."); a hold's end differently."""
    return message.removesuffix(guard.NOTHING_SEARCHED) + "Nothing was held."


def place_hold(
    uow: UnitOfWork, actor: Actor, purpose: Purpose, read_ids: Sequence[str]
) -> HoldView:
    """An investigator holds reads for a case; they wait for a lieutenant's approval."""
    authorize(uow, actor, PLACE)
    settings = uow.settings
    check_case_number(
        purpose.case_number, settings.case_number_pattern, settings.case_number_example
    )
    ids = _read_ids(read_ids)
    # DUP §3 — the guard decides before any read is copied.
    verdict = guard.check_purpose(purpose)
    if verdict.decision is guard.Decision.DENY:
        _refuse_prohibited(uow, actor, purpose, ids, verdict)
    copies = reads.read_copies(uow, actor, ids)
    if len(copies) != len(ids):
        raise NotFound(NOT_VISIBLE)
    now = uow.now()
    hold = LegalHold(
        case_number=purpose.case_number,
        crime_type=purpose.crime_type,
        category=purpose.category.value,
        justification=purpose.justification,
        status=HoldStatus.PENDING.value,
        placed_at=now,
        placed_by_id=actor.id,
        placed_by_name=actor.name,
        guard_decision=verdict.decision.value,
        guard_message=(
            _for_a_hold(verdict.message)[:500]
            if verdict.decision is guard.Decision.REVIEW
            else None
        ),
        status_changed_at=now,
        review_due_on=rules.review_due(HoldStatus.PENDING, now.date()),
    )
    uow.session.add(hold)
    uow.session.flush()
    for copy in copies:
        image = _image(settings.image_dir, copy.image_ref)
        v = copy.view
        uow.session.add(
            HeldRead(
                hold_id=hold.id,
                read_id=uuid.UUID(v.id),
                captured_at=v.captured_at,
                camera_code=v.camera,
                plate=v.plate,
                plate_raw=v.plate_raw,
                plate_state=v.plate_state,
                confidence=v.confidence,
                vehicle=v.vehicle[:200],
                latitude=v.latitude,
                longitude=v.longitude,
                image_type=image[0] if image else None,
                image=image[1] if image else None,
            )
        )
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.LEGAL_HOLD_PLACED,
            purpose=purpose,
            result_count=len(copies),
            result_ids=tuple(c.view.id for c in copies),
            details={"hold_id": hold.id, "guard": verdict.decision.value},
        ),
    )
    uow.commit()
    return _view(hold, len(copies))


# --- deciding, following the case, releasing ---


def _note(text: str, label: str, *, required: bool) -> str | None:
    note = " ".join(text.split())
    if required and len(note) < 3:
        raise InvalidInput(f"give the {label}")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"the {label} is limited to {MAX_NOTE} characters")
    if not note.isprintable():
        raise InvalidInput(f"the {label} may not contain control characters")
    return note or None


def _enter(uow: UnitOfWork, h: LegalHold, status: HoldStatus) -> None:
    now = uow.now()
    h.status = status.value
    h.status_changed_at = now
    h.review_due_on = rules.review_due(status, now.date())
    h.reminded_at = None


def approve_hold(uow: UnitOfWork, actor: Actor, hold_id: int, note: str = "") -> HoldView:
    """A lieutenant other than the investigator approves: the reads are held for the case."""
    hold = _hold(uow, hold_id, lock=True)
    authorize(uow, actor, APPROVE, _resource(hold, approving=True))
    why = _note(note, "note", required=False)
    hold.decided_at, hold.decided_by_id, hold.decided_by_name = uow.now(), actor.id, actor.name
    hold.decision_note = why
    _enter(uow, hold, HoldStatus.ACTIVE_INVESTIGATION)
    _record(uow, actor, AuditAction.LEGAL_HOLD_APPROVED, hold, guard=hold.guard_decision)
    uow.commit()
    return _view(hold, _counts(uow, [hold.id]).get(hold.id, 0))


def any_ended_since(uow: UnitOfWork, since: datetime | None) -> bool:
    """Whether a hold was released or rejected (its copies deleted) since ``since`` (ever, if
    None): the purge then erases the deleted copies from the evidence store's file."""
    ended = select(LegalHold.id).where(LegalHold.ended_at.is_not(None))
    if since is not None:
        ended = ended.where(LegalHold.ended_at >= since)
    return uow.session.scalar(ended.limit(1)) is not None


def _purge_copies(uow: UnitOfWork, hold: LegalHold) -> int:
    removed = _counts(uow, [hold.id]).get(hold.id, 0)
    uow.session.execute(delete(HeldRead).where(HeldRead.hold_id == hold.id))
    keys.destroy(uow, keys.HOLD, str(hold.id))
    return removed


def reject_hold(uow: UnitOfWork, actor: Actor, hold_id: int, reason: str) -> HoldView:
    """A lieutenant turns a hold down, saying why: its copies are purged at once."""
    hold = _hold(uow, hold_id, lock=True)
    authorize(uow, actor, APPROVE, _resource(hold, approving=True))
    why = _note(reason, "reason for rejecting it", required=True)
    hold.decided_at, hold.decided_by_id, hold.decided_by_name = uow.now(), actor.id, actor.name
    hold.decision_note = why
    _enter(uow, hold, HoldStatus.REJECTED)
    hold.ended_at, hold.ended_by_name = uow.now(), actor.name
    removed = _purge_copies(uow, hold)
    _record(uow, actor, AuditAction.LEGAL_HOLD_REJECTED, hold, purged_reads=removed)
    uow.commit()
    return _view(hold, 0)


def _authorize_case_work(uow: UnitOfWork, actor: Actor, hold: LegalHold) -> None:
    """The investigator who placed the hold, or any lieutenant, follows the case."""
    if allowed(actor, APPROVE):
        authorize(uow, actor, APPROVE, _resource(hold))
    else:
        authorize(uow, actor, PLACE, _resource(hold))


def change_status(uow: UnitOfWork, actor: Actor, hold_id: int, status: str) -> HoldView:
    """The case moves on (charged, adjudicated, appeal window) or ends (released)."""
    hold = _hold(uow, hold_id, lock=True)
    _authorize_case_work(uow, actor, hold)
    try:
        wanted = HoldStatus(status)
    except ValueError:
        raise InvalidInput("choose one of the hold's next stages") from None
    refusal = rules.transition_refusal(HoldStatus(hold.status), wanted)
    if refusal is not None:
        raise InvalidInput(refusal)
    if wanted is HoldStatus.RELEASED:
        return _release(uow, actor, hold)
    before = hold.status
    _enter(uow, hold, wanted)
    _record(uow, actor, AuditAction.LEGAL_HOLD_STATUS_CHANGED, hold, before=before)
    uow.commit()
    return _view(hold, _counts(uow, [hold.id]).get(hold.id, 0))


def release_hold(uow: UnitOfWork, actor: Actor, hold_id: int) -> HoldView:
    return change_status(uow, actor, hold_id, HoldStatus.RELEASED.value)


def _release(uow: UnitOfWork, actor: Actor, hold: LegalHold) -> HoldView:
    """DUP §7 — once the case no longer needs them, the held reads are purged like any other."""
    before = hold.status
    _enter(uow, hold, HoldStatus.RELEASED)
    hold.ended_at, hold.ended_by_name = uow.now(), actor.name
    removed = _purge_copies(uow, hold)
    _record(uow, actor, AuditAction.LEGAL_HOLD_RELEASED, hold, before=before, purged_reads=removed)
    uow.commit()
    return _view(hold, 0)


def review_hold(uow: UnitOfWork, actor: Actor, hold_id: int, note: str) -> HoldView:
    """Someone on the case confirms the hold still serves it: the next review date is set."""
    hold = _hold(uow, hold_id, lock=True)
    _authorize_case_work(uow, actor, hold)
    why = _note(note, "reason the case still needs the reads", required=True)
    status = HoldStatus(hold.status)
    if not status.in_force:
        raise InvalidInput("only an approved hold that is not released is reviewed")
    hold.review_due_on = rules.review_due(status, uow.now().date())
    hold.reminded_at = None
    _record(uow, actor, AuditAction.LEGAL_HOLD_REVIEWED, hold, note=why)
    uow.commit()
    return _view(hold, _counts(uow, [hold.id]).get(hold.id, 0))


# --- what people see ---


def my_holds(uow: UnitOfWork, actor: Actor) -> list[HoldView]:
    authorize(uow, actor, PLACE)
    query = (
        select(LegalHold).where(LegalHold.placed_by_id == actor.id).order_by(LegalHold.id.desc())
    )
    return _views(uow, uow.session.scalars(query.limit(200)).all())


def approval_queue(uow: UnitOfWork, actor: Actor) -> list[HoldView]:
    """Holds waiting for a lieutenant, and those in force (a lieutenant follows every case)."""
    authorize(uow, actor, APPROVE)
    query = (
        select(LegalHold)
        .where(LegalHold.status.not_in([HoldStatus.REJECTED.value, HoldStatus.RELEASED.value]))
        .order_by(LegalHold.id.desc())
    )
    return _views(uow, uow.session.scalars(query.limit(500)).all())


def hold_detail(uow: UnitOfWork, actor: Actor, hold_id: int) -> HoldDetail:
    """A hold and its held reads, for its investigator or a lieutenant; audited with the ids."""
    hold = _hold(uow, hold_id)
    _authorize_case_work(uow, actor, hold)
    rows = uow.session.scalars(
        select(HeldRead).where(HeldRead.hold_id == hold.id).order_by(HeldRead.captured_at)
    ).all()
    views = [
        HeldReadView(
            str(r.read_id),
            r.captured_at,
            r.camera_code,
            r.plate,
            r.plate_state,
            r.confidence,
            r.vehicle,
            r.latitude,
            r.longitude,
            r.image is not None,
        )
        for r in rows
    ]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.LEGAL_HOLD_VIEWED,
            query_terms={"hold_id": hold.id},
            result_count=len(views),
            result_ids=tuple(v.read_id for v in views),
            details={"case_number": hold.case_number},
        ),
    )
    uow.commit()
    return HoldDetail(_view(hold, len(views)), views)


def held_image(uow: UnitOfWork, actor: Actor, hold_id: int, read_id: str) -> tuple[str, bytes]:
    """A held read's image from the evidence store; audited like a read's image."""
    hold = _hold(uow, hold_id)
    _authorize_case_work(uow, actor, hold)
    try:
        wanted = uuid.UUID(read_id)
    except ValueError:
        raise NotFound("That read is not held by this hold.") from None
    row = uow.session.get(HeldRead, (hold.id, wanted))
    if row is None or row.image is None or row.image_type is None:
        raise NotFound("That read is not held by this hold, or has no image.")
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.READ_IMAGE_VIEWED,
            result_count=1,
            result_ids=(str(wanted),),
            details={"hold_id": hold.id, "case_number": hold.case_number},
        ),
    )
    uow.commit()
    return row.image_type, row.image


def holds_overview(uow: UnitOfWork, actor: Actor) -> list[HoldView]:
    """Every hold and its status for the administrator: case, stage, counts; never a plate."""
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    query = select(LegalHold).order_by(LegalHold.id.desc()).limit(500)
    return _views(uow, uow.session.scalars(query).all())


# --- for the purge and backups ---


def kept_read_ids(uow: UnitOfWork) -> set[uuid.UUID]:
    """Reads held by a hold that keeps data (pending or in force): their hits survive purge."""
    holding = [s.value for s in HoldStatus if s.holds_data]
    query = (
        select(HeldRead.read_id)
        .join(LegalHold, LegalHold.id == HeldRead.hold_id)
        .where(LegalHold.status.in_(holding))
    )
    return set(uow.session.scalars(query))


def holds_with_data(uow: UnitOfWork) -> list[int]:
    holding = [s.value for s in HoldStatus if s.holds_data]
    return list(uow.session.scalars(select(LegalHold.id).where(LegalHold.status.in_(holding))))


def review_reminders(uow: UnitOfWork) -> str | None:
    """Job body: holds whose review date has passed are flagged once, and the reminder audited
    (the investigator and lieutenants see it on their holds pages)."""
    today = uow.now().date()
    due = uow.session.scalars(
        select(LegalHold)
        .where(
            LegalHold.review_due_on <= today,
            LegalHold.reminded_at.is_(None),
            LegalHold.status.not_in([HoldStatus.REJECTED.value, HoldStatus.RELEASED.value]),
        )
        .with_for_update(skip_locked=True)
    ).all()
    for hold in due:
        hold.reminded_at = uow.now()
        _record(
            uow,
            REVIEW_WORKER,
            AuditAction.LEGAL_HOLD_REVIEW_DUE,
            hold,
            owner=hold.placed_by_id,
            due=hold.review_due_on.isoformat() if hold.review_due_on else None,
        )
    return f"{len(due)} legal hold(s) due for review" if due else None
