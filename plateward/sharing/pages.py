"""The sharing pages: an outside agency's first-access requests, command staff's decisions, the
administrator's registry, agreements, settings and alarms, and the outside-access log.

Every decision is a sharing service's (permission, eligibility, the guard, the audit entry);
these routes turn form fields into calls and show what comes back.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Permission
from plateward.core.purpose import CRIME_TYPES, purpose
from plateward.core.purpose import crime_type as picklist_entry
from plateward.sharing import activity, agreements, clients, conformance, requests, subscriptions
from plateward.sharing import service as agencies
from plateward.sharing.rules import AgencyKind, Scope
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
Requester = Annotated[SessionState, Depends(person_with(Permission.SHARING_REQUEST))]
RequestPost = Annotated[SessionState, Depends(form_by_person_with(Permission.SHARING_REQUEST))]
Approver = Annotated[SessionState, Depends(person_with(Permission.SHARING_APPROVE))]
ApprovePost = Annotated[SessionState, Depends(form_by_person_with(Permission.SHARING_APPROVE))]
Manager = Annotated[SessionState, Depends(person_with(Permission.SHARING_MANAGE))]
ManagePost = Annotated[SessionState, Depends(form_by_person_with(Permission.SHARING_MANAGE))]
Viewer = Annotated[SessionState, Depends(person_with(Permission.SHARING_VIEW))]
Sharer = Annotated[SessionState, Depends(person_with(Permission.HOTLISTS_APPROVE))]
SharePost = Annotated[SessionState, Depends(form_by_person_with(Permission.HOTLISTS_APPROVE))]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=1000)]
REFUSALS = (InvalidInput, PermissionDenied, Conflict, NotFound)


# --- an outside agency's first-access requests ----------------------------------------------------


def _requests_page(
    request: Request,
    uow: UowDep,
    state: SessionState,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "mine": requests.my_requests(uow, state.actor),
        "crime_types": CRIME_TYPES,
        "form": form or {},
        "error": error,
        "filed": request.query_params.get("filed"),
    }
    return render(request, state, "sharing/requests.html", context, status)


@router.get("/sharing/requests", response_class=HTMLResponse)
def requests_page(request: Request, uow: UowDep, state: Requester) -> Response:
    """The outside agency's form for a first-access request, and their requests."""
    return _requests_page(request, uow, state)


@router.post("/sharing/requests", response_class=HTMLResponse)
def file_request(
    request: Request,
    uow: UowDep,
    state: RequestPost,
    category: Annotated[str, Form(max_length=40)] = "",
    crime_type: Annotated[str, Form(max_length=120)] = "",
    case_number: Annotated[str, Form(max_length=60)] = "",
    justification: Text = "",
) -> Response:
    form = {
        "category": category,
        "crime_type": crime_type,
        "case_number": case_number,
        "justification": justification,
    }
    entry = picklist_entry(crime_type)
    try:
        stated = purpose(category, entry.text if entry else crime_type, case_number, justification)
        filed = requests.file_request(uow, state.actor, stated)
    except REFUSALS as exc:
        return _requests_page(request, uow, state, form, exc.detail, status_of(exc))
    return RedirectResponse(f"/sharing/requests?filed={filed.id}", status_code=303)


# --- command staff decide ------------------------------------------------------------------------


