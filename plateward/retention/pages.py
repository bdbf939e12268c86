"""Retention pages: legal holds (``/holds``) and the administrator's retention page.

``/holds`` needs ``holds:place`` (investigators, lieutenants); deciding a hold ``holds:approve``
(lieutenants); ``/admin/retention`` needs ``retention:manage``. Every form carries the session's
CSRF token. Pages call the services and never query; a refused input shows the page again with
the service's reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Permission, allowed
from plateward.core.purpose import CRIME_TYPES, PurposeCategory, purpose
from plateward.retention import holds, rules
from plateward.retention import service as retention
from plateward.retention.overview import retention_overview
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
PLACE, APPROVE = Permission.HOLDS_PLACE, Permission.HOLDS_APPROVE
MANAGE = Permission.RETENTION_MANAGE
Placer = Annotated[SessionState, Depends(person_with(PLACE))]
PlacerForm = Annotated[SessionState, Depends(form_by_person_with(PLACE))]
ApproverForm = Annotated[SessionState, Depends(form_by_person_with(APPROVE))]
Manager = Annotated[SessionState, Depends(person_with(MANAGE))]
ManagerForm = Annotated[SessionState, Depends(form_by_person_with(MANAGE))]
HoldId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ReadIds = Annotated[list[str], Query(alias="read", max_length=rules.MAX_HELD_READS)]


def _holds_page(
    request: Request,
    state: SessionState,
    uow: UowDep,
    error: str | None = None,
    status: int = 200,
) -> Response:
    actor = state.actor
    context = {
        "mine": holds.my_holds(uow, actor),
        "queue": holds.approval_queue(uow, actor) if allowed(actor, APPROVE) else None,
        "today": uow.now().date(),
        "error": error,
    }
    return render(request, state, "retention/holds.html", context, status)


@router.get("/holds", response_class=HTMLResponse)
def holds_page(request: Request, uow: UowDep, state: Placer) -> Response:
    return _holds_page(request, state, uow)


def _new_hold_page(
    request: Request,
    state: SessionState,
    read_ids: list[str],
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "read_ids": read_ids,
        "form": form or {"category": PurposeCategory.CRIMINAL_INVESTIGATION.value},
        "categories": list(PurposeCategory),
        "crime_types": CRIME_TYPES,
        "error": error,
        "case_example": request.app.state.settings.case_number_example,
    }
    return render(request, state, "retention/new_hold.html", context, status)


@router.get("/holds/new", response_class=HTMLResponse)
def new_hold(request: Request, state: Placer, read_ids: ReadIds = []) -> Response:  # noqa: B006
    """The hold form for reads chosen on search results or a read's page."""
    return _new_hold_page(request, state, read_ids[: rules.MAX_HELD_READS])


@router.post("/holds", response_class=HTMLResponse)
def place(
    request: Request,
    uow: UowDep,
    state: PlacerForm,
    read: Annotated[list[str], Form(max_length=rules.MAX_HELD_READS)] = [],  # noqa: B006
    category: Annotated[str, Form(max_length=40)] = "",
    crime_type: Annotated[str, Form(max_length=200)] = "",
    case_number: Annotated[str, Form(max_length=100)] = "",
    justification: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {
        "category": category,
        "crime_type": crime_type,
        "case_number": case_number,
        "justification": justification,
    }
    try:
        stated = purpose(category, crime_type, case_number, justification)
        hold = holds.place_hold(uow, state.actor, stated, read)
    except (InvalidInput, PermissionDenied, NotFound) as exc:
        return _new_hold_page(request, state, read, form, exc.detail, status_of(exc))
    return RedirectResponse(f"/holds/{hold.id}", status_code=303)


@router.get("/holds/{hold_id}", response_class=HTMLResponse)
def hold_page(request: Request, uow: UowDep, state: Placer, hold_id: HoldId) -> Response:
    detail = holds.hold_detail(uow, state.actor, hold_id)
    context = {
        "detail": detail,
        "hold": detail.hold,
        "today": uow.now().date(),
        "may_decide": allowed(state.actor, APPROVE) and detail.hold.placed_by_id != state.actor.id,
        # A lieutenant waits for another one; an investigator for any.
        "approver": "another lieutenant" if allowed(state.actor, APPROVE) else "a lieutenant",
    }
    return render(request, state, "retention/hold.html", context)


@router.get("/holds/{hold_id}/reads/{read_id}/image")
def held_image(uow: UowDep, state: Placer, hold_id: HoldId, read_id: str) -> Response:
    kind, body = holds.held_image(uow, state.actor, hold_id, read_id[:64])
    return Response(body, media_type=kind, headers={"Cache-Control": "no-store"})


@router.post("/holds/{hold_id}/approve")
def approve(
    uow: UowDep,
    state: ApproverForm,
    hold_id: HoldId,
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    holds.approve_hold(uow, state.actor, hold_id, note)
    return RedirectResponse(f"/holds/{hold_id}", status_code=303)


@router.post("/holds/{hold_id}/reject")
def reject(
    uow: UowDep,
    state: ApproverForm,
    hold_id: HoldId,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    holds.reject_hold(uow, state.actor, hold_id, reason)
    return RedirectResponse(f"/holds/{hold_id}", status_code=303)


@router.post("/holds/{hold_id}/status")
def change_status(
    uow: UowDep,
    state: PlacerForm,
    hold_id: HoldId,
    status: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    holds.change_status(uow, state.actor, hold_id, status)
    return RedirectResponse(f"/holds/{hold_id}", status_code=303)


@router.post("/holds/{hold_id}/review")
def review(
    uow: UowDep,
    state: PlacerForm,
    hold_id: HoldId,
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    holds.review_hold(uow, state.actor, hold_id, note)
    return RedirectResponse(f"/holds/{hold_id}", status_code=303)


# --- the administrator's page -------------------------------------------------------------------


def _admin_page(
    request: Request,
    state: SessionState,
    uow: UowDep,
    error: str | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
    saved: bool = False,
) -> Response:
    overview = retention_overview(uow, state.actor)
    context = {
        "overview": overview,
        "bars": overview.chart(),
        "error": error,
        "form": form or {"days": str(overview.days), "reason": ""},  # what was typed stays
        "saved": saved,
    }
    return render(request, state, "retention/admin.html", context, status)


@router.get("/admin/retention", response_class=HTMLResponse)
def admin_page(request: Request, uow: UowDep, state: Manager, saved: str = "") -> Response:
    return _admin_page(request, state, uow, saved=saved == "1")


@router.post("/admin/retention", response_class=HTMLResponse)
def set_period(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    days: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        if not days.strip().lstrip("-").isdigit():
            raise InvalidInput("give the retention period as a whole number of days")
        retention.set_retention(uow, state.actor, int(days), reason)
    except (InvalidInput, PermissionDenied) as exc:
        typed = {"days": days, "reason": reason}
        return _admin_page(request, state, uow, exc.detail, status_of(exc), typed)
    return RedirectResponse("/admin/retention?saved=1", status_code=303)
