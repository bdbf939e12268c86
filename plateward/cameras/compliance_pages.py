"""The compliance map (``cameras:manage``): every camera with its field of view, the sensitive
sites and their entrances, the signs, and the warnings; and a proposed placement checked on the
map before any camera is registered there (DUP §3.1, §5, §6, update 2026).

Drawn by /static/js/placement-map.js over the offline base map, like the search maps: nothing is
fetched from outside this server unless the agency's own tile server is configured.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.cameras import placement, signage, sites
from plateward.cameras import service as cameras
from plateward.cameras.placement import PlacementReview, ProposalReview
from plateward.cameras.rules import (
    DEFAULT_VIEW_ANGLE_DEG,
    DEFAULT_VIEW_RANGE_M,
    FieldOfView,
    view_problem,
)
from plateward.cameras.service import CameraView
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Permission
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(prefix="/admin/compliance", include_in_schema=False)
MANAGE = Permission.CAMERAS_MANAGE
Manager = Annotated[SessionState, Depends(person_with(MANAGE))]
ManagerForm = Annotated[SessionState, Depends(form_by_person_with(MANAGE))]
MAP_CSP = "default-src 'self'; img-src 'self' data: {tiles}; frame-ancestors 'none'"


def _map_page(response: Response, request: Request) -> Response:
    """With an agency tile server configured, the map's images may come from it."""
    origin = request.app.state.settings.map_tiles_origin
    if origin:
        response.headers["Content-Security-Policy"] = MAP_CSP.format(tiles=origin)
    return response


def placement_map_context(request: Request, **data: Any) -> dict[str, Any]:
    return {"tiles_url": request.app.state.settings.map_tiles_url, "placement_map": data}


def _conflicts(review: PlacementReview | ProposalReview) -> list[dict[str, Any]]:
    return [
        {"site_id": c.site_id, "site": c.site_name, "distance_m": c.distance_m, "reason": c.reason}
        for c in review.conflicts
    ]


def camera_feature(camera: CameraView, review: PlacementReview) -> dict[str, Any]:
    return {
        "code": camera.code,
        "name": camera.name,
        "status": camera.status,
        "lat": camera.latitude,
        "lon": camera.longitude,
        "view": review.view,
        "conflicts": _conflicts(review),
        "held": review.held_since is not None,
        "href": f"/admin/cameras/{camera.code}",
    }


def _site_features(uow: UnitOfWork, state: SessionState) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "name": s.name,
            "kind": s.kind_label,
            "lat": s.latitude,
            "lon": s.longitude,
            "entrances": s.entrances,
            "href": f"/admin/sites/{s.id}",
        }
        for s in sites.list_sites(uow, state.actor)
    ]


def _page(
    request: Request,
    uow: UnitOfWork,
    state: SessionState,
    *,
    proposal: ProposalReview | None = None,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    views = {c.code: c for c in cameras.list_cameras(uow, state.actor)}
    reviews = placement.reviews(uow, state.actor)
    compliance = signage.compliance(uow, state.actor)
    data: dict[str, Any] = {
        "cameras": [camera_feature(views[r.code], r) for r in reviews if r.code in views],
        "sites": _site_features(uow, state),
        "signs": [
            {"name": s.name, "kind": s.kind, "lat": s.latitude, "lon": s.longitude}
            for s in compliance.signs
        ],
        "gaps": [
            {"lat": w.latitude, "lon": w.longitude, "text": w.text}
            for w in compliance.warnings
            if w.latitude is not None and w.longitude is not None
        ],
    }
    if proposal is not None:
        data["proposal"] = {"view": proposal.view, "conflicts": _conflicts(proposal)}
    context = {
        "reviews": reviews,
        "held": [r for r in reviews if r.held_since is not None],
        "warnings": compliance.warnings,
        "proposal": proposal,
        "form": form or {},
        "error": error,
        "defaults": {"range": DEFAULT_VIEW_RANGE_M, "angle": DEFAULT_VIEW_ANGLE_DEG},
        **placement_map_context(request, **data),
    }
    return _map_page(render(request, state, "cameras/compliance.html", context, status), request)


@router.get("", response_class=HTMLResponse)
def compliance_page(request: Request, uow: UowDep, state: Manager) -> Response:
    return _page(request, uow, state)


def _number(value: str, label: str, default: float | None = None) -> float | None:
    if not value.strip():
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise InvalidInput(f"{label} must be a number") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{label} must be a number")
    return number


def proposed_view(
    latitude: str, longitude: str, heading: str, range_m: str, angle_deg: str
) -> FieldOfView:
    """A field of view typed on the map's form; InvalidInput names the wrong field."""
    lat, lon = _number(latitude, "latitude"), _number(longitude, "longitude")
    if lat is None or lon is None:
        raise InvalidInput("click the map, or type a latitude and longitude, to place the camera")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("latitude must be between -90 and 90, longitude between -180 and 180")
    bearing = _number(heading, "heading")
    if bearing is not None and not 0 <= bearing < 360:
        raise InvalidInput("heading must be between 0 and 359 degrees")
    reach = _number(range_m, "view range", DEFAULT_VIEW_RANGE_M)
    angle = _number(angle_deg, "view angle", DEFAULT_VIEW_ANGLE_DEG)
    problem = view_problem(reach, angle)
    if problem:
        raise InvalidInput(problem)
    return FieldOfView(lat, lon, bearing, reach or DEFAULT_VIEW_RANGE_M, angle or 0)


@router.post("/check", response_class=HTMLResponse)
def check_placement(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
    heading: Annotated[str, Form(max_length=10)] = "",
    view_range_m: Annotated[str, Form(max_length=10)] = "",
    view_angle_deg: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Check a proposed placement: its field of view drawn, and refused if it reaches a
    sensitive site's entrance or exit (audited either way)."""
    form = {
        "latitude": latitude,
        "longitude": longitude,
        "heading": heading,
        "view_range_m": view_range_m,
        "view_angle_deg": view_angle_deg,
    }
    try:
        view = proposed_view(latitude, longitude, heading, view_range_m, view_angle_deg)
        proposal = placement.check_proposal(uow, state.actor, view)
    except InvalidInput as exc:
        return _page(request, uow, state, form=form, error=exc.detail, status=status_of(exc))
    return _page(request, uow, state, proposal=proposal, form=form)
