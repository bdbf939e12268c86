"""Supervisor review of searches the guard found ambiguous (DUP update 2026).

A lieutenant (searches:review) approves or rejects a waiting request, with a reason, never their
own; each decision is audited. An approved search is then run by its requester
(``service.run_approved``), so the results reach only the person who stated the purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from plateward.accounts.models import User
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize, record_refusal
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import Purpose
from plateward.search.models import Search, SearchState

MAX_REASON = 500
OWN_REQUEST = "You may not decide your own request: another supervisor must review it."
NO_SUCH_REQUEST = "There is no such request waiting for review."


@dataclass(frozen=True)
class ReviewView:
    search_id: int
    requested_by: str  # the requester's name
    requested_by_username: str
    requested_at: datetime
    purpose: Purpose
    terms: dict[str, Any]
    rules: tuple[str, ...]
    message: str | None  # why the guard asked for review
    state: str
    reviewed_by: str | None
    decided_at: datetime | None
    reason: str | None


def _view(uow: UnitOfWork, search: Search) -> ReviewView:
    requester = uow.session.get(User, search.user_id)
    reviewer = uow.session.get(User, search.reviewer_id) if search.reviewer_id else None
    return ReviewView(
        search.id,
        requester.full_name if requester else "?",
        requester.username if requester else "?",
        search.created_at,
        Purpose.from_record(search.purpose),
        search.terms,
        tuple(search.guard_rules),
        search.guard_message,
        search.state,
        reviewer.full_name if reviewer else None,
        search.decided_at,
        search.review_reason,
    )


def reviews_waiting(uow: UnitOfWork, actor: Actor) -> list[ReviewView]:
    """Requests waiting for a supervisor, oldest first."""
    authorize(uow, actor, Permission.SEARCHES_REVIEW, target="search reviews")
    rows = uow.session.scalars(
        select(Search).where(Search.state == SearchState.PENDING_REVIEW).order_by(Search.id)
    )
    return [_view(uow, s) for s in rows]


def decide_review(
    uow: UnitOfWork, actor: Actor, search_id: int, approve: bool, reason: str
) -> ReviewView:
    """Approve or reject a waiting request, with a reason; never one's own (audited)."""
    target = f"search:{search_id}"
    authorize(uow, actor, Permission.SEARCHES_REVIEW, target=target)
    search = uow.session.get(Search, search_id) if 0 < search_id < 2**31 else None
    if search is None:
        raise NotFound(NO_SUCH_REQUEST)
    if search.state != SearchState.PENDING_REVIEW:
        raise Conflict(f"This request was already decided ({search.state}).")
    if actor.id is None or search.user_id == actor.id:
        # Separation of duties: the supervisor is a second person.
        record_refusal(uow, actor, Permission.SEARCHES_REVIEW, OWN_REQUEST, target=target)
        raise PermissionDenied(OWN_REQUEST)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("give the reason for the decision; it goes to the audit trail")
    if len(reason) > MAX_REASON or not reason.isprintable():
        raise InvalidInput(f"the reason is at most {MAX_REASON} printable characters")
    search.state = SearchState.APPROVED if approve else SearchState.REJECTED
    search.reviewer_id, search.decided_at, search.review_reason = actor.id, uow.now(), reason
    action = AuditAction.SEARCH_REVIEW_APPROVED if approve else AuditAction.SEARCH_REVIEW_REJECTED
    audit.record(
        uow,
        actor,
        AuditEvent(
            action,
            reason=reason,
            query_terms=search.terms,
            purpose=Purpose.from_record(search.purpose),
            details={"search_id": search.id, "requester_id": search.user_id},
        ),
    )
    view = _view(uow, search)
    uow.commit()
    return view
