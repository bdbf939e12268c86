"""The camera registry as staff read it (``cameras:view``): where each camera stands and whether
it takes reads. Administrators change cameras on ``/admin/cameras``; this page only lists them,
so an officer or an investigator has the registry in the browser and not only as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.cameras import service as cameras
from plateward.core.permissions import Permission
from plateward.web.deps import UowDep, person_with
from plateward.web.rendering import render

router = APIRouter(prefix="/cameras", include_in_schema=False)

Viewer = Annotated[SessionState, Depends(person_with(Permission.CAMERAS_VIEW))]


@router.get("", response_class=HTMLResponse)
def registry_page(request: Request, uow: UowDep, state: Viewer) -> Response:
    listed = cameras.list_cameras(uow, state.actor)
    return render(request, state, "cameras/registry.html", {"cameras": listed})
