"""Hot lists shared with outside agencies: hot-list subscriptions (DUP §10, issue 16).

Lieutenants — who approve the department's hot-list entries (``hotlists:approve``) — share a hot
list San José keeps with one California agency whose agreement in force includes alerts on shared
hot lists. That agency's people (``external_agency``, under the same agreement) then receive, on
the alerts page, the live stream and the alerts API, the alerts of the shared lists only, read
afresh at every look (``shared_lists``): suspending or revoking the agreement, its expiry, or ending
the subscription stops the alerts at the next look, an open stream's included. Creating and ending
a subscription is a typed audit event with before and after; the daily conformance job raises an
alarm for a subscription whose agreement is no longer in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.hotlists.models import HotListEntry, HotListFeed
from plateward.hotlists.rules import DEPARTMENT_LIST
from plateward.sharing import rules
from plateward.sharing import service as agencies
from plateward.sharing.models import Agency, HotListSubscription

SHARE = Permission.HOTLISTS_APPROVE


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    agency_ori: str
    agency_name: str
    list_name: str
    created_at: datetime
    created_by: str
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
    in_force: bool  # live, and the agency's agreement in force includes alerts

    @property
    def live(self) -> bool:
        return self.ended_at is None


def _record(s: HotListSubscription) -> dict[str, Any]:
    return {
        "agency_id": s.agency_id,
        "list_name": s.list_name,
        "ended_at": s.ended_at.isoformat() if s.ended_at else None,
        "ended_by": s.ended_by,
        "end_reason": s.end_reason,
    }


def _alerts_open(uow: UnitOfWork, agency: Agency) -> bool:
    facts = agencies.facts(agency)
    agreements = agencies.agreements_of(uow, agency.id)
    return rules.alerts_open(facts, agreements, uow.now().date())


def _view(uow: UnitOfWork, s: HotListSubscription, agency: Agency) -> SubscriptionView:
    return SubscriptionView(
        s.id,
        agency.ori,
        agency.name,
        s.list_name,
        s.created_at,
        s.created_by,
        s.ended_at,
        s.ended_by,
        s.end_reason,
        s.ended_at is None and _alerts_open(uow, agency),
    )


def shareable_lists(uow: UnitOfWork) -> list[str]:
    """The hot lists San José keeps itself: the department's, not the external feeds'."""
    feeds = set(uow.session.scalars(select(HotListFeed.name)))
    names = set(
        uow.session.scalars(select(HotListEntry.list_name).where(HotListEntry.feed_id.is_(None)))
    )
    return sorted((names | {DEPARTMENT_LIST}) - feeds)


def share_hotlist(uow: UnitOfWork, actor: Actor, *, ori: str, list_name: str) -> SubscriptionView:
    """Share ``list_name`` with the agency of ``ori``: refused (and audited) unless the agency is
    eligible, its agreement in force includes alerts, and San José keeps the list."""
    agency = uow.session.scalar(select(Agency).where(Agency.ori == ori.strip().upper()))
    if agency is None:
        authorize(uow, actor, SHARE, target="sharing:subscriptions")
        raise NotFound(f"no agency with ORI '{ori.strip()[:9]}'")
    list_name = list_name.strip()
    if not list_name or len(list_name) > 40:
        raise InvalidInput("name the hot list (at most 40 characters)")
    target = rules.SubscriptionTarget(
        agencies.facts(agency), _alerts_open(uow, agency), list_name in shareable_lists(uow)
    )
    authorize(uow, actor, SHARE, target, target="sharing:subscriptions")
    live = uow.session.scalar(
        select(HotListSubscription).where(
            HotListSubscription.agency_id == agency.id,
            HotListSubscription.list_name == list_name,
            HotListSubscription.ended_at.is_(None),
        )
    )
    if live is not None:
        raise Conflict(f"'{list_name}' is already shared with {agency.name}")
    sub = HotListSubscription(
        agency_id=agency.id, list_name=list_name, created_at=uow.now(), created_by=actor.name
    )
    uow.session.add(sub)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_SUBSCRIPTION_CREATED,
            details={
                "subscription_id": sub.id,
                "agency": agency.ori,
                "before": None,
                "after": _record(sub),
            },
        ),
    )
    uow.commit()
    return _view(uow, sub, agency)


def end_subscription(
    uow: UnitOfWork, actor: Actor, subscription_id: int, reason: str
) -> SubscriptionView:
    """Stop sharing a hot list with an agency, with the reason; its people's alerts stop at once."""
    authorize(uow, actor, SHARE, target=f"sharing:subscription:{subscription_id}")
    known = 0 < subscription_id < 2**31
    sub = uow.session.get(HotListSubscription, subscription_id) if known else None
    if sub is None:
        raise NotFound(f"no hot-list subscription {subscription_id}")
    reason = " ".join(reason.split())
    if not reason or len(reason) > 500:
        raise InvalidInput("give the reason (at most 500 characters)")
    if sub.ended_at is not None:
        raise Conflict("this subscription has already ended")
    agency = uow.session.get_one(Agency, sub.agency_id)  # a foreign key
    before = _record(sub)
    sub.ended_at, sub.ended_by, sub.end_reason = uow.now(), actor.name, reason
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_SUBSCRIPTION_ENDED,
            reason=reason,
            details={
                "subscription_id": sub.id,
                "agency": agency.ori,
                "before": before,
                "after": _record(sub),
            },
        ),
    )
    uow.commit()
    return _view(uow, sub, agency)


def list_subscriptions(uow: UnitOfWork, actor: Actor) -> list[SubscriptionView]:
    """Every subscription, live first (lieutenants; administrators see them on Sharing)."""
    if not actor.permissions & {SHARE, Permission.SHARING_MANAGE}:
        authorize(uow, actor, SHARE, target="sharing:subscriptions")
    rows = uow.session.execute(
        select(HotListSubscription, Agency)
        .join(Agency, Agency.id == HotListSubscription.agency_id)
        .order_by(HotListSubscription.ended_at.is_not(None), HotListSubscription.id.desc())
    ).all()
    return [_view(uow, s, a) for s, a in rows]


def shared_lists(uow: UnitOfWork, agency_id: int) -> frozenset[str]:
    """The hot lists shared with this agency now: its live subscriptions, provided its agreement
    in force includes alerts (read afresh at each call; nothing when it is ineligible)."""
    agency = uow.session.get(Agency, agency_id)
    if agency is None or agency.is_home or not _alerts_open(uow, agency):
        return frozenset()
    names = uow.session.scalars(
        select(HotListSubscription.list_name).where(
            HotListSubscription.agency_id == agency_id, HotListSubscription.ended_at.is_(None)
        )
    )
    return frozenset(names)


def live_count(uow: UnitOfWork) -> int:
    """How many hot lists are shared with outside agencies now (the transparency portal): live
    subscriptions whose agency's agreement in force still includes alerts. A share left in place
    after its agreement lapsed sends nothing, so it is not counted as shared."""
    rows = uow.session.execute(
        select(HotListSubscription.agency_id, Agency)
        .join(Agency, Agency.id == HotListSubscription.agency_id)
        .where(HotListSubscription.ended_at.is_(None))
    ).all()
    open_to = {a.id: _alerts_open(uow, a) for _, a in rows}
    return sum(1 for agency_id, _ in rows if open_to[agency_id])
