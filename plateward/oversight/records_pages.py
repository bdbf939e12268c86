"""Public-records packages: assemble in one action, review, release by a second person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.permissions import Permission
from plateward.oversight import records
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
# A records clerk (or an administrator, the DPO) assembles and reviews; a second person holding
# records:release releases.
Clerk = Annotated[SessionState, Depends(person_with(Permission.RECORDS_ASSEMBLE))]
ClerkForm = Annotated[SessionState, Depends(form_by_person_with(Permission.RECORDS_ASSEMBLE))]
Releaser = Annotated[SessionState, Depends(form_by_person_with(Permission.RECORDS_RELEASE))]


@router.get("/records", response_class=HTMLResponse)
def records_page(request: Request, uow: UowDep, state: Clerk) -> Response:
    today = uow.now().date()
    context = {
        "packages": records.packages(uow, state.actor),
        "today": today,
        "start": today.replace(month=1, day=1),
    }
    return render(request, state, "oversight/records.html", context)


@router.post("/records")
def assemble(
    uow: UowDep,
    state: ClerkForm,
    request_ref: Annotated[str, Form(max_length=200)] = "",
    start: Annotated[str, Form(max_length=20)] = "",
    end: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    made = records.assemble(uow, state.actor, request_ref, start, end)
    return RedirectResponse(f"/records/{made.id}", status_code=303)


@router.get("/records/{package_id}", response_class=HTMLResponse)
def package_page(request: Request, uow: UowDep, state: Clerk, package_id: int) -> Response:
    context = {
        "package": records.package(uow, state.actor, package_id),
        "may_release": Permission.RECORDS_RELEASE in state.actor.permissions,
    }
    return render(request, state, "oversight/records_package.html", context)


@router.post("/records/{package_id}/release")
def release(uow: UowDep, state: Releaser, package_id: int) -> Response:
    records.release(uow, state.actor, package_id)
    return RedirectResponse(f"/records/{package_id}", status_code=303)


@router.get("/records/{package_id}/package.zip")
def download(uow: UowDep, state: Clerk, package_id: int) -> Response:
    name, body = records.archive(uow, state.actor, package_id)
    return Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
