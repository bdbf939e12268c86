"""JSON routes for sharing: the agency registry, agreements, sharing settings, first-access
requests and the outside-access log. Every route calls a sharing service, which authorizes and
audits; nothing here decides access or touches the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import purpose
from plateward.sharing import activity, agreements, clients, conformance, requests, subscriptions
from plateward.sharing import service as agencies
from plateward.web.api_models import DecisionIn
from plateward.web.deps import UowDep, api_caller_with

router = APIRouter(prefix="/api/v1", tags=["sharing"])
Manager = Annotated[Actor, Depends(api_caller_with(Permission.SHARING_MANAGE))]
Requester = Annotated[Actor, Depends(api_caller_with(Permission.SHARING_REQUEST))]
Approver = Annotated[Actor, Depends(api_caller_with(Permission.SHARING_APPROVE))]
Viewer = Annotated[Actor, Depends(api_caller_with(Permission.SHARING_VIEW))]
Sharer = Annotated[Actor, Depends(api_caller_with(Permission.HOTLISTS_APPROVE))]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, Any]] = {400: {}, 401: {}, 403: {}, 404: {}, 409: {}, 422: {}}


class AgencyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ori: str = Field(min_length=9, max_length=9)
    name: str = Field(min_length=1, max_length=200)
    state: str = Field(min_length=2, max_length=2)
    kind: Literal["municipal", "county", "state", "federal", "tribal", "private", "commercial"]


class AgencyOut(BaseModel):
    id: int
    ori: str
    name: str
    state: str
    kind: str


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ori: str = Field(min_length=9, max_length=9)
    reference: str = Field(min_length=1, max_length=200)
    effective_on: date
    expires_on: date
    scopes: list[Literal["search", "alerts"]] = Field(min_length=1, max_length=2)
    contacts: str = Field(default="", max_length=2000)
    draft: bool = False


class AgreementOut(BaseModel):
    id: int
    agency: str
    ori: str
    reference: str
    effective_on: date
    expires_on: date
    scopes: list[str]
    contacts: str
    status: str
    status_reason: str | None
    in_force: bool
    expiring: bool


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "suspended", "revoked"]
    reason: str = Field(min_length=1, max_length=500)
    # Activating a draft: the signed document's reference and the dates (a draft written from a
    # first-access request has none yet).
    reference: str | None = Field(default=None, max_length=200)
    effective_on: date | None = None
    expires_on: date | None = None


class SettingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(min_length=1, max_length=40)


class SettingOut(BaseModel):
    key: str
    value: str
    allowed: str


class RequestIn(BaseModel):
    """A first-access request: the purpose of one case (DUP §10: crime type, case number and
    justification required). ``beneficiary_agency``, if given, must be the requester's own."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: Literal["criminal_investigation", "missing_person", "agency_support"]
    crime_type: str = Field(min_length=1, max_length=120)
    case_number: str = Field(min_length=1, max_length=60)
    justification: str = Field(min_length=1, max_length=1000)
    beneficiary_agency: str | None = Field(default=None, max_length=200)


class RequestOut(BaseModel):
    id: int
    agency: str
    ori: str
    requester: str
    crime_type: str
    case_number: str
    justification: str
    state: str
    guard_message: str | None
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    open_until: datetime | None


class RequestDecisionIn(DecisionIn):
    # "open for this request and draft an agreement": a draft for the agency, in force only once
    # an administrator activates it with the document and dates.
    draft_agreement: bool = False


class ActivityRowOut(BaseModel):
    seq: int
    at: datetime
    agency: str
    person: str
    action: str
    outcome: str
    purpose: dict[str, Any] | None
    terms: dict[str, Any] | None
    result_count: int | None


class AgencyActivityOut(BaseModel):
    agency: str
    ori: str
    kind: str
    state: str
    accesses: int
    refusals: int
    reads_returned: int
    last_at: datetime | None


class ActivityOut(BaseModel):
    agencies: list[AgencyActivityOut]
    accesses: list[ActivityRowOut]


def _agreement_out(v: agreements.AgreementView) -> AgreementOut:
    return AgreementOut(
        id=v.id,
        agency=v.agency,
        ori=v.ori,
        reference=v.reference,
        effective_on=v.effective_on,
        expires_on=v.expires_on,
        scopes=list(v.scopes),
        contacts=v.contacts,
        status=v.status,
        status_reason=v.status_reason,
        in_force=v.in_force,
        expiring=v.expiring,
    )


