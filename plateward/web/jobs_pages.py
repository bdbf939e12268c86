"""The background jobs page: how each job last ran, for administrators (``jobs:view``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.jobs import job_statuses
from plateward.core.permissions import Permission
from plateward.web.deps import UowDep, person_with
from plateward.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)

JobsViewer = Annotated[SessionState, Depends(person_with(Permission.JOBS_VIEW))]


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, uow: UowDep, state: JobsViewer) -> Response:
    statuses = job_statuses(uow, state.actor)
    return render(request, state, "jobs.html", {"jobs": statuses, "now": uow.now()})
