"""Alerts: what officers see of a hit, the steps they record, and what the administrator sees.

Every alert shown is audited in the same transaction (invariant 1: an alert view is a touch of
ALPR data), naming the reads it showed. The read itself comes through the read-visibility gate
(``reads.service.reads_by_id``): an alert whose read is past retention or outside the officer's
cameras is not shown. Working an alert follows ``rules.apply`` (DUP §4.2-4.4): nothing records a
stop before the CLETS attempt. The disposition is reported to the administrator (DUP §4.7).

An outside agency's person (DUP §10, ``sharing/subscriptions.py``) holds ``alerts:receive`` only
while their agency's agreement in force includes alerts; they see the alerts of the hot lists San
José shares with their agency and none other, checked afresh at every look (an open stream's
included), and may acknowledge them; the steps and dispositions stay the department's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.exc import IntegrityError

from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.hotlists import rules
from plateward.hotlists.adapters import Clets, CletsUnavailable
from plateward.hotlists.models import AlertStep, Hit, HotListEntry
from plateward.hotlists.rules import AlertState, Step, Verification
from plateward.hotlists.service import EntryView, entered_by, view
from plateward.reads import service as reads
from plateward.reads.service import ReadView
from plateward.sharing import rules as sharing_rules
from plateward.sharing import service as sharing
from plateward.sharing import subscriptions
from plateward.sharing.models import SharedAlertAcknowledgment

MAX_ALERTS = 100


@dataclass(frozen=True)
class StepView:
    step: str
    value: str
    note: str | None
    at: datetime
    by: str


@dataclass(frozen=True)
class AlertView:
    id: int
    priority: int
    match_kind: str
    state_relation: str
    created_at: datetime
    entry: EntryView
    read: ReadView
    place: cameras.CameraPlace | None
    state: AlertState
    steps: tuple[StepView, ...]
    # For an outside agency's person: the alert is of a hot list shared with their agency, and
    # when they acknowledged it (None: not yet). Staff: shared is False.
    shared: bool = False
    acknowledged_at: datetime | None = None

    @property
    def next_steps(self) -> tuple[Step, ...]:
        return () if self.shared else rules.next_steps(self.state)

    @property
    def dispositions(self) -> tuple[rules.Disposition, ...]:
        return rules.dispositions(self.state)

    @property
    def notification(self) -> str:
        where = self.place.location if self.place else self.read.camera
        disposition = self.state.disposition.value if self.state.disposition else None
        return rules.notification(
            self.entry.reason.label, self.entry.crime_type, where, disposition
        )


def _steps(uow: UnitOfWork, hit_ids: list[int]) -> dict[int, list[AlertStep]]:
    found: dict[int, list[AlertStep]] = {i: [] for i in hit_ids}
    if hit_ids:
        query = select(AlertStep).where(AlertStep.hit_id.in_(hit_ids)).order_by(AlertStep.id)
        for step in uow.session.scalars(query):
            found[step.hit_id].append(step)
    return found


def _state(entry: EntryView, steps: list[AlertStep]) -> AlertState:
    return rules.replay(entry.wanted_person, [(s.step, s.value) for s in steps])


def _receive(uow: UnitOfWork, actor: Actor) -> list[ColumnElement[bool]]:
    """Authorize ``alerts:receive`` and return what limits the hits the actor may see: nothing
    for the department's people; for an outside agency's person, the agency's agreement in force
    is asked again now (``OutsideAccess``) and only the hot lists shared with it are kept."""
    outside = sharing.outside_access(uow, actor)
    authorize(uow, actor, Permission.ALERTS_RECEIVE, outside)
    if outside is None:
        return []
    shared = subscriptions.shared_lists(uow, outside.agency.id)
    return [HotListEntry.list_name.in_(sorted(shared))]


def _acknowledged(uow: UnitOfWork, actor: Actor, hit_ids: list[int]) -> dict[int, datetime]:
    if not hit_ids or actor.id is None:
        return {}
    rows = uow.session.execute(
        select(SharedAlertAcknowledgment.hit_id, SharedAlertAcknowledgment.at).where(
            SharedAlertAcknowledgment.user_id == actor.id,
            SharedAlertAcknowledgment.hit_id.in_(hit_ids),
        )
    )
    return {int(hit_id): at for hit_id, at in rows}


def _views(
    uow: UnitOfWork,
    actor: Actor,
    hits: list[tuple[Hit, HotListEntry]],
    *,
    shared: bool = False,
) -> list[AlertView]:
    """The alerts whose reads the actor may see now (the gate decides), with their steps."""
    shown = reads.reads_by_id(uow, actor, [h.read_id for h, _ in hits])
    places = cameras.camera_places(uow)
    steps = _steps(uow, [h.id for h, _ in hits])
    acknowledged = _acknowledged(uow, actor, [h.id for h, _ in hits]) if shared else {}
    views = []
    for hit, e in hits:
        read = shown.get(str(hit.read_id))
        if read is None:
            continue
        entry = view(e)
        views.append(
            AlertView(
                hit.id,
                hit.priority,
                hit.match_kind,
                hit.state_relation,
                hit.created_at,
                entry,
                read,
                places.get(hit.camera_id),
                _state(entry, steps[hit.id]),
                tuple(
                    StepView(s.step, s.value, s.note, s.at, entered_by(s.by_name, s.by_badge, None))
                    for s in steps[hit.id]
                ),
                shared,
                acknowledged.get(hit.id),
            )
        )
    return views


def _audit_view(uow: UnitOfWork, actor: Actor, views: list[AlertView], via: str) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.ALERT_VIEWED,
            query_terms={"via": via},
            result_count=len(views),
            result_ids=tuple(v.read.id for v in views),
            details={"hit_ids": [v.id for v in views]},
        ),
    )


def _hits(
    uow: UnitOfWork, *conditions: ColumnElement[bool], limit: int, oldest_first: bool = False
) -> list[tuple[Hit, HotListEntry]]:
    query = (
        select(Hit, HotListEntry)
        .join(HotListEntry, HotListEntry.id == Hit.entry_id)
        .where(*conditions)
        .order_by(Hit.id if oldest_first else Hit.id.desc())
        .limit(limit)
    )
    return [(h, e) for h, e in uow.session.execute(query)]


def alerts(
    uow: UnitOfWork, actor: Actor, after: int = 0, *, via: str = "page", limit: int = 50
) -> list[AlertView]:
    """Alerts newer than hit ``after``, newest first; audited when any is shown."""
    scope = _receive(uow, actor)
    bounded = min(max(limit, 1), MAX_ALERTS)
    found = _hits(uow, Hit.id > after, *scope, limit=bounded)
    views = _views(uow, actor, found, shared=bool(scope))
    if views:
        _audit_view(uow, actor, views, via)
    uow.commit()
    return views


@dataclass(frozen=True)
class NextAlerts:
    views: list[AlertView]
    last_seen: int  # the newest hit looked at, shown or not (hidden ones are passed over)
    more: bool  # the look was full: more may be waiting
    looked: tuple[int, ...] = ()  # every hit id looked at, shown or not


def next_alerts(
    uow: UnitOfWork,
    actor: Actor,
    after: int,
    limit: int = 50,
    *,
    skip: frozenset[int] = frozenset(),
) -> NextAlerts:
    """For a live stream: the hits after ``after`` but those in ``skip`` (already looked at),
    oldest first, so none is ever skipped; those the officer may see are shown (and audited)."""
    scope = _receive(uow, actor)  # an outside agency's agreement is asked again at each look
    bounded = min(max(limit, 1), MAX_ALERTS)
    conditions = [Hit.id > after] + ([Hit.id.not_in(sorted(skip))] if skip else []) + scope
    found = _hits(uow, *conditions, limit=bounded, oldest_first=True)
    views = _views(uow, actor, found, shared=bool(scope))
    if views:
        _audit_view(uow, actor, views, "live")
    uow.commit()
    looked = tuple(h.id for h, _ in found)
    return NextAlerts(views, max(looked, default=after), len(found) == bounded, looked)


def _one(uow: UnitOfWork, actor: Actor, hit_id: int, scope: list[ColumnElement[bool]]) -> AlertView:
    found = _views(uow, actor, _hits(uow, Hit.id == hit_id, *scope, limit=1), shared=bool(scope))
    if not found:
        # The same answer whether the alert does not exist or its read is hidden from the actor.
        raise NotFound("No such alert.")
    return found[0]


def alert(uow: UnitOfWork, actor: Actor, hit_id: int) -> AlertView:
    """One alert with its read, list, reason, case numbers and steps; the view is audited."""
    shown = _one(uow, actor, hit_id, _receive(uow, actor))
    _audit_view(uow, actor, [shown], "detail")
    uow.commit()
    return shown


def _department_work(uow: UnitOfWork, actor: Actor, hit_id: int) -> list[ColumnElement[bool]]:
    """Working an alert's steps: the department's people only (an outside person is refused,
    audited)."""
    scope = _receive(uow, actor)
    outside = sharing.outside_access(uow, actor)
    if outside is not None:
        work = sharing_rules.DepartmentAlertWork(outside.agency)
        authorize(uow, actor, Permission.ALERTS_RECEIVE, work, target=f"alert:{hit_id}")
    return scope


def acknowledge(uow: UnitOfWork, actor: Actor, hit_id: int) -> AlertView:
    """An outside agency's person acknowledges an alert of a hot list shared with their agency
    (audited, once per person); the department's officers work the steps instead."""
    scope = _receive(uow, actor)
    if not scope:
        raise Conflict("the department's officers record the alert's steps, not an acknowledgment")
    current = _one(uow, actor, hit_id, scope)
    if current.acknowledged_at is None:
        try:
            with uow.session.begin_nested():
                uow.session.add(
                    SharedAlertAcknowledgment(hit_id=hit_id, user_id=actor.id, at=uow.now())
                )
        except IntegrityError:
            pass  # acknowledged a moment ago (another tab): once is enough
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.ALERT_ACKNOWLEDGED,
                result_ids=(current.read.id,),
                details={"hit_id": hit_id, "list": current.entry.list_name},
            ),
        )
    uow.commit()
    return _one(uow, actor, hit_id, scope)


