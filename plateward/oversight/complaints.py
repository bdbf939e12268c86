"""Public comments and complaints: filing, the public status page, the DPO's workflow (DUP §11).

Filing needs no account: anyone may comment. The trail records each filing (tracking number,
kind, topic, equity flag) but never its text or contact, which stay in the complaints table for
the DPO. The public status page tells the stage and the DPO's public response, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import NotFound, TooManyRequests
from plateward.core.permissions import Actor, Permission
from plateward.oversight import complaint_rules as rules
from plateward.oversight.models import Complaint

FILING_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking number may read: never the text or the contact."""

    tracking_number: str
    kind: str
    topic: str
    stage: str
    stage_label: str
    received_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    outcome: str | None
    public_response: str | None


@dataclass(frozen=True)
class ComplaintView:
    id: int
    tracking_number: str
    kind: str
    topic: str
    topic_label: str
    body: str
    contact: str | None
    equity_concern: bool
    received_at: datetime
    stage: str
    stage_label: str
    triage_note: str | None
    investigation_note: str | None
    action_plan: str | None
    outcome: str | None
    public_response: str | None
    updated_at: datetime
    closed_at: datetime | None
    handled_by_name: str | None


def _view(c: Complaint) -> ComplaintView:
    return ComplaintView(
        c.id,
        c.tracking_number,
        c.kind,
        c.topic,
        rules.Topic(c.topic).label,
        c.body,
        c.contact,
        c.equity_concern,
        c.received_at,
        c.stage,
        rules.Stage(c.stage).public_label,
        c.triage_note,
        c.investigation_note,
        c.action_plan,
        c.outcome,
        c.public_response,
        c.updated_at,
        c.closed_at,
        c.handled_by_name,
    )


def _public(c: Complaint) -> PublicStatus:
    return PublicStatus(
        c.tracking_number,
        c.kind,
        rules.Topic(c.topic).label,
        c.stage,
        rules.Stage(c.stage).public_label,
        c.received_at,
        c.updated_at,
        c.closed_at,
        c.outcome,
        c.public_response,
    )


def _refuse_flood(uow: UnitOfWork, actor: Actor, key: str) -> None:
    since = uow.now() - FILING_WINDOW
    filed = uow.session.scalar(
        select(func.count())
        .select_from(Complaint)
        .where(Complaint.sender_key == key, Complaint.received_at > since)
    )
    if (filed or 0) >= uow.settings.complaints_per_day:
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.PORTAL_THROTTLED,
                Outcome.DENIED,
                reason="complaints per day from this address reached",
                details={"path": "/transparency/complaints"},
            ),
        )
        uow.commit()
        raise TooManyRequests(
            "This address has filed the most comments a day allows; please try again tomorrow, "
            "or write to the Digital Privacy Officer."
        )


def file_complaint(
    uow: UnitOfWork, actor: Actor, submission: rules.Submission, address: str
) -> PublicStatus:
    """Store a comment or complaint with a new tracking number; audited without its text."""
    key = rules.sender_key(uow.settings.signing_key, address)
    _refuse_flood(uow, actor, key)
    now = uow.now()
    number = rules.tracking_number()
    while uow.session.scalar(select(Complaint.id).where(Complaint.tracking_number == number)):
        number = rules.tracking_number()
    complaint = Complaint(
        tracking_number=number,
        kind=submission.kind.value,
        topic=submission.topic.value,
        body=submission.body,
        contact=submission.contact,
        equity_concern=submission.equity_concern,
        received_at=now,
        sender_key=key,
        stage=rules.Stage.RECEIVED.value,
        updated_at=now,
    )
    uow.session.add(complaint)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.COMPLAINT_FILED,
            result_count=1,
            result_ids=(number,),
            details={
                "tracking_number": number,
                "kind": submission.kind.value,
                "topic": submission.topic.value,
                "equity_concern": submission.equity_concern,
            },
        ),
    )
    uow.commit()
    return _public(complaint)


def public_status(uow: UnitOfWork, tracking_number: str) -> PublicStatus:
    """The stage of one complaint, for whoever holds its tracking number (not audited: it shows
    only what the DPO wrote for the public)."""
    number = rules.normalized_tracking_number(tracking_number)
    found = uow.session.scalar(select(Complaint).where(Complaint.tracking_number == number))
    if found is None:
        raise NotFound("No comment or complaint has this tracking number.")
    return _public(found)