@router.get("/sharing/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, uow: UowDep, state: Approver) -> Response:
    """First-access requests waiting for command staff (DUP §10)."""
    context = {
        "waiting": requests.requests_waiting(uow, state.actor),
        "decided": request.query_params.get("decided"),
    }
    return render(request, state, "sharing/approvals.html", context)


def _decide(
    uow: UowDep,
    state: SessionState,
    request_id: int,
    approve: bool,
    reason: str,
    draft: bool = False,
) -> Any:
    requests.decide_request(uow, state.actor, request_id, approve, reason, draft_agreement=draft)
    return RedirectResponse(f"/sharing/approvals?decided={request_id}", status_code=303)


@router.post("/sharing/approvals/{request_id}/approve")
def approve_request(
    uow: UowDep,
    state: ApprovePost,
    request_id: Id,
    reason: Annotated[str, Form(max_length=500)],
    then: Annotated[Literal["request", "draft"], Form()] = "request",
) -> Response:
    """Approve: open for this request only, or for this request and draft an agreement."""
    result: Response = _decide(uow, state, request_id, True, reason, then == "draft")
    return result


@router.post("/sharing/approvals/{request_id}/deny")
def deny_request(
    uow: UowDep, state: ApprovePost, request_id: Id, reason: Annotated[str, Form(max_length=500)]
) -> Response:
    result: Response = _decide(uow, state, request_id, False, reason)
    return result


# --- the administrator's page --------------------------------------------------------------------


def _admin_page(
    request: Request,
    uow: UowDep,
    state: SessionState,
    error: str | None = None,
    status: int = 200,
    issued: str | None = None,
) -> Response:
    context = {
        "issued": issued,
        "clients": clients.list_clients(uow, state.actor),
        "registry": agencies.registry(uow, state.actor),
        "agreements": agreements.list_agreements(uow, state.actor),
        "settings": conformance.sharing_settings(uow, state.actor),
        "alarms": conformance.alarms(uow, state.actor),
        "kinds": list(AgencyKind),
        "scopes": list(Scope),
        "error": error,
    }
    return render(request, state, "sharing/admin.html", context, status)


@router.get("/admin/sharing", response_class=HTMLResponse)
def admin_page(request: Request, uow: UowDep, state: Manager) -> Response:
    """Outside agencies, agreements, the sharing settings and the conformance alarms."""
    return _admin_page(request, uow, state)


@router.post("/admin/sharing/agencies", response_class=HTMLResponse)
def register_agency(
    request: Request,
    uow: UowDep,
    state: ManagePost,
    ori: Annotated[str, Form(max_length=9)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    state_code: Annotated[str, Form(alias="state", max_length=2)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        agencies.register_outside_agency(
            uow, state.actor, ori=ori, name=name, state=state_code, kind=kind
        )
    except REFUSALS as exc:
        return _admin_page(request, uow, state, exc.detail, status_of(exc))
    return RedirectResponse("/admin/sharing#agencies", status_code=303)


@router.post("/admin/sharing/agreements", response_class=HTMLResponse)
def create_agreement(
    request: Request,
    uow: UowDep,
    state: ManagePost,
    ori: Annotated[str, Form(max_length=9)] = "",
    reference: Annotated[str, Form(max_length=200)] = "",
    effective_on: Annotated[str, Form(max_length=10)] = "",
    expires_on: Annotated[str, Form(max_length=10)] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    contacts: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        agreements.create_agreement(
            uow,
            state.actor,
            ori=ori,
            reference=reference,
            effective_on=_date(effective_on, "effective"),
            expires_on=_date(expires_on, "expiry"),
            scopes=scopes or [],
            contacts=contacts,
        )
    except REFUSALS as exc:
        return _admin_page(request, uow, state, exc.detail, status_of(exc))
    return RedirectResponse("/admin/sharing#agreements", status_code=303)


def _date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"give the {label} date as YYYY-MM-DD") from None


@router.post("/admin/sharing/agreements/{agreement_id}/status", response_class=HTMLResponse)
def change_status(
    request: Request,
    uow: UowDep,
    state: ManagePost,
    agreement_id: Id,
    status: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
    reference: Annotated[str, Form(max_length=200)] = "",
    effective_on: Annotated[str, Form(max_length=10)] = "",
    expires_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Suspend, reinstate or revoke an agreement; activating a draft gives its document and
    dates."""
    try:
        agreements.change_status(
            uow,
            state.actor,
            agreement_id,
            status,
            reason,
            reference=reference or None,
            effective_on=_date(effective_on, "effective") if effective_on.strip() else None,
            expires_on=_date(expires_on, "expiry") if expires_on.strip() else None,
        )
    except REFUSALS as exc:
        return _admin_page(request, uow, state, exc.detail, status_of(exc))
    return RedirectResponse("/admin/sharing#agreements", status_code=303)


@router.post("/admin/sharing/alarms/{alarm_id}/acknowledge")
def acknowledge_alarm(uow: UowDep, state: ManagePost, alarm_id: Id) -> Response:
    conformance.acknowledge_alarm(uow, state.actor, alarm_id)
    return RedirectResponse("/admin/sharing#alarms", status_code=303)


@router.post("/admin/sharing/clients", response_class=HTMLResponse)
def issue_client(
    request: Request,
    uow: UowDep,
    state: ManagePost,
    ori: Annotated[str, Form(max_length=9)] = "",
    username: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=120)] = "",
    days: Annotated[int, Form(ge=1, le=90)] = 30,
) -> Response:
    """Issue an agency system's credential; the secret is shown on this answer only."""
    try:
        _, secret = clients.issue_client(
            uow, state.actor, ori=ori, username=username, name=name, days=days
        )
    except REFUSALS as exc:
        return _admin_page(request, uow, state, exc.detail, status_of(exc))
    return _admin_page(request, uow, state, issued=secret)


@router.post("/admin/sharing/clients/{client_id}/revoke")
def revoke_client(uow: UowDep, state: ManagePost, client_id: Id) -> Response:
    clients.revoke_client(uow, state.actor, client_id)
    return RedirectResponse("/admin/sharing#clients", status_code=303)


# --- the outside-access log ----------------------------------------------------------------------


@router.get("/sharing/activity", response_class=HTMLResponse)
def activity_page(
    request: Request, uow: UowDep, state: Viewer, agency: str | None = None
) -> Response:
    """Each outside agency's activity and every outside access (DUP §9, §10)."""
    found = activity.outside_activity(uow, state.actor, (agency or "")[:9] or None)
    context = {"activity": found, "agency": agency}
    return render(request, state, "sharing/activity.html", context)


# --- lieutenants share hot lists -----------------------------------------------------------------


def _hotlists_page(
    request: Request,
    uow: UowDep,
    state: SessionState,
    error: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "subscriptions": subscriptions.list_subscriptions(uow, state.actor),
        "lists": subscriptions.shareable_lists(uow),
        "error": error,
    }
    return render(request, state, "sharing/hotlists.html", context, status)


@router.get("/sharing/hotlists", response_class=HTMLResponse)
def hotlists_page(request: Request, uow: UowDep, state: Sharer) -> Response:
    """Hot lists shared with outside agencies (DUP §10): share one, or stop sharing it."""
    return _hotlists_page(request, uow, state)


@router.post("/sharing/hotlists", response_class=HTMLResponse)
def share_hotlist(
    request: Request,
    uow: UowDep,
    state: SharePost,
    ori: Annotated[str, Form(max_length=9)] = "",
    list_name: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        subscriptions.share_hotlist(uow, state.actor, ori=ori, list_name=list_name)
    except REFUSALS as exc:
        uow.rollback()
        return _hotlists_page(request, uow, state, exc.detail, status_of(exc))
    return RedirectResponse("/sharing/hotlists", status_code=303)


@router.post("/sharing/hotlists/{subscription_id}/end", response_class=HTMLResponse)
def end_subscription(
    request: Request,
    uow: UowDep,
    state: SharePost,
    subscription_id: Id,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        subscriptions.end_subscription(uow, state.actor, subscription_id, reason)
    except REFUSALS as exc:
        uow.rollback()
        return _hotlists_page(request, uow, state, exc.detail, status_of(exc))
    return RedirectResponse("/sharing/hotlists", status_code=303)
