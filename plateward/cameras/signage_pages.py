"""The sign registry page (``cameras:manage``): the notice signs posted and the city's entrances
and exits (DUP §6, §2.4), with the compliance warnings; every change is audited."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.cameras import signage
from plateward.cameras.signage_rules import SIGN_LABELS, SignSpec
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound
from plateward.core.permissions import Permission
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(prefix="/admin/signs", include_in_schema=False)
MANAGE = Permission.CAMERAS_MANAGE
Manager = Annotated[SessionState, Depends(person_with(MANAGE))]
ManagerForm = Annotated[SessionState, Depends(form_by_person_with(MANAGE))]


def _coordinate(value: str, label: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise InvalidInput(f"{label} must be a number") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{label} must be a number")
    return number


def _page(
    request: Request,
    uow: UnitOfWork,
    state: SessionState,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    signs, gateways = signage.list_signs(uow, state.actor)
    context = {
        "signs": signs,
        "gateways": gateways,
        "kinds": SIGN_LABELS,
        "warnings": signage.compliance(uow, state.actor).warnings,
        "error": error,
    }
    return render(request, state, "cameras/signs.html", context, status)


@router.get("", response_class=HTMLResponse)
def signs_page(request: Request, uow: UowDep, state: Manager) -> Response:
    return _page(request, uow, state)


@router.post("", response_class=HTMLResponse)
def add_sign(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    kind: Annotated[str, Form(max_length=32)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
    installed_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        when = date.fromisoformat(installed_on) if installed_on.strip() else None
    except ValueError:
        when = None
    try:
        spec = SignSpec(
            kind,
            name,
            _coordinate(latitude, "latitude"),
            _coordinate(longitude, "longitude"),
            when,
        )
        signage.add_sign(uow, state.actor, spec)
    except InvalidInput as exc:
        uow.rollback()
        return _page(request, uow, state, error=exc.detail, status=status_of(exc))
    return RedirectResponse("/admin/signs", status_code=303)


@router.post("/gateways", response_class=HTMLResponse)
def add_gateway(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    name: Annotated[str, Form(max_length=200)] = "",
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    try:
        signage.add_gateway(
            uow,
            state.actor,
            name,
            _coordinate(latitude, "latitude"),
            _coordinate(longitude, "longitude"),
        )
    except InvalidInput as exc:
        uow.rollback()
        return _page(request, uow, state, error=exc.detail, status=status_of(exc))
    return RedirectResponse("/admin/signs", status_code=303)


@router.post("/{sign_id}/remove", response_class=HTMLResponse)
def remove_sign(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    sign_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        signage.remove_sign(uow, state.actor, sign_id, reason)
    except (InvalidInput, NotFound) as exc:
        uow.rollback()
        return _page(request, uow, state, error=exc.detail, status=status_of(exc))
    return RedirectResponse("/admin/signs", status_code=303)
