"""Comments and complaints: the public form and status page, and the DPO's workflow (DUP §11).

The public pages need no sign-in; they carry the portal's rate limit and a CSRF token of their own
(the pre-session cookie the sign-in form uses), so another site cannot file in a visitor's name.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import InvalidInput, NotFound
from plateward.core.permissions import Permission
from plateward.oversight import complaint_rules as rules
from plateward.oversight import complaints
from plateward.oversight.portal_pages import Visitor, render_public
from plateward.web.deps import (
    PRE_SESSION_CSRF_COOKIE,
    SessionDep,
    UowDep,
    check_csrf,
    client_address,
    form_by_person_with,
    person_with,
)
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
Officer = Annotated[SessionState, Depends(person_with(Permission.COMPLAINTS_MANAGE))]
OfficerForm = Annotated[SessionState, Depends(form_by_person_with(Permission.COMPLAINTS_MANAGE))]


def _form_page(
    request: Request,
    session: SessionDep,
    values: dict[str, object],
    error: str | None = None,
    status: int = 200,
) -> Response:
    csrf = request.cookies.get(PRE_SESSION_CSRF_COOKIE) or secrets.token_urlsafe(32)
    context = {
        "form_csrf": csrf,
        "kinds": list(rules.Kind),
        "topics": list(rules.Topic),
        "values": values,
        "error": error,
        "max_body": rules.MAX_BODY,
    }
    response = render_public(request, session, "oversight/complaint_form.html", context, status)
    response.set_cookie(
        PRE_SESSION_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or bool(request.app.state.settings.secure_cookies),
    )
    return response


@router.get("/transparency/complaints", response_class=HTMLResponse)
def complaint_form(request: Request, session: SessionDep, visitor: Visitor) -> Response:
    del visitor
    return _form_page(request, session, {"kind": "complaint", "topic": ""})


@router.post("/transparency/complaints")
def file_complaint(
    request: Request,
    uow: UowDep,
    session: SessionDep,
    visitor: Visitor,
    kind: Annotated[str, Form(max_length=20)] = "",
    topic: Annotated[str, Form(max_length=40)] = "",
    body: Annotated[str, Form(max_length=rules.MAX_BODY + 1000)] = "",
    contact: Annotated[str, Form(max_length=rules.MAX_CONTACT + 100)] = "",
    equity: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request.cookies.get(PRE_SESSION_CSRF_COOKIE), csrf_token)
    values = {"kind": kind, "topic": topic, "body": body, "contact": contact, "equity": equity}
    try:
        submission = rules.submission(kind, topic, body, contact, equity == "yes")
    except InvalidInput as exc:
        return _form_page(request, session, values, exc.detail, status_of(exc))
    filed = complaints.file_complaint(uow, visitor, submission, client_address(request) or "")
    context = {"status": filed, "filed": True}
    return render_public(request, session, "oversight/complaint_status.html", context)


@router.get("/transparency/complaints/status", response_class=HTMLResponse)
def complaint_status(
    request: Request, uow: UowDep, session: SessionDep, visitor: Visitor, number: str = ""
) -> Response:
    del visitor
    context: dict[str, object] = {"number": number[:40], "status": None, "error": None}
    status = 200
    if number.strip():
        try:
            context["status"] = complaints.public_status(uow, number[:40])
        except (InvalidInput, NotFound) as exc:
            context["error"], status = exc.detail, status_of(exc)
    return render_public(request, session, "oversight/complaint_status.html", context, status)


@router.get("/complaints", response_class=HTMLResponse)
def complaints_page(request: Request, uow: UowDep, state: Officer) -> Response:
    context = {"complaints": complaints.list_complaints(uow, state.actor)}
    return render(request, state, "oversight/complaints.html", context)


@router.get("/complaints/{complaint_id}", response_class=HTMLResponse)
def complaint_page(request: Request, uow: UowDep, state: Officer, complaint_id: int) -> Response:
    context = {
        "complaint": complaints.complaint(uow, state.actor, complaint_id),
        "outcomes": list(rules.Outcome),
    }
    return render(request, state, "oversight/complaint.html", context)


@router.post("/complaints/{complaint_id}/steps")
def complaint_step(
    uow: UowDep,
    state: OfficerForm,
    complaint_id: int,
    step: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=rules.MAX_NOTE + 1000)] = "",
    outcome: Annotated[str, Form(max_length=20)] = "",
    equity: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    given = complaints.StepInput(
        step, note, outcome, equity_concern=(equity == "yes") if step == "triage" else None
    )
    complaints.advance(uow, state.actor, complaint_id, given)
    return RedirectResponse(f"/complaints/{complaint_id}", status_code=303)
