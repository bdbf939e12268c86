"""The administrator's camera pages: the registry with each camera's health, the unknown cameras
whose reads wait in quarantine, and the forms that register, edit, retire and reactivate.

Every page needs ``cameras:manage`` (DUP §12); every form also carries the session's CSRF token.
Pages call the services and never query the database; a refused input shows the page again
with the service's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.cameras import placement
from plateward.cameras import service as cameras
from plateward.cameras.compliance_pages import _map_page, camera_feature, placement_map_context
from plateward.cameras.rules import CODE_PATTERN, CameraSpec
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Permission
from plateward.reads import release
from plateward.sharing import service as agencies
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(prefix="/admin/cameras", include_in_schema=False)
MANAGE = Permission.CAMERAS_MANAGE
Manager = Annotated[SessionState, Depends(person_with(MANAGE))]


ManagerForm = Annotated[SessionState, Depends(form_by_person_with(MANAGE))]


def _camera_fields(
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    location: Annotated[str, Form(max_length=300)] = "",
    vendor: Annotated[str, Form(max_length=100)] = "",
    agency_ori: Annotated[str, Form(max_length=9)] = "",
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
    heading: Annotated[str, Form(max_length=10)] = "",
    vendor_ref: Annotated[str, Form(max_length=64)] = "",
    expected_interval_minutes: Annotated[str, Form(max_length=10)] = "",
    view_range_m: Annotated[str, Form(max_length=10)] = "",
    view_angle_deg: Annotated[str, Form(max_length=10)] = "",
) -> dict[str, str]:
    """The fields a camera's register and edit forms share, as typed (shown again if refused)."""
    return {
        "name": name,
        "kind": kind,
        "location": location,
        "vendor": vendor,
        "agency_ori": agency_ori,
        "latitude": latitude,
        "longitude": longitude,
        "heading": heading,
        "vendor_ref": vendor_ref,
        "expected_interval_minutes": expected_interval_minutes,
        "view_range_m": view_range_m,
        "view_angle_deg": view_angle_deg,
    }


CameraFields = Annotated[dict[str, str], Depends(_camera_fields)]


def _number(value: str, label: str, kind: Callable[[str], Any] = float) -> Any:
    if not value.strip():
        return None
    try:
        return kind(value.strip())
    except ValueError:
        raise InvalidInput(f"{label} must be a number") from None


def _spec(form: dict[str, str]) -> CameraSpec:
    return CameraSpec(
        code=form.get("code", "").strip(),
        name=form["name"].strip(),
        kind=form["kind"],
        location=form["location"].strip(),
        vendor=form["vendor"].strip(),
        agency_ori=form["agency_ori"],
        latitude=_number(form["latitude"], "latitude"),
        longitude=_number(form["longitude"], "longitude"),
        heading=_number(form["heading"], "heading", int),
        vendor_ref=form["vendor_ref"].strip() or None,
        expected_interval_minutes=_number(
            form["expected_interval_minutes"], "expected interval", int
        ),
        view_range_m=_number(form["view_range_m"], "view range"),
        view_angle_deg=_number(form["view_angle_deg"], "view angle", int),
    )


# --- the registry -------------------------------------------------------------------------------


