"""First access: an agency without access asks for data for one case; command staff decide.

DUP §10 and the March 2026 update — an outside request states the crime type, the case number
and a justification; it goes through the prohibited-use guard like any search; an agency that
has no access yet needs command-level approval. An approval opens searching to the requester for
that case only, for ``sharing_request_open_days``; it never opens anything to anyone else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from plateward import guard
from plateward.accounts.models import User
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound, PurposeRefused
from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import Purpose, PurposeCategory
from plateward.sharing import agreements
from plateward.sharing import service as agencies
from plateward.sharing.models import AccessRequest, Agency
from plateward.sharing.rules import (
    OUTSIDE_REFUSAL,
    AgencyFacts,
    RequestState,
    ineligibility,
    names_own_agency,
)

NO_SUCH_REQUEST = "There is no such first-access request."
# An outside agency asks for its own investigation: DUP §2.1-2.3 (never a red-light review).
OUTSIDE_CATEGORIES = frozenset(
    {
        PurposeCategory.CRIMINAL_INVESTIGATION,
        PurposeCategory.MISSING_PERSON,
        PurposeCategory.AGENCY_SUPPORT,
    }
)


@dataclass(frozen=True)
class RequestView:
    id: int
    agency: str
    ori: str
    requester: str
    purpose: Purpose
    state: str
    guard_message: str | None
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    open_until: datetime | None


@dataclass(frozen=True)
class Requester:
    """The agency a first-access request comes from: a resource whose policy is eligibility and
    no request for another agency. The refusal is the one outside refusal (DUP §10)."""

    agency: AgencyFacts
    beneficiary: str | None

    @property
    def audit_label(self) -> str:
        return f"agency:{self.agency.ori}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del permission
        reason = None
        if self.agency.is_home or actor.agency_id != self.agency.id:
            reason = "the home department's people search directly"
        elif (unfit := ineligibility(self.agency)) is not None:
            reason = f"the agency is {unfit}"
        elif self.beneficiary and not names_own_agency(self.beneficiary, self.agency):
            reason = "a request on behalf of another agency (no transitive sharing, DUP §10)"
        return None if reason is None else f"{OUTSIDE_REFUSAL} [{reason}]"


def _view(uow: UnitOfWork, r: AccessRequest) -> RequestView:
    agency = agencies.agency_by_id(uow, r.agency_id)
    requester = uow.session.get(User, r.requester_id)
    return RequestView(
        r.id,
        agency.name,
        agency.ori,
        requester.full_name if requester is not None else f"person {r.requester_id}",
        Purpose.from_record(json.loads(r.purpose)),
        r.state,
        r.guard_message,
        r.created_at,
        r.decided_by,
        r.decided_at,
        r.decision_reason,
        r.open_until,
    )


def file_request(uow: UnitOfWork, actor: Actor, purpose: Purpose) -> RequestView:
    """File a first-access request (sharing:request); the guard decides before anything else is
    stored for command staff. A refused request is recorded, and answered like a refused search."""
    agency = uow.session.get(Agency, actor.agency_id) if actor.agency_id else None
    if agency is None:
        authorize(uow, actor, Permission.SHARING_REQUEST, target="sharing:requests")
        raise NotFound("your account names no agency")
    requester = Requester(agencies.facts(agency), purpose.beneficiary_agency)
    authorize(uow, actor, Permission.SHARING_REQUEST, requester, target="sharing:requests")
    if purpose.category not in OUTSIDE_CATEGORIES:
        raise InvalidInput("an outside agency asks for an investigation or a missing person")
    if actor.id is None:
        raise InvalidInput("a first-access request is filed by a person")
    verdict = guard.check_purpose(purpose)
    refused = verdict.decision is guard.Decision.DENY
    state = RequestState.REFUSED if refused else RequestState.PENDING
    request = AccessRequest(
        agency_id=agency.id,
        requester_id=actor.id,
        purpose=json.dumps(purpose.as_record()),
        case_number=purpose.case_number,
        state=state,
        guard_rules=json.dumps(list(verdict.rules)),
        guard_message=None if verdict.decision is guard.Decision.ALLOW else verdict.message[:1000],
        created_at=uow.now(),
    )
    uow.session.add(request)
    uow.session.flush()
    denied = state is RequestState.REFUSED
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_REQUEST_FILED,
            Outcome.DENIED if denied else Outcome.ALLOWED,
            reason=verdict.message if denied else None,
            purpose=purpose,
            details={"request_id": request.id, "agency": agency.ori, "rules": list(verdict.rules)},
        ),
    )
    uow.commit()
    if denied:
        raise PurposeRefused(verdict.message)
    return _view(uow, request)


def decide_request(
    uow: UnitOfWork,
    actor: Actor,
    request_id: int,
    approve: bool,
    reason: str,
    *,
    draft_agreement: bool = False,
) -> RequestView:
    """Command staff approve or deny a pending request, with the reason (DUP §10). An approval
    opens searching for that case to the requester only, for a limited time; with
    ``draft_agreement`` it also writes a draft agreement for the agency, which opens nothing until
    an administrator activates it with the signed document and its dates."""
    authorize(uow, actor, Permission.SHARING_APPROVE, target=f"sharing:request:{request_id}")
    request = uow.session.get(AccessRequest, request_id) if 0 < request_id < 2**31 else None
    if request is None:
        raise NotFound(NO_SUCH_REQUEST)
    reason = " ".join(reason.split())
    if not reason or len(reason) > 500:
        raise InvalidInput("give the reason for the decision (at most 500 characters)")
    if request.state != RequestState.PENDING:
        raise Conflict(f"this request is {request.state} already")
    if request.requester_id == actor.id:
        raise Conflict("nobody decides their own request")
    now = uow.now()
    request.state = RequestState.APPROVED if approve else RequestState.DENIED
    request.decided_by, request.decided_by_id, request.decided_at = actor.name, actor.id, now
    request.decision_reason = reason
    if approve:
        request.open_until = now + timedelta(days=uow.settings.sharing_request_open_days)
    agency = agencies.agency_by_id(uow, request.agency_id)
    drafted = None
    if approve and draft_agreement:
        row = uow.session.get_one(Agency, request.agency_id)
        drafted = agreements.draft_from_request(uow, actor, row, request.id, request.case_number).id
    elif draft_agreement:
        raise InvalidInput("an agreement is drafted only with an approval")
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_REQUEST_DECIDED,
            Outcome.ALLOWED if approve else Outcome.DENIED,
            reason=reason,
            purpose=Purpose.from_record(json.loads(request.purpose)),
            details={
                "request_id": request.id,
                "agency": agency.ori,
                "before": RequestState.PENDING.value,
                "after": request.state,
                "open_until": request.open_until.isoformat() if request.open_until else None,
                "draft_agreement_id": drafted,
            },
        ),
    )
    uow.commit()
    return _view(uow, request)


def requests_waiting(uow: UnitOfWork, actor: Actor) -> list[RequestView]:
    """Pending first-access requests, oldest first (command staff)."""
    authorize(uow, actor, Permission.SHARING_APPROVE, target="sharing:requests")
    rows = uow.session.scalars(
        select(AccessRequest)
        .where(AccessRequest.state == RequestState.PENDING)
        .order_by(AccessRequest.id)
    )
    return [_view(uow, r) for r in rows]


def my_requests(uow: UnitOfWork, actor: Actor) -> list[RequestView]:
    """The person's own first-access requests, newest first."""
    authorize(uow, actor, Permission.SHARING_REQUEST, target="sharing:requests")
    if actor.id is None:
        return []
    rows = uow.session.scalars(
        select(AccessRequest)
        .where(AccessRequest.requester_id == actor.id)
        .order_by(AccessRequest.id.desc())
        .limit(50)
    )
    return [_view(uow, r) for r in rows]


def approved_cases(uow: UnitOfWork) -> frozenset[tuple[int, str]]:
    """(agency id, case number) of every approved request: the cases they opened."""
    rows = uow.session.execute(
        select(AccessRequest.agency_id, AccessRequest.case_number).where(
            AccessRequest.state == RequestState.APPROVED
        )
    )
    return frozenset((agency_id, case) for agency_id, case in rows)
