"""The landing page (a person's home once signed in) and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts import sessions
from plateward.web.deps import SessionDep, UowDep
from plateward.web.home import features_for, notices_for
from plateward.web.rendering import render
from plateward.web.scaleout import broker_state

router = APIRouter()


@router.get("/healthz", tags=["operations"])
def healthz(request: Request, uow: UowDep) -> dict[str, str]:
    """Liveness, database reachability and the broker's state (``none`` without one)."""
    uow.ping()
    return {"status": "ok", "database": uow.dialect, "broker": broker_state(request)}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing(request: Request, state: SessionDep) -> Response:
    """A visitor sees the public page; a signed-in person, once the restrictions are accepted,
    their home: what their permissions let them do."""
    if state is not None:
        if state.stage != sessions.ACTIVE:
            return RedirectResponse("/login/enrol", status_code=303)
        if not state.actor.acknowledged:
            return RedirectResponse("/acknowledge?next=/", status_code=303)
        context = {"features": features_for(state.actor), "notices": notices_for(state.actor)}
        return render(request, state, "home.html", context)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "landing.html", {"actor": None})  # type: ignore[no-any-return]
