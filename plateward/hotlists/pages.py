"""Hot-list pages: investigators propose entries, lieutenants approve or reject them.

``/hotlists`` needs ``hotlists:propose`` and ``/hotlists/queue`` ``hotlists:approve`` (DUP §4.5);
every form also carries the session's CSRF token. Pages call the services and never query; a
refused input shows the page again with the service's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import InvalidInput, PermissionDenied
from plateward.core.permissions import Permission
from plateward.hotlists import history, rules, service
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
PROPOSE, APPROVE = Permission.HOTLISTS_PROPOSE, Permission.HOTLISTS_APPROVE
Proposer = Annotated[SessionState, Depends(person_with(PROPOSE))]
ProposerForm = Annotated[SessionState, Depends(form_by_person_with(PROPOSE))]
Approver = Annotated[SessionState, Depends(person_with(APPROVE))]
ApproverForm = Annotated[SessionState, Depends(form_by_person_with(APPROVE))]
EntryId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _choices() -> dict[str, object]:
    return {
        "reasons": list(rules.ReasonCategory),
        "priorities": list(rules.Priority),
        "max_days": rules.MAX_ENTRY_DAYS,
    }


def _entries_page(
    request: Request,
    state: SessionState,
    uow: UowDep,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
    check_error: str | None = None,
) -> Response:
    mine = service.my_entries(uow, state.actor)
    context = {
        "mine": mine,
        "checks": history.checks_of(uow, state.actor, [e.id for e in mine]),
        "active": service.active_entries(uow, state.actor, PROPOSE),
        "form": form or {"plate_state": "CA", "priority": "normal"},
        "error": error,
        "check_error": check_error,
        "today": uow.now().date(),
        **_choices(),
    }
    return render(request, state, "hotlists/entries.html", context, status)


@router.get("/hotlists", response_class=HTMLResponse)
def entries_page(request: Request, uow: UowDep, state: Proposer) -> Response:
    return _entries_page(request, state, uow)


def _date(value: str, label: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"the {label} must be a date (YYYY-MM-DD)") from None


def _entry_form(
    plate: Annotated[str, Form(max_length=40)] = "",
    plate_state: Annotated[str, Form(max_length=10)] = "",
    vehicle_description: Annotated[str, Form(max_length=300)] = "",
    reason: Annotated[str, Form(max_length=40)] = "",
    crime_type: Annotated[str, Form(max_length=200)] = "",
    case_numbers: Annotated[str, Form(max_length=600)] = "",
    synopsis: Annotated[str, Form(max_length=2000)] = "",
    priority: Annotated[str, Form(max_length=10)] = "",
    expires_on: Annotated[str, Form(max_length=20)] = "",
) -> dict[str, str]:
    """The entry form's fields as typed (shown again when refused)."""
    return {
        "plate": plate,
        "plate_state": plate_state,
        "vehicle_description": vehicle_description,
        "reason": reason,
        "crime_type": crime_type,
        "case_numbers": case_numbers,
        "synopsis": synopsis,
        "priority": priority,
        "expires_on": expires_on,
    }


EntryForm = Annotated[dict[str, str], Depends(_entry_form)]


@router.post("/hotlists", response_class=HTMLResponse)
def propose(request: Request, uow: UowDep, state: ProposerForm, form: EntryForm) -> Response:
    try:
        spec = rules.entry_spec(
            plate=form["plate"],
            plate_state=form["plate_state"],
            vehicle_description=form["vehicle_description"],
            reason=form["reason"],
            crime_type=form["crime_type"],
            case_numbers_text=form["case_numbers"],
            synopsis=form["synopsis"],
            priority=form["priority"],
            expires_on=_date(form["expires_on"], "expiry"),
            today=uow.now().date(),
            fold_states=uow.settings.plate_fold_states,
        )
        entry = service.propose_entry(uow, state.actor, spec)
    except (InvalidInput, PermissionDenied) as exc:
        return _entries_page(request, state, uow, form, exc.detail, status_of(exc))
    return RedirectResponse(f"/hotlists?proposed={entry.id}", status_code=303)


@router.post("/hotlists/{entry_id}/remove")
def remove(
    uow: UowDep,
    state: ProposerForm,
    entry_id: EntryId,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    service.remove_entry(uow, state.actor, entry_id, reason)
    return RedirectResponse("/hotlists", status_code=303)


@router.post("/hotlists/{entry_id}/renew")
def renew(
    uow: UowDep,
    state: ProposerForm,
    entry_id: EntryId,
    expires_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    service.renew_entry(uow, state.actor, entry_id, _date(expires_on, "expiry"))
    return RedirectResponse("/hotlists", status_code=303)


@router.post("/hotlists/{entry_id}/history", response_class=HTMLResponse)
def check_history(
    request: Request,
    uow: UowDep,
    state: ProposerForm,
    entry_id: EntryId,
    case_number: Annotated[str, Form(max_length=60)] = "",
    possible: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Historical hits: the entry's plate searched in the stored reads, for the entry's purpose
    (a search, audited as one); its first page shown here, the rest on the search's pages."""
    try:
        outcome = history.check_stored_reads(
            uow, state.actor, entry_id, case_number=case_number, possible=bool(possible)
        )
    except (InvalidInput, PermissionDenied) as exc:
        return _entries_page(request, state, uow, check_error=exc.detail, status=status_of(exc))
    if outcome.pending is not None:
        return render(request, state, "search/pending.html", {"pending": outcome.pending}, 202)
    context = {"check": outcome.check, "results": outcome.results}
    return render(request, state, "hotlists/history.html", context)


# --- the lieutenant's queue ---------------------------------------------------------------------


def _queue_page(
    request: Request, state: SessionState, uow: UowDep, error: str | None = None, status: int = 200
) -> Response:
    context = {
        "pending": service.approval_queue(uow, state.actor),
        "active": service.active_entries(uow, state.actor, APPROVE),
        "error": error,
        **_choices(),
    }
    return render(request, state, "hotlists/queue.html", context, status)


@router.get("/hotlists/queue", response_class=HTMLResponse)
def queue_page(request: Request, uow: UowDep, state: Approver) -> Response:
    return _queue_page(request, state, uow)


def _decided(
    request: Request, uow: UowDep, state: SessionState, decide: Callable[[], object]
) -> Response:
    """Decide an entry; back to the queue, or the queue again with why it was refused."""
    try:
        decide()
    except (InvalidInput, PermissionDenied) as exc:
        return _queue_page(request, state, uow, exc.detail, status_of(exc))
    return RedirectResponse("/hotlists/queue", status_code=303)


@router.post("/hotlists/{entry_id}/approve", response_class=HTMLResponse)
def approve(
    request: Request,
    uow: UowDep,
    state: ApproverForm,
    entry_id: EntryId,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return _decided(
        request, uow, state, lambda: service.approve_entry(uow, state.actor, entry_id, note)
    )


@router.post("/hotlists/{entry_id}/reject", response_class=HTMLResponse)
def reject(
    request: Request,
    uow: UowDep,
    state: ApproverForm,
    entry_id: EntryId,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return _decided(
        request, uow, state, lambda: service.reject_entry(uow, state.actor, entry_id, reason)
    )