def _request_out(v: requests.RequestView) -> RequestOut:
    return RequestOut(
        id=v.id,
        agency=v.agency,
        ori=v.ori,
        requester=v.requester,
        crime_type=v.purpose.crime_type,
        case_number=v.purpose.case_number,
        justification=v.purpose.justification,
        state=v.state,
        guard_message=v.guard_message,
        created_at=v.created_at,
        decided_by=v.decided_by,
        decided_at=v.decided_at,
        reason=v.reason,
        open_until=v.open_until,
    )


@router.post("/sharing/agencies", response_model=AgencyOut, responses=ERRORS)
def register_agency(uow: UowDep, actor: Manager, body: AgencyIn) -> AgencyOut:
    """Register or correct an outside agency (sharing:manage; audited with before and after).
    Registering decides nothing: eligibility is a rule (docs/sharing.md)."""
    v = agencies.register_outside_agency(
        uow, actor, ori=body.ori, name=body.name, state=body.state, kind=body.kind
    )
    return AgencyOut(id=v.id, ori=v.ori, name=v.name, state=v.state, kind=v.kind)


@router.get("/sharing/agreements", response_model=list[AgreementOut], responses=ERRORS)
def list_agreements(uow: UowDep, actor: Manager) -> list[AgreementOut]:
    """Every agreement, newest first (sharing:manage)."""
    return [_agreement_out(v) for v in agreements.list_agreements(uow, actor)]


@router.post("/sharing/agreements", response_model=AgreementOut, responses=ERRORS)
def create_agreement(uow: UowDep, actor: Manager, body: AgreementIn) -> AgreementOut:
    """Record an agreement with an eligible California agency (refused and audited otherwise)."""
    v = agreements.create_agreement(
        uow,
        actor,
        ori=body.ori,
        reference=body.reference,
        effective_on=body.effective_on,
        expires_on=body.expires_on,
        scopes=list(body.scopes),
        contacts=body.contacts,
        draft=body.draft,
    )
    return _agreement_out(v)


@router.post(
    "/sharing/agreements/{agreement_id}/status", response_model=AgreementOut, responses=ERRORS
)
def change_agreement_status(
    uow: UowDep, actor: Manager, agreement_id: Id, body: StatusIn
) -> AgreementOut:
    """Activate, suspend or revoke an agreement, with the reason: effective at once for the
    agency's signed-in sessions and API tokens."""
    v = agreements.change_status(
        uow,
        actor,
        agreement_id,
        body.status,
        body.reason,
        reference=body.reference,
        effective_on=body.effective_on,
        expires_on=body.expires_on,
    )
    return _agreement_out(v)


@router.put("/sharing/settings/{key}", response_model=SettingOut, responses=ERRORS)
def change_setting(
    uow: UowDep, actor: Manager, key: Annotated[str, Path(max_length=40)], body: SettingIn
) -> SettingOut:
    """Change a sharing setting; a value the policy forbids (a national lookup) is refused."""
    v = conformance.change_setting(uow, actor, key, body.value)
    return SettingOut(key=v.key, value=v.value, allowed=v.allowed)


@router.post("/access-requests", response_model=RequestOut, responses=ERRORS)
def file_request(uow: UowDep, actor: Requester, body: RequestIn) -> RequestOut:
    """File a first-access request for one case (an outside agency's person; through the
    prohibited-use guard; command staff decide)."""
    stated = purpose(
        body.category,
        body.crime_type,
        body.case_number,
        body.justification,
        body.beneficiary_agency,
    )
    return _request_out(requests.file_request(uow, actor, stated))


@router.get("/access-requests", response_model=list[RequestOut], responses=ERRORS)
def my_requests(uow: UowDep, actor: Requester) -> list[RequestOut]:
    """The caller's own first-access requests, newest first."""
    return [_request_out(v) for v in requests.my_requests(uow, actor)]


@router.get("/access-requests/waiting", response_model=list[RequestOut], responses=ERRORS)
def requests_waiting(uow: UowDep, actor: Approver) -> list[RequestOut]:
    """Pending first-access requests (command staff)."""
    return [_request_out(v) for v in requests.requests_waiting(uow, actor)]


@router.post("/access-requests/{request_id}/decision", response_model=RequestOut, responses=ERRORS)
def decide_request(
    uow: UowDep, actor: Approver, request_id: Id, body: RequestDecisionIn
) -> RequestOut:
    """Approve or deny a first-access request with the reason (command staff; audited)."""
    view = requests.decide_request(
        uow, actor, request_id, body.approve, body.reason, draft_agreement=body.draft_agreement
    )
    return _request_out(view)