def list_complaints(uow: UnitOfWork, actor: Actor) -> list[ComplaintView]:
    """Every complaint, open ones first, newest first; the look is audited."""
    authorize(uow, actor, Permission.COMPLAINTS_MANAGE)
    rows = uow.session.scalars(
        select(Complaint).order_by(Complaint.closed_at.is_not(None), Complaint.id.desc())
    ).all()
    views = [_view(c) for c in rows]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.COMPLAINTS_VIEWED,
            result_count=len(views),
            result_ids=tuple(v.tracking_number for v in views),
        ),
    )
    uow.commit()
    return views


def _find(uow: UnitOfWork, complaint_id: int) -> Complaint:
    found = uow.session.get(Complaint, complaint_id)
    if found is None:
        raise NotFound(f"There is no complaint {complaint_id}.")
    return found


def complaint(uow: UnitOfWork, actor: Actor, complaint_id: int) -> ComplaintView:
    authorize(uow, actor, Permission.COMPLAINTS_MANAGE)
    view = _view(_find(uow, complaint_id))
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.COMPLAINTS_VIEWED,
            result_count=1,
            result_ids=(view.tracking_number,),
        ),
    )
    uow.commit()
    return view


@dataclass(frozen=True)
class StepInput:
    step: str
    note: str
    outcome: str = ""
    equity_concern: bool | None = None  # the DPO may tag (or untag) an equity concern at triage


def advance(uow: UnitOfWork, actor: Actor, complaint_id: int, given: StepInput) -> ComplaintView:
    """DUP §11 — triage, investigation, corrective action plan, closure, in that order."""
    authorize(uow, actor, Permission.COMPLAINTS_MANAGE)
    found = _find(uow, complaint_id)
    step = rules.step_of(given.step)
    text = rules.note(given.note, step)
    stage = rules.next_stage(found.stage, step)
    details: dict[str, object] = {"tracking_number": found.tracking_number, "step": step.value}
    if step is rules.Step.TRIAGE:
        found.triage_note = text
        if given.equity_concern is not None:
            found.equity_concern = given.equity_concern
        details["equity_concern"] = found.equity_concern
    elif step is rules.Step.INVESTIGATE:
        found.investigation_note = text
    elif step is rules.Step.PLAN:
        found.action_plan = text
    else:
        found.outcome = rules.outcome_of(given.outcome).value
        found.public_response = text
        found.closed_at = uow.now()
        details["outcome"] = found.outcome
    found.stage, found.updated_at = stage.value, uow.now()
    found.handled_by_name = actor.name
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.COMPLAINT_UPDATED,
            result_count=1,
            result_ids=(found.tracking_number,),
            details=details,
        ),
    )
    uow.commit()
    return _view(found)


@dataclass(frozen=True)
class ComplaintTally:
    """For the annual report: complaints of a period by kind, topic, outcome; equity counted."""

    received: int
    comments: int
    complaints: int
    equity_concerns: int
    closed: int
    by_topic: list[tuple[str, int]]
    by_outcome: list[tuple[str, int]]


def tally(uow: UnitOfWork, start: datetime, end: datetime) -> ComplaintTally:
    rows = uow.session.scalars(
        select(Complaint).where(Complaint.received_at >= start, Complaint.received_at < end)
    ).all()
    topics: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    for c in rows:
        label = rules.Topic(c.topic).label
        topics[label] = topics.get(label, 0) + 1
        if c.outcome:
            outcomes[c.outcome] = outcomes.get(c.outcome, 0) + 1
    return ComplaintTally(
        received=len(rows),
        comments=sum(1 for c in rows if c.kind == rules.Kind.COMMENT),
        complaints=sum(1 for c in rows if c.kind == rules.Kind.COMPLAINT),
        equity_concerns=sum(1 for c in rows if c.equity_concern),
        closed=sum(1 for c in rows if c.closed_at is not None),
        by_topic=sorted(topics.items(), key=lambda kv: (-kv[1], kv[0])),
        by_outcome=sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0])),
    )
