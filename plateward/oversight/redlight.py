"""Red-light review use cases: devices, violation events, the manual review queue, decisions.

DUP §2.4, §3.4. A device is enabled only with a red-light notice sign recorded within 61 m
(200 feet) of it (the sign registry, through cameras/service.py). A device's violation events are
stored *pending*; the only function that issues a citation is ``cite``, which needs a named
person holding ``violations:review`` who opened the event's evidence first — no job, device or
ingest path calls it (tests/oversight/test_redlight.py proves it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize, record_refusal
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.oversight.redlight_models import TrafficDevice, ViolationEvent
from plateward.oversight.redlight_rules import (
    NOTICE_DISTANCE_M,
    ViolationFacts,
    ViolationResource,
    ViolationStatus,
    citation_problem,
    decision_problem,
    enable_problem,
)
from plateward.plates.rules import InvalidPlate, normalize_plate, normalize_state


@dataclass(frozen=True)
class DeviceView:
    id: int
    code: str
    name: str
    intersection: str
    latitude: float
    longitude: float
    enabled: bool
    enabled_at: datetime | None
    enabled_by: str | None


@dataclass(frozen=True)
class ViolationView:
    id: int
    device: str
    intersection: str
    occurred_at: datetime
    plate: str
    plate_state: str | None
    evidence_ref: str
    red_for_seconds: float | None
    status: str
    reviewer: str | None
    reviewed_at: datetime | None
    decision_note: str | None
    citation_number: str | None
    opened_by_id: int | None
    image_stored: bool = False  # the evidence's image is in the image folder, to be shown


def _device_view(d: TrafficDevice) -> DeviceView:
    return DeviceView(
        d.id,
        d.code,
        d.name,
        d.intersection,
        d.latitude,
        d.longitude,
        d.enabled,
        d.enabled_at,
        d.enabled_by_name,
    )


IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class EvidenceImage:
    content_type: str
    body: bytes


def stored_evidence(image_dir: Path | None, evidence_ref: str) -> Path | None:
    """The evidence image inside ``image_dir``; a reference may not lead out of it."""
    if image_dir is None or not evidence_ref:
        return None
    root = image_dir.resolve()
    path = (root / evidence_ref).resolve()
    if path.suffix.lower() in IMAGE_TYPES and path.is_relative_to(root) and path.is_file():
        return path
    return None


def _view(e: ViolationEvent, device: TrafficDevice) -> ViolationView:
    reviewer = (
        f"{e.reviewer_name}{f' #{e.reviewer_badge}' if e.reviewer_badge else ''}"
        if e.reviewer_name
        else None
    )
    return ViolationView(
        e.id,
        device.code,
        device.intersection,
        e.occurred_at,
        e.plate,
        e.plate_state,
        e.evidence_ref,
        e.red_for_seconds,
        e.status,
        reviewer,
        e.reviewed_at,
        e.decision_note,
        e.citation_number,
        e.opened_by_id,
    )


def _record(uow: UnitOfWork, actor: Actor, action: AuditAction, **kw: object) -> None:
    audit.record(uow, actor, AuditEvent(action, **kw))  # type: ignore[arg-type]


def _record_step(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    event_id: int,
    device: TrafficDevice,
    **details: object,
) -> None:
    """Audit one step of one violation (its id the result, its device named) and commit."""
    _record(
        uow,
        actor,
        action,
        result_count=1,
        result_ids=(str(event_id),),
        details={"device": device.code, **details},
    )
    uow.commit()


def _device(uow: UnitOfWork, code: str) -> TrafficDevice:
    device = uow.session.scalar(select(TrafficDevice).where(TrafficDevice.code == code))
    if device is None:
        raise NotFound(f"no red-light device with the code '{code[:64]}'")
    return device


# --- devices ------------------------------------------------------------------------------------


def list_devices(uow: UnitOfWork, actor: Actor) -> list[DeviceView]:
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    rows = uow.session.scalars(select(TrafficDevice).order_by(TrafficDevice.code))
    return [_device_view(d) for d in rows]


def register_device(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    name: str,
    intersection: str,
    latitude: float,
    longitude: float,
) -> DeviceView:
    """Record a red-light device, disabled until its notice sign is recorded."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    code, name, intersection = code.strip(), name.strip(), intersection.strip()
    if not code or len(code) > 64 or not name or len(name) > 200 or not intersection:
        raise InvalidInput("a device needs a code (at most 64), a name and its intersection")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput("latitude must be between -90 and 90, longitude between -180 and 180")
    device = TrafficDevice(
        code=code,
        name=name,
        intersection=intersection[:300],
        latitude=latitude,
        longitude=longitude,
        enabled=False,
        registered_at=uow.now(),
    )
    uow.session.add(device)
    try:
        uow.session.flush()
    except IntegrityError:
        raise Conflict(f"a red-light device with the code '{code}' is already registered") from None
    _record(uow, actor, AuditAction.TRAFFIC_DEVICE_REGISTERED, details={"device": code})
    uow.commit()
    return _device_view(device)


