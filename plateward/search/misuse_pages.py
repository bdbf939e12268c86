"""The auditor's misuse-signals page, under the audit trail: the signals, the searches behind
each, the quarterly figures, and the review form.

DUP §9 — audits by a unit other than CDIC. The page lives with the rules that find the signals
(DESIGN: misuse signals belong to search/); its address sits under /audit, beside the trail it
reads, and the same auditor role opens it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.permissions import Permission
from plateward.search import misuse_review
from plateward.search.misuse_review_rules import (
    MAX_FINDING,
    Outcome,
    SignalState,
    parse_signal_filters,
)
from plateward.search.misuse_rules import SignalKind
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
Auditor = Annotated[SessionState, Depends(person_with(Permission.AUDIT_READ))]
Reviewer = Annotated[SessionState, Depends(form_by_person_with(Permission.AUDIT_REVIEW))]


@router.get("/audit/signals", response_class=HTMLResponse)
def signals_page(
    request: Request, uow: UowDep, state: Auditor, reviewed: int | None = None
) -> Response:
    filters = parse_signal_filters(request.query_params)
    page = misuse_review.signals_page(uow, state.actor, filters)
    context = {
        "page": page,
        "kinds": list(SignalKind),
        "states": list(SignalState),
        "outcomes": list(Outcome),
        "may_review": misuse_review.may_review(state.actor),
        "max_finding": MAX_FINDING,
        "reviewed": reviewed,
    }
    return render(request, state, "misuse/signals.html", context)


@router.post("/audit/signals/{signal_id}/review")
def review_signal(
    uow: UowDep,
    state: Reviewer,
    signal_id: int,
    finding: Annotated[str, Form(max_length=MAX_FINDING)] = "",
    outcome: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    misuse_review.review_signal(uow, state.actor, signal_id, finding, outcome)
    return RedirectResponse(
        f"/audit/signals?reviewed={signal_id}#signal-{signal_id}", status_code=303
    )