@router.get("/sharing/activity", response_model=ActivityOut, responses=ERRORS)
def outside_activity(
    uow: UowDep,
    actor: Viewer,
    agency: Annotated[str | None, Query(max_length=9, description="One agency's ORI.")] = None,
) -> ActivityOut:
    """Each outside agency's activity and the latest outside accesses (query terms for the
    audit unit only); viewing it is audited."""
    found = activity.outside_activity(uow, actor, agency)
    return ActivityOut(
        agencies=[AgencyActivityOut(**vars(a)) for a in found.agencies],
        accesses=[
            ActivityRowOut(
                seq=r.seq,
                at=r.at,
                agency=r.agency,
                person=r.person,
                action=r.action,
                outcome=r.outcome,
                purpose=r.purpose,
                terms=r.terms,
                result_count=r.result_count,
            )
            for r in found.rows
        ],
    )


class ClientIn(BaseModel):
    """A machine-API credential for an agency's own system, answered for by ``username``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ori: str = Field(min_length=9, max_length=9)
    username: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=120)
    days: int = Field(default=30, ge=1, le=90)


class ClientOut(BaseModel):
    id: int
    agency: str
    ori: str
    person: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class IssuedClientOut(ClientOut):
    secret: str  # shown once; only its hash is kept


def _client_out(v: clients.ClientView) -> dict[str, Any]:
    return {**vars(v), "scopes": list(v.scopes)}


@router.get("/sharing/clients", response_model=list[ClientOut], responses=ERRORS)
def list_clients(uow: UowDep, actor: Manager) -> list[ClientOut]:
    """Every agency system's credential (sharing:manage)."""
    return [ClientOut(**_client_out(v)) for v in clients.list_clients(uow, actor)]


@router.post("/sharing/clients", response_model=IssuedClientOut, responses=ERRORS)
def issue_client(uow: UowDep, actor: Manager, body: ClientIn) -> IssuedClientOut:
    """Issue an eligible agency's system a credential (reads:search only, expiring, revocable;
    audited); the secret is in this answer only."""
    view, secret = clients.issue_client(
        uow, actor, ori=body.ori, username=body.username, name=body.name, days=body.days
    )
    return IssuedClientOut(**_client_out(view), secret=secret)


@router.post("/sharing/clients/{client_id}/revoke", response_model=ClientOut, responses=ERRORS)
def revoke_client(uow: UowDep, actor: Manager, client_id: Id) -> ClientOut:
    """Revoke an agency system's credential, effective at once (audited)."""
    return ClientOut(**_client_out(clients.revoke_client(uow, actor, client_id)))


# --- hot lists shared with an agency (alerts) ----------------------------------------------------


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ori: str = Field(min_length=9, max_length=9)
    list_name: str = Field(min_length=1, max_length=40)


class EndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class SubscriptionOut(BaseModel):
    id: int
    ori: str
    agency: str
    list_name: str
    created_at: datetime
    created_by: str
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
    in_force: bool


def _subscription_out(v: subscriptions.SubscriptionView) -> SubscriptionOut:
    return SubscriptionOut(
        id=v.id,
        ori=v.agency_ori,
        agency=v.agency_name,
        list_name=v.list_name,
        created_at=v.created_at,
        created_by=v.created_by,
        ended_at=v.ended_at,
        ended_by=v.ended_by,
        end_reason=v.end_reason,
        in_force=v.in_force,
    )


@router.get("/sharing/subscriptions", response_model=list[SubscriptionOut], responses=ERRORS)
def list_subscriptions(uow: UowDep, actor: Sharer) -> list[SubscriptionOut]:
    """Hot lists shared with outside agencies, live first (lieutenants)."""
    return [_subscription_out(v) for v in subscriptions.list_subscriptions(uow, actor)]


@router.post("/sharing/subscriptions", response_model=SubscriptionOut, responses=ERRORS)
def share_hotlist(uow: UowDep, actor: Sharer, body: SubscriptionIn) -> SubscriptionOut:
    """Share a hot list San José keeps with an eligible agency whose agreement in force includes
    alerts (audited with before and after)."""
    view = subscriptions.share_hotlist(uow, actor, ori=body.ori, list_name=body.list_name)
    return _subscription_out(view)


@router.post(
    "/sharing/subscriptions/{subscription_id}/end",
    response_model=SubscriptionOut,
    responses=ERRORS,
)
def end_subscription(
    uow: UowDep, actor: Sharer, subscription_id: Id, body: EndIn
) -> SubscriptionOut:
    """Stop sharing the hot list, with the reason: its alerts stop at once (audited)."""
    view = subscriptions.end_subscription(uow, actor, subscription_id, body.reason)
    return _subscription_out(view)
