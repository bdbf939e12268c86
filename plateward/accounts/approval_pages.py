"""Privileged changes waiting for a second person: approvers confirm or turn them down;
auditors and administrators see what is pending (DUP §9, §12)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts import approvals
from plateward.accounts.sessions import SessionState
from plateward.web.deps import UowDep, csrf_for_session, signed_in
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[SessionState, Depends(signed_in)]
Posted = Annotated[SessionState, Depends(csrf_for_session)]


@router.get("/approvals", response_class=HTMLResponse)
def approvals_page(
    request: Request, uow: UowDep, state: SignedIn, requested: int | None = None
) -> Response:
    changes = approvals.changes(uow, state.actor)
    # Said only of the person's own change that the list shows: the address alone reveals nothing.
    mine = [c for c in changes if c.requested_by == state.actor.username]
    just_requested = next((c for c in mine if c.id == requested), None)
    context = {
        "changes": changes,
        "may_decide": approvals.may_decide(state.actor),
        "just_requested": just_requested,
    }
    return render(request, state, "accounts/approvals.html", context)


@router.post("/approvals/{change_id}/approve")
def approve(uow: UowDep, state: Posted, change_id: int) -> Response:
    approvals.approve(uow, signed_in(state).actor, change_id)
    return RedirectResponse("/approvals", status_code=303)


@router.post("/approvals/{change_id}/reject")
def reject(
    uow: UowDep,
    state: Posted,
    change_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    approvals.reject(uow, signed_in(state).actor, change_id, reason)
    return RedirectResponse("/approvals", status_code=303)
