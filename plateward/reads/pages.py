"""The administrator's reads page: the newest reads and the quarantine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.permissions import Permission
from plateward.reads import service as reads
from plateward.web.deps import UowDep, person_with

router = APIRouter(include_in_schema=False)
Monitor = Annotated[SessionState, Depends(person_with(Permission.READS_MONITOR))]


@router.get("/reads", response_class=HTMLResponse)
def reads_page(request: Request, uow: UowDep, state: Monitor) -> Response:
    page = reads.monitor(uow, state.actor)
    context = {
        "actor": state.actor,
        "csrf_token": state.csrf_token,
        "reads": page.reads,
        "quarantine": page.quarantine,
        "retention_days": page.retention_days,
    }
    return request.app.state.templates.TemplateResponse(request, "reads/monitor.html", context)


@router.get("/reads/latest", response_class=HTMLResponse)
def latest_fragment(request: Request, uow: UowDep, state: Monitor) -> Response:
    """The HTMX fragment behind the page's Refresh button."""
    context = {"reads": reads.latest_reads(uow, state.actor)}
    return request.app.state.templates.TemplateResponse(request, "reads/_latest.html", context)
