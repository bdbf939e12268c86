"""The incident register's pages (DUP §12): administrators and the DPO; every view audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.permissions import Permission
from plateward.oversight import incident_rules as rules
from plateward.oversight import incidents
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
Keeper = Annotated[SessionState, Depends(person_with(Permission.INCIDENTS_MANAGE))]
KeeperForm = Annotated[SessionState, Depends(form_by_person_with(Permission.INCIDENTS_MANAGE))]
TEXT = rules.MAX_TEXT + 1000


@router.get("/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, uow: UowDep, state: Keeper) -> Response:
    context = {"incidents": incidents.list_incidents(uow, state.actor)}
    return render(request, state, "oversight/incidents.html", context)


@router.post("/incidents")
def record_incident(
    uow: UowDep,
    state: KeeperForm,
    found_by: Annotated[str, Form(max_length=rules.MAX_NAME + 100)] = "",
    data_involved: Annotated[str, Form(max_length=TEXT)] = "",
    description: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    report = incidents.Report(found_by, data_involved, description)
    recorded = incidents.record_incident(uow, state.actor, report)
    return RedirectResponse(f"/incidents/{recorded.id}", status_code=303)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, uow: UowDep, state: Keeper, incident_id: int) -> Response:
    context = {"incident": incidents.incident(uow, state.actor, incident_id)}
    return render(request, state, "oversight/incident.html", context)


@router.post("/incidents/{incident_id}/steps")
def incident_step(
    uow: UowDep,
    state: KeeperForm,
    incident_id: int,
    step: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=TEXT)] = "",
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    incidents.advance(uow, state.actor, incident_id, step, note, confirmed == "yes")
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)
