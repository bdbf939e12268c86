"""The landing page and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from plateward.web.deps import SessionDep, UowDep

router = APIRouter()


@router.get("/healthz", tags=["operations"])
def healthz(uow: UowDep) -> dict[str, str]:
    """Liveness and database reachability."""
    uow.ping()
    return {"status": "ok", "database": uow.dialect}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing(request: Request, state: SessionDep) -> HTMLResponse:
    templates = request.app.state.templates
    actor = state.actor if state else None
    csrf_token = state.csrf_token if state else None  # the header's Sign out form needs it
    return templates.TemplateResponse(
        request, "landing.html", {"actor": actor, "csrf_token": csrf_token}
    )
