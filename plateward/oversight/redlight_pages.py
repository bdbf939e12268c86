"""Red-light review pages and the devices' API (DUP §2.4, §3.4).

Reviewers (``violations:review``) work the queue: open a violation, see its evidence, and cite or
dismiss it by name. Administrators (``cameras:manage``) register devices and enable them once a
notice sign is recorded within 200 feet. Devices post their violations with their service token;
a posted violation only ever waits in the queue.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from plateward.accounts.sessions import SessionState
from plateward.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.oversight import redlight
from plateward.web.deps import UowDep, bearer_caller, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["red-light review"])
Reviewer = Annotated[SessionState, Depends(person_with(Permission.VIOLATIONS_REVIEW))]
ReviewerForm = Annotated[SessionState, Depends(form_by_person_with(Permission.VIOLATIONS_REVIEW))]
Manager = Annotated[SessionState, Depends(person_with(Permission.CAMERAS_MANAGE))]
ManagerForm = Annotated[SessionState, Depends(form_by_person_with(Permission.CAMERAS_MANAGE))]


@router.get("/violations", response_class=HTMLResponse)
def queue_page(request: Request, uow: UowDep, state: Reviewer) -> Response:
    views = redlight.review_queue(uow, state.actor)
    return render(request, state, "oversight/violations.html", {"violations": views})


def _violation_page(
    request: Request,
    uow: UowDep,
    state: SessionState,
    event_id: int,
    error: str | None = None,
    status: int = 200,
) -> Response:
    view = redlight.open_violation(uow, state.actor, event_id)
    context = {"violation": view, "error": error}
    return render(request, state, "oversight/violation.html", context, status)


@router.get("/violations/{event_id}", response_class=HTMLResponse)
def violation_page(request: Request, uow: UowDep, state: Reviewer, event_id: int) -> Response:
    """The violation with its evidence; opening it is what lets this reviewer decide."""
    return _violation_page(request, uow, state, event_id)


@router.get("/violations/{event_id}/evidence")
def evidence(uow: UowDep, state: Reviewer, event_id: int) -> Response:
    """The evidence image: shown, never run (its own type, no sniffing, a closed CSP)."""
    image = redlight.evidence_image(uow, state.actor, event_id)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Content-Disposition": "inline",
    }
    return Response(image.body, media_type=image.content_type, headers=headers)


@router.post("/violations/{event_id}/cite", response_class=HTMLResponse)
def cite(
    request: Request,
    uow: UowDep,
    state: ReviewerForm,
    event_id: int,
    citation_number: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        redlight.cite(uow, state.actor, event_id, citation_number, note)
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        uow.rollback()
        return _violation_page(request, uow, state, event_id, exc.detail, status_of(exc))
    return RedirectResponse(f"/violations/{event_id}", status_code=303)


@router.post("/violations/{event_id}/dismiss", response_class=HTMLResponse)
def dismiss(
    request: Request,
    uow: UowDep,
    state: ReviewerForm,
    event_id: int,
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        redlight.dismiss(uow, state.actor, event_id, note)
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        uow.rollback()
        return _violation_page(request, uow, state, event_id, exc.detail, status_of(exc))
    return RedirectResponse(f"/violations/{event_id}", status_code=303)


# --- devices (administrators) -------------------------------------------------------------------


def _devices_page(
    request: Request, uow: UowDep, state: SessionState, error: str | None = None, status: int = 200
) -> Response:
    context = {"devices": redlight.list_devices(uow, state.actor), "error": error}
    return render(request, state, "oversight/devices.html", context, status)


@router.get("/admin/traffic-devices", response_class=HTMLResponse)
def devices_page(request: Request, uow: UowDep, state: Manager) -> Response:
    return _devices_page(request, uow, state)


def _coordinate(value: str, label: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise InvalidInput(f"{label} must be a number") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{label} must be a number")
    return number


@router.post("/admin/traffic-devices", response_class=HTMLResponse)
def register_device(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    code: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    intersection: Annotated[str, Form(max_length=300)] = "",
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    try:
        redlight.register_device(
            uow,
            state.actor,
            code,
            name,
            intersection,
            _coordinate(latitude, "latitude"),
            _coordinate(longitude, "longitude"),
        )
    except (InvalidInput, Conflict) as exc:
        uow.rollback()
        return _devices_page(request, uow, state, exc.detail, status_of(exc))
    return RedirectResponse("/admin/traffic-devices", status_code=303)


@router.post("/admin/traffic-devices/{code}/enable", response_class=HTMLResponse)
def enable_device(request: Request, uow: UowDep, state: ManagerForm, code: str) -> Response:
    try:
        redlight.enable_device(uow, state.actor, code)
    except (Conflict, NotFound) as exc:
        uow.rollback()
        return _devices_page(request, uow, state, exc.detail, status_of(exc))
    return RedirectResponse("/admin/traffic-devices", status_code=303)


# --- the devices' API -----------------------------------------------------------------------------


class ViolationPost(BaseModel):
    """A violation a red-light device observed. It is stored pending, for manual review."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    device: str = Field(min_length=1, max_length=64)
    occurred_at: datetime
    plate: str = Field(min_length=1, max_length=32)
    plate_state: str | None = Field(default=None, max_length=8)
    evidence_ref: str = Field(min_length=1, max_length=500)
    red_for_seconds: float | None = Field(default=None, ge=0, le=600)


class ViolationReceived(BaseModel):
    id: int
    status: str


@api.post(
    "/traffic-violations",
    response_model=ViolationReceived,
    status_code=202,
    responses={400: {}, 401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
)
def post_violation(
    uow: UowDep, actor: Annotated[Actor, Depends(bearer_caller)], event: ViolationPost
) -> ViolationReceived:
    """Queue a red-light violation for manual review (a device's service token). Never a
    citation: DUP §3.4 — a named reviewer decides."""
    if event.occurred_at.tzinfo is None:
        raise InvalidInput("occurred_at must include a time zone")
    event_id = redlight.receive_violation(
        uow,
        actor,
        redlight.ViolationIn(
            event.device,
            event.occurred_at,
            event.plate,
            event.plate_state,
            event.evidence_ref,
            event.red_for_seconds,
        ),
    )
    return ViolationReceived(id=event_id, status="pending")