def record_step(
    uow: UnitOfWork, actor: Actor, hit_id: int, step: str, value: str, note: str = ""
) -> AlertView:
    """Record the next step of an alert, in the DUP's order (``InvalidInput`` otherwise)."""
    scope = _department_work(uow, actor, hit_id)
    hit = uow.session.scalar(select(Hit).where(Hit.id == hit_id).with_for_update())
    current = _one(uow, actor, hit_id, scope)
    if hit is None:  # pragma: no cover — _one found it a moment ago, under the lock
        raise NotFound("No such alert.")
    if step not in tuple(Step):
        raise InvalidInput("unknown step")
    kind = Step(step)
    after = rules.apply(current.state, kind, value)
    uow.session.add(
        AlertStep(
            hit_id=hit_id,
            step=kind.value,
            value=rules.step_value(kind, value),
            note=" ".join(note.split())[:500] or None,
            at=uow.now(),
            by_id=actor.id,
            by_name=actor.name,
            by_badge=actor.badge,
        )
    )
    hit.stage = after.stage
    hit.visual = after.visual.value if after.visual else None
    if after.disposition is not None:
        hit.disposition = after.disposition.value
        hit.closed_at = uow.now()
    action = (
        AuditAction.ALERT_DISPOSED if kind is Step.DISPOSITION else AuditAction.ALERT_STEP_RECORDED
    )
    audit.record(
        uow,
        actor,
        AuditEvent(
            action,
            result_ids=(current.read.id,),
            details={"hit_id": hit_id, "step": kind.value, "value": value[:200]},
        ),
    )
    uow.commit()
    return _one(uow, actor, hit_id, scope)


