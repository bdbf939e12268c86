"""The incident register (DUP §12): suspected breaches, restricted to administrators and the DPO,
every view and change audited. The trail records the reference and stage, never the description or
the data involved (which may itself be sensitive)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import NotFound
from plateward.core.permissions import Actor, Permission
from plateward.oversight import incident_rules as rules
from plateward.oversight.models import Incident


@dataclass(frozen=True)
class IncidentView:
    id: int
    reference: str
    found_at: datetime
    found_by: str
    data_involved: str
    description: str
    stage: str
    containment: str | None
    notification: str | None
    closure: str | None
    confirmed_breach: bool
    recorded_at: datetime
    recorded_by_name: str
    updated_at: datetime
    closed_at: datetime | None


def _view(i: Incident) -> IncidentView:
    return IncidentView(
        i.id,
        i.reference,
        i.found_at,
        i.found_by,
        i.data_involved,
        i.description,
        i.stage,
        i.containment,
        i.notification,
        i.closure,
        i.confirmed_breach,
        i.recorded_at,
        i.recorded_by_name,
        i.updated_at,
        i.closed_at,
    )


def _audit(
    uow: UnitOfWork, actor: Actor, action: AuditAction, refs: list[str], **details: object
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(action, result_count=len(refs), result_ids=tuple(refs), details=details),
    )


@dataclass(frozen=True)
class Report:
    found_by: str
    data_involved: str
    description: str


def record_incident(uow: UnitOfWork, actor: Actor, report: Report) -> IncidentView:
    """Enter a suspected breach: who found it, what data, what happened."""
    authorize(uow, actor, Permission.INCIDENTS_MANAGE)
    now = uow.now()
    count = uow.session.scalar(select(func.count()).select_from(Incident)) or 0
    incident = Incident(
        reference=rules.reference(now.year, count + 1),
        found_at=now,
        found_by=rules.text(report.found_by, "who found it", rules.MAX_NAME),
        data_involved=rules.text(report.data_involved, "what data is involved"),
        description=rules.text(report.description, "what happened"),
        stage=rules.Stage.REPORTED.value,
        confirmed_breach=False,
        recorded_at=now,
        recorded_by_name=actor.name,
        updated_at=now,
    )
    uow.session.add(incident)
    uow.session.flush()
    _audit(uow, actor, AuditAction.INCIDENT_RECORDED, [incident.reference], stage=incident.stage)
    uow.commit()
    return _view(incident)


def list_incidents(uow: UnitOfWork, actor: Actor) -> list[IncidentView]:
    authorize(uow, actor, Permission.INCIDENTS_MANAGE)
    rows = uow.session.scalars(select(Incident).order_by(Incident.id.desc())).all()
    views = [_view(i) for i in rows]
    _audit(uow, actor, AuditAction.INCIDENTS_VIEWED, [v.reference for v in views])
    uow.commit()
    return views


def _find(uow: UnitOfWork, incident_id: int) -> Incident:
    found = uow.session.get(Incident, incident_id)
    if found is None:
        raise NotFound(f"There is no incident {incident_id}.")
    return found


def incident(uow: UnitOfWork, actor: Actor, incident_id: int) -> IncidentView:
    authorize(uow, actor, Permission.INCIDENTS_MANAGE)
    view = _view(_find(uow, incident_id))
    _audit(uow, actor, AuditAction.INCIDENTS_VIEWED, [view.reference])
    uow.commit()
    return view


def advance(
    uow: UnitOfWork, actor: Actor, incident_id: int, step: str, note: str, confirmed: bool
) -> IncidentView:
    """Containment, notification, closure, in the Incident Response Plan's order."""
    authorize(uow, actor, Permission.INCIDENTS_MANAGE)
    found = _find(uow, incident_id)
    chosen = rules.step_of(step)
    if chosen is rules.Step.CLOSE:
        found.confirmed_breach = confirmed
    stage = rules.next_stage(found.stage, chosen, confirmed_breach=found.confirmed_breach)
    written = rules.text(note, f"the {chosen.value} note")
    if chosen is rules.Step.CONTAIN:
        found.containment = written
    elif chosen is rules.Step.NOTIFY:
        found.notification = written
    else:
        found.closure, found.closed_at = written, uow.now()
    found.stage, found.updated_at = stage.value, uow.now()
    _audit(
        uow,
        actor,
        AuditAction.INCIDENT_UPDATED,
        [found.reference],
        step=chosen.value,
        stage=stage.value,
        confirmed_breach=found.confirmed_breach,
    )
    uow.commit()
    return _view(found)