def enable_device(uow: UnitOfWork, actor: Actor, code: str) -> DeviceView:
    """DUP §2.4 — enabled only with a red-light notice sign recorded within 61 m (200 feet)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    device = _device(uow, code)
    notice = cameras.red_light_notice_within(
        uow, device.latitude, device.longitude, NOTICE_DISTANCE_M
    )
    problem = enable_problem(notice)
    if problem:
        _record(
            uow,
            actor,
            AuditAction.TRAFFIC_DEVICE_ENABLED,
            outcome=Outcome.DENIED,
            reason=problem,
            details={"device": code},
        )
        uow.commit()
        raise Conflict(problem)
    if not device.enabled:
        device.enabled, device.enabled_at, device.enabled_by_name = True, uow.now(), actor.name
        _record(uow, actor, AuditAction.TRAFFIC_DEVICE_ENABLED, details={"device": code})
        uow.commit()
    return _device_view(device)


# --- violation events: in, and the queue --------------------------------------------------------


@dataclass(frozen=True)
class ViolationIn:
    device: str
    occurred_at: datetime
    plate: str
    plate_state: str | None
    evidence_ref: str
    red_for_seconds: float | None = None


def receive_violation(uow: UnitOfWork, actor: Actor, event: ViolationIn) -> int:
    """A device reports a violation: it is stored *pending* for manual review, nothing more.

    DUP §3.4 — no automated enforcement: this never cites, whatever the event says.
    """
    authorize(uow, actor, Permission.READS_INGEST, target="violations:receive")
    device = _device(uow, event.device)
    if not device.enabled:
        raise Conflict(f"red-light device '{device.code}' is not enabled (DUP §2.4)")
    try:
        state = normalize_state(event.plate_state)
        plate = normalize_plate(event.plate, state, uow.settings.plate_fold_states)
    except InvalidPlate as exc:
        raise InvalidInput(str(exc)) from None
    if not event.evidence_ref.strip() or len(event.evidence_ref) > 500:
        raise InvalidInput("a violation needs its evidence: the reference of its images")
    row = ViolationEvent(
        device_id=device.id,
        occurred_at=event.occurred_at,
        received_at=uow.now(),
        plate=plate,
        plate_state=state,
        evidence_ref=event.evidence_ref.strip(),
        red_for_seconds=event.red_for_seconds,
        status=ViolationStatus.PENDING,
    )
    uow.session.add(row)
    uow.session.flush()
    _record_step(uow, actor, AuditAction.VIOLATION_RECEIVED, row.id, device)
    return row.id


def review_queue(uow: UnitOfWork, actor: Actor) -> list[ViolationView]:
    """The violation events waiting for a reviewer, oldest first (audited: they show plates)."""
    authorize(uow, actor, Permission.VIOLATIONS_REVIEW)
    rows = uow.session.execute(
        select(ViolationEvent, TrafficDevice)
        .join(TrafficDevice, TrafficDevice.id == ViolationEvent.device_id)
        .where(ViolationEvent.status == ViolationStatus.PENDING)
        .order_by(ViolationEvent.occurred_at, ViolationEvent.id)
        .limit(500)
    ).all()
    views = [_view(e, d) for e, d in rows]
    _record(
        uow,
        actor,
        AuditAction.VIOLATION_QUEUE_VIEWED,
        result_count=len(views),
        result_ids=tuple(str(v.id) for v in views),
    )
    uow.commit()
    return views


def _event(uow: UnitOfWork, event_id: int) -> tuple[ViolationEvent, TrafficDevice]:
    found = uow.session.execute(
        select(ViolationEvent, TrafficDevice)
        .join(TrafficDevice, TrafficDevice.id == ViolationEvent.device_id)
        .where(ViolationEvent.id == event_id)
    ).first()
    if found is None:
        raise NotFound(f"no violation with the id {event_id}")
    return found[0], found[1]


def open_violation(uow: UnitOfWork, actor: Actor, event_id: int) -> ViolationView:
    """Show a violation with its evidence; records that this reviewer has opened it."""
    authorize(uow, actor, Permission.VIOLATIONS_REVIEW, ViolationResource(event_id))
    event, device = _event(uow, event_id)
    if event.status == ViolationStatus.PENDING and actor.id is not None:
        event.opened_by_id, event.opened_at = actor.id, uow.now()
    _record_step(
        uow, actor, AuditAction.VIOLATION_OPENED, event.id, device, evidence_ref=event.evidence_ref
    )
    stored = stored_evidence(uow.settings.image_dir, event.evidence_ref) is not None
    return replace(_view(event, device), image_stored=stored)


def evidence_image(uow: UnitOfWork, actor: Actor, event_id: int) -> EvidenceImage:
    """The violation's evidence image, for the reviewer's page (audited: it shows a plate)."""
    authorize(uow, actor, Permission.VIOLATIONS_REVIEW, ViolationResource(event_id))
    event, device = _event(uow, event_id)
    path = stored_evidence(uow.settings.image_dir, event.evidence_ref)
    if path is None:
        raise NotFound("no image of this violation's evidence is stored on this server")
    _record_step(
        uow,
        actor,
        AuditAction.VIOLATION_OPENED,
        event.id,
        device,
        evidence_ref=event.evidence_ref,
        image=True,
    )
    return EvidenceImage(IMAGE_TYPES[path.suffix.lower()], path.read_bytes())


def _decide(uow: UnitOfWork, actor: Actor, event_id: int) -> tuple[ViolationEvent, TrafficDevice]:
    authorize(uow, actor, Permission.VIOLATIONS_REVIEW, ViolationResource(event_id))
    event, device = _event(uow, event_id)
    problem = decision_problem(ViolationFacts(event.id, event.status, event.opened_by_id), actor)
    if problem:
        record_refusal(
            uow,
            actor,
            Permission.VIOLATIONS_REVIEW,
            problem,
            target=f"violation:{event_id}",
        )
        raise PermissionDenied(problem) if "already" not in problem else Conflict(problem)
    return event, device


def cite(
    uow: UnitOfWork, actor: Actor, event_id: int, citation_number: str, note: str
) -> ViolationView:
    """DUP §3.4 — a named reviewer, having reviewed the evidence, issues the citation.

    The only code path that sets a citation: nothing calls it but the reviewer's own request.
    """
    event, device = _decide(uow, actor, event_id)
    problem = citation_problem(citation_number)
    if problem:
        raise InvalidInput(problem)
    if not note.strip() or len(note) > 1000:
        raise InvalidInput("say what the evidence shows (at most 1000 characters)")
    _settle(uow, actor, event, ViolationStatus.CITED, note)
    event.citation_number = citation_number.strip().upper()
    _record_step(
        uow,
        actor,
        AuditAction.VIOLATION_CITED,
        event.id,
        device,
        citation_number=event.citation_number,
    )
    return _view(event, device)


def dismiss(uow: UnitOfWork, actor: Actor, event_id: int, note: str) -> ViolationView:
    """A named reviewer finds no violation, or not enough evidence: no citation."""
    event, device = _decide(uow, actor, event_id)
    if not note.strip() or len(note) > 1000:
        raise InvalidInput("say why the violation is dismissed (at most 1000 characters)")
    _settle(uow, actor, event, ViolationStatus.DISMISSED, note)
    _record_step(uow, actor, AuditAction.VIOLATION_DISMISSED, event.id, device)
    return _view(event, device)


def _settle(
    uow: UnitOfWork, actor: Actor, event: ViolationEvent, status: ViolationStatus, note: str
) -> None:
    event.status = status
    event.reviewer_id, event.reviewer_name, event.reviewer_badge = actor.id, actor.name, actor.badge
    event.reviewed_at, event.decision_note = uow.now(), note.strip()