def verify_with_clets(uow: UnitOfWork, actor: Actor, hit_id: int, clets: Clets) -> AlertView:
    """DUP §4.3 — attempt CLETS verification through the adapter and record its result. An
    unanswered attempt is recorded as such: the attempt is what must precede any action."""
    current = _one(uow, actor, hit_id, _department_work(uow, actor, hit_id))
    try:
        answer = clets.verify(current.entry.plate, current.entry.plate_state)
    except CletsUnavailable as exc:
        return record_step(uow, actor, hit_id, Step.CLETS, Verification.NO_RESPONSE, str(exc))
    return record_step(uow, actor, hit_id, Step.CLETS, answer.result, answer.summary)


# --- the administrator: captures, dispositions, accuracy (DUP §4.7, §11) ------------------------


def captures(uow: UnitOfWork, actor: Actor, limit: int = 200) -> list[AlertView]:
    """Every capture with its disposition, newest first, for the system administrator."""
    authorize(uow, actor, Permission.HOTLISTS_MANAGE)
    views = _views(uow, actor, _hits(uow, limit=min(max(limit, 1), 1000)))
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.HOTLIST_CAPTURES_VIEWED,
            result_count=len(views),
            result_ids=tuple(v.read.id for v in views),
            details={"hit_ids": [v.id for v in views]},
        ),
    )
    uow.commit()
    return views


@dataclass(frozen=True)
class Rate:
    label: str
    whole: int  # visual confirmations
    part: int  # misreads, or confirmed plates

    @property
    def share(self) -> float | None:
        return rules.rate(self.part, self.whole)


@dataclass(frozen=True)
class Accuracy:
    misreads_overall: Rate
    misreads_by_camera: list[Rate]
    confirmations_by_list: list[Rate]


def accuracy(uow: UnitOfWork, actor: Actor) -> Accuracy:
    """Misread rate per camera and overall, hit confirmation rate per list, from the officers'
    visual confirmations. Counts only: no plate, no read (so not an access to data)."""
    authorize(uow, actor, Permission.HOTLISTS_MANAGE)
    misread = func.sum(case((Hit.visual.in_([v.value for v in rules.MISREADS]), 1), else_=0))
    confirmed = func.sum(case((Hit.visual == rules.Visual.PLATE_MATCHES.value, 1), else_=0))
    seen = Hit.visual.is_not(None)
    codes = cameras.camera_codes(uow)
    by_camera = uow.session.execute(
        select(Hit.camera_id, func.count(), misread).where(seen).group_by(Hit.camera_id)
    ).all()
    by_list = uow.session.execute(
        select(HotListEntry.list_name, HotListEntry.reason, func.count(), confirmed)
        .join(HotListEntry, HotListEntry.id == Hit.entry_id)
        .where(seen)
        .group_by(HotListEntry.list_name, HotListEntry.reason)
    ).all()
    cameras_rates = [Rate(codes.get(c, "?"), n, int(m or 0)) for c, n, m in by_camera]
    lists = [
        Rate(f"{name}: {rules.ReasonCategory(reason).label}", n, int(k or 0))
        for name, reason, n, k in by_list
    ]
    overall = Rate(
        "all cameras", sum(r.whole for r in cameras_rates), sum(r.part for r in cameras_rates)
    )
    return Accuracy(
        overall, sorted(cameras_rates, key=lambda r: r.label), sorted(lists, key=lambda r: r.label)
    )