def _registry(
    request: Request,
    state: SessionState,
    uow: UnitOfWork,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    health = cameras.camera_health(uow, state.actor)
    # The camera each name a sender may use stands for (its code, or the vendor's id).
    known = {
        name: v.camera.code for v in health for name in (v.camera.code, v.camera.vendor_ref) if name
    }
    unknown = release.unknown_cameras(uow, state.actor)
    context = {
        "cameras": health,
        "silent": [v.camera.code for v in health if v.health.flagged],
        "held": placement.held_codes(uow, state.actor),
        "unknown": [
            {
                "name": u.name,
                "rows": u.rows,
                "last": u.last_received_at,
                "registered_as": known.get(u.name),
                # A name that cannot be a code is registered as the vendor's id of a new code.
                "fits_code": bool(CODE_PATTERN.fullmatch(u.name)),
            }
            for u in unknown
        ],
        "agencies": agencies.list_agencies(uow),
        "form": form or {"kind": "fixed"},
        "error": error,
        "report": request.query_params.get("released", "")[:500],
        "now": uow.now(),
    }
    return render(request, state, "cameras/admin_cameras.html", context, status)


@router.get("", response_class=HTMLResponse)
def registry_page(
    request: Request, uow: UowDep, state: Manager, code: str = "", vendor_ref: str = ""
) -> Response:
    """The registry; ``code`` or ``vendor_ref`` fill in the form to register an unknown camera."""
    form = {"kind": "fixed", "code": code[:64], "vendor_ref": vendor_ref[:64]}
    if code or vendor_ref:
        form["release_quarantine"] = "yes"
    return _registry(request, state, uow, form)


@router.get("/_silent", response_class=HTMLResponse)
def silent_badge(request: Request, uow: UowDep, state: Manager) -> Response:
    """The HTMX fragment the administration menu loads: how many cameras have gone silent."""
    silent = cameras.silent_cameras(uow, state.actor)
    return render(request, state, "cameras/_silent_badge.html", {"silent": silent})


def _summary(report: release.ReleaseReport) -> str:
    return (
        f"{report.camera}: {report.released} row(s) released ({report.stored} stored, "
        f"{report.duplicates} already stored); {report.still_failing} still refused and "
        f"{report.unreadable} unreadable stay in quarantine"
    )


@router.post("", response_class=HTMLResponse)
def register(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    fields: CameraFields,
    code: Annotated[str, Form(max_length=64)] = "",
    release_quarantine: Annotated[str, Form(max_length=3)] = "",
    attestation_note: Annotated[str, Form(max_length=2000)] = "",
    attestation_photo_ref: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Register a camera; with ``release_quarantine`` also release the rows waiting on it.

    With an attestation it is activated at once when its placement is clear; otherwise it is
    registered proposed (cameras/placement.py).
    """
    form = {
        "code": code,
        "release_quarantine": release_quarantine,
        "attestation_note": attestation_note,
        "attestation_photo_ref": attestation_photo_ref,
        **fields,
    }
    attestation = (
        cameras.AttestationIn(attestation_note, attestation_photo_ref)
        if attestation_note.strip() or attestation_photo_ref.strip()
        else None
    )
    try:
        spec = _spec(form)
        if release_quarantine:
            report = release.register_and_release(uow, state.actor, spec, attestation)
            return _released(report)
        created = cameras.add_camera(uow, state.actor, spec, attestation)
    except (InvalidInput, Conflict) as exc:
        uow.rollback()
        return _registry(request, state, uow, form, exc.detail, status_of(exc))
    return RedirectResponse(f"/admin/cameras/{created.code}", status_code=303)


def _released(report: release.ReleaseReport) -> Response:
    return RedirectResponse(f"/admin/cameras?released={quote(_summary(report))}", status_code=303)


# --- one camera ---------------------------------------------------------------------------------


def _camera_page(
    request: Request,
    state: SessionState,
    uow: UnitOfWork,
    code: str,
    error: str | None = None,
    status: int = 200,
) -> Response:
    health = next(
        (v for v in cameras.camera_health(uow, state.actor) if v.camera.code == code), None
    )
    if health is None:
        raise NotFound(f"no camera with the code '{code[:64]}'")
    review = placement.review(uow, state.actor, code)
    context = {
        "view": health,
        "camera": health.camera,
        "placement": review,
        "agencies": agencies.list_agencies(uow),
        "error": error,
        "now": uow.now(),
        **placement_map_context(request, cameras=[camera_feature(health.camera, review)]),
    }
    return _map_page(render(request, state, "cameras/admin_camera.html", context, status), request)


@router.get("/{code}", response_class=HTMLResponse)
def camera_page(request: Request, uow: UowDep, state: Manager, code: str) -> Response:
    return _camera_page(request, state, uow, code)


def _change(
    request: Request, uow: UnitOfWork, state: SessionState, code: str, change: Callable[[], Any]
) -> Response:
    try:
        change()
    except (InvalidInput, Conflict) as exc:
        uow.rollback()
        return _camera_page(request, state, uow, code, exc.detail, status_of(exc))
    return RedirectResponse(f"/admin/cameras/{code}", status_code=303)


@router.post("/{code}", response_class=HTMLResponse)
def edit(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    code: str,
    fields: CameraFields,
) -> Response:
    def change() -> None:
        spec = _spec(fields)
        changes = {f: getattr(spec, f) for f in fields}
        cameras.edit_camera(uow, state.actor, code, changes)

    return _change(request, uow, state, code, change)


@router.post("/{code}/retire", response_class=HTMLResponse)
def retire(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    code: str,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return _change(
        request, uow, state, code, lambda: cameras.retire_camera(uow, state.actor, code, reason)
    )


@router.post("/{code}/reactivate", response_class=HTMLResponse)
def reactivate(request: Request, uow: UowDep, state: ManagerForm, code: str) -> Response:
    return _change(
        request, uow, state, code, lambda: cameras.reactivate_camera(uow, state.actor, code)
    )


@router.post("/{code}/attest", response_class=HTMLResponse)
def attest(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    code: str,
    note: Annotated[str, Form(max_length=2000)] = "",
    photo_ref: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """DUP §3.1, §5 — record the public-view attestation for the camera's present placement."""
    return _change(
        request,
        uow,
        state,
        code,
        lambda: placement.attest(uow, state.actor, code, placement.AttestationIn(note, photo_ref)),
    )


@router.post("/{code}/release", response_class=HTMLResponse)
def release_rows(request: Request, uow: UowDep, state: ManagerForm, code: str) -> Response:
    """Release the quarantined rows of a camera registered since they arrived."""
    return _released(release.release_camera(uow, state.actor, code))
