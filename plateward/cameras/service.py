"""Camera registry use cases: register, edit, retire, reactivate, and each camera's health.

DUP §12 — administrative access controls the cameras. Every change needs ``cameras:manage``, is
checked by ``authorize`` before anything changes, and leaves an audit entry in its transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from plateward.cameras import placement
from plateward.cameras.models import Camera
from plateward.cameras.placement import AttestationIn
from plateward.cameras.rules import (
    LEARNING_DAYS,
    CameraHealth,
    CameraKind,
    CameraRef,
    CameraResource,
    CameraSpec,
    CameraStatus,
    SiteZones,
    assess,
    camera_problem,
    changed_fields,
    edited,
    expected_interval,
    field_of_view,
    placement_of,
)
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.sharing import service as agencies

# CameraSpec and AttestationIn are imported from here by the demo builder.
__all__ = ["AttestationIn", "CameraSpec", "CameraView"]


@dataclass(frozen=True)
class CameraView:
    id: int
    code: str
    name: str
    kind: str
    location: str
    status: str
    vendor: str
    latitude: float | None
    longitude: float | None
    heading: int | None
    vendor_ref: str | None = None
    agency_ori: str = ""
    expected_interval_minutes: int | None = None
    registered_at: datetime | None = None
    view_range_m: float | None = None
    view_angle_deg: int | None = None


class Change(StrEnum):
    REGISTERED = "registered"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def _view(c: Camera, agency_ori: str = "") -> CameraView:
    return CameraView(
        c.id,
        c.code,
        c.name,
        c.kind,
        c.location,
        c.status,
        c.vendor,
        c.latitude,
        c.longitude,
        c.heading,
        c.vendor_ref,
        agency_ori,
        c.expected_interval_minutes,
        c.registered_at,
        c.view_range_m,
        c.view_angle_deg,
    )


def _spec_of(c: Camera, agency_ori: str) -> CameraSpec:
    return CameraSpec(
        code=c.code,
        name=c.name,
        kind=c.kind,
        location=c.location,
        vendor=c.vendor,
        agency_ori=agency_ori,
        latitude=c.latitude,
        longitude=c.longitude,
        heading=c.heading,
        status=c.status,
        vendor_ref=c.vendor_ref,
        expected_interval_minutes=c.expected_interval_minutes,
        view_range_m=c.view_range_m,
        view_angle_deg=c.view_angle_deg,
    )


def _agency_id(uow: UnitOfWork, ori: str) -> tuple[int, str]:
    if not ori.strip():
        home = agencies.home_agency(uow)
        return home.id, home.ori
    try:
        agency = agencies.agency_by_ori(uow, ori.strip())
    except NotFound as exc:
        raise InvalidInput(exc.detail) from None
    return agency.id, agency.ori


def _find(uow: UnitOfWork, code: str) -> Camera:
    camera = uow.session.scalar(select(Camera).where(Camera.code == code))
    if camera is None:
        raise NotFound(f"no camera with the code '{code[:64]}'")
    return camera


def _check_names(uow: UnitOfWork, spec: CameraSpec, camera_id: int | None) -> None:
    """A sender names a camera by our code or by the vendor's id: no name may mean two cameras."""
    names = {spec.code} | ({spec.vendor_ref} if spec.vendor_ref else set())
    clash = uow.session.scalar(
        select(Camera)
        .where(or_(Camera.code.in_(names), Camera.vendor_ref.in_(names)))
        .where(Camera.id != camera_id if camera_id is not None else Camera.id.is_not(None))
        .limit(1)
    )
    if clash is not None:
        raise Conflict(
            f"camera '{clash.code}' is already known as "
            f"'{clash.vendor_ref if clash.vendor_ref in names else clash.code}'"
        )


def _validated(spec: CameraSpec) -> CameraSpec:
    problem = camera_problem(spec)
    if problem:
        raise InvalidInput(problem)
    return spec


def _write(uow: UnitOfWork, camera: Camera, spec: CameraSpec, agency_id: int) -> None:
    camera.name, camera.kind, camera.location = spec.name, spec.kind, spec.location
    camera.latitude, camera.longitude, camera.heading = spec.latitude, spec.longitude, spec.heading
    camera.status, camera.vendor, camera.vendor_ref = spec.status, spec.vendor, spec.vendor_ref
    camera.expected_interval_minutes = spec.expected_interval_minutes
    camera.view_range_m, camera.view_angle_deg = spec.view_range_m, spec.view_angle_deg
    camera.agency_id = agency_id
    try:
        uow.session.flush()
    except IntegrityError:
        # Another administrator registered the same code or vendor id a moment earlier.
        raise Conflict(f"camera '{spec.code}' or its vendor id was registered meanwhile") from None


def _record(
    uow: UnitOfWork, actor: Actor, action: AuditAction, code: str, **details: object
) -> None:
    audit.record(uow, actor, AuditEvent(action, details={"camera": code, **details}))


def _save(
    uow: UnitOfWork,
    actor: Actor,
    spec: CameraSpec,
    *,
    update: bool,
    attestation: AttestationIn | None = None,
) -> tuple[Camera, Change]:
    authorize(uow, actor, Permission.CAMERAS_MANAGE, CameraResource(spec.code))
    _validated(spec)
    agency_id, ori = _agency_id(uow, spec.agency_ori)
    camera = uow.session.scalar(select(Camera).where(Camera.code == spec.code))
    if camera is not None and not update:
        raise Conflict(f"a camera with the code '{spec.code}' is already registered")
    _check_names(uow, spec, camera.id if camera else None)
    if camera is None:
        return _register(uow, actor, spec, agency_id, attestation), Change.REGISTERED
    before = _spec_of(camera, _ori_of(uow, camera))
    after = replace(spec, agency_ori=ori)
    # The status changes only through the placement review (activation) or by retiring.
    changed = [f for f in changed_fields(before, after) if f != "status"]
    activate = _activation_asked(uow, camera, before, spec, attestation)
    status = before.status
    if spec.status not in {CameraStatus.ACTIVE, before.status}:
        status = spec.status
        changed.append("status")
    if not changed and attestation is None and not activate:
        return camera, Change.UNCHANGED
    _move_checked(uow, actor, camera, before, after)
    _write(uow, camera, replace(after, status=status), agency_id)
    if attestation is not None:
        placement.record_attestation(uow, actor, camera, attestation)
    if changed:
        _record(uow, actor, AuditAction.CAMERA_UPDATED, spec.code, changed=changed)
    if activate:
        # Like registering: a refused placement leaves the camera as it was, the refusal in the
        # trail, and the rest of the change stands.
        problems, conflicts = placement.activation_problems(uow, camera)
        if problems:
            placement.record_refused(uow, actor, spec.code, problems, conflicts)
        else:
            placement.activate_checked(uow, actor, camera, AuditAction.CAMERA_REACTIVATED)
    placement.recheck(uow, actor, [camera])
    return camera, Change.UPDATED


def _activation_asked(
    uow: UnitOfWork,
    camera: Camera,
    before: CameraSpec,
    spec: CameraSpec,
    attestation: AttestationIn | None,
) -> bool:
    """Whether an update asks to put the camera in service. A proposed camera named active in a
    file without an attestation stays proposed: nothing attests it yet, so nothing is asked."""
    if spec.status != CameraStatus.ACTIVE or before.status == CameraStatus.ACTIVE:
        return False
    if before.status == CameraStatus.PROPOSED and attestation is None:
        return placement.current_attestation(uow, camera) is not None
    return True


def _register(
    uow: UnitOfWork,
    actor: Actor,
    spec: CameraSpec,
    agency_id: int,
    attestation: AttestationIn | None,
) -> Camera:
    """A new camera is registered proposed; it is activated at once only when asked for, with an
    attestation and a clear placement (DUP §3.1, §5, update 2026). A refused placement leaves
    it proposed, the refusal in the trail."""
    camera = Camera(code=spec.code, registered_at=uow.now())
    uow.session.add(camera)
    wanted = spec.status
    initial = CameraStatus.PROPOSED if wanted == CameraStatus.ACTIVE else wanted
    _write(uow, camera, replace(spec, status=initial), agency_id)
    _record(uow, actor, AuditAction.CAMERA_REGISTERED, spec.code, status=initial)
    if attestation is not None:
        placement.record_attestation(uow, actor, camera, attestation)
    if wanted == CameraStatus.ACTIVE and attestation is not None:
        problems, conflicts = placement.activation_problems(uow, camera)
        if problems:
            placement.record_refused(uow, actor, spec.code, problems, conflicts)
        else:
            placement.activate_checked(uow, actor, camera, AuditAction.CAMERA_ACTIVATED)
    return camera


def _move_checked(
    uow: UnitOfWork, actor: Actor, camera: Camera, before: CameraSpec, after: CameraSpec
) -> None:
    """DUP update 2026 — an active camera may not be moved or turned to see a sensitive entrance:
    the change is refused (and audited) before anything is written."""
    if camera.status != CameraStatus.ACTIVE or placement_of(before) == placement_of(after):
        return
    conflicts = placement.conflicts_of(uow, field_of_view(after))
    if conflicts:
        problems = [f"placement refused: {c.reason}" for c in conflicts]
        placement.refuse(uow, actor, camera.code, problems, conflicts, attempt="moved there")


def _ori_of(uow: UnitOfWork, camera: Camera) -> str:
    return agencies.agency_by_id(uow, camera.agency_id).ori


def add_camera(
    uow: UnitOfWork, actor: Actor, spec: CameraSpec, attestation: AttestationIn | None = None
) -> CameraView:
    """Register a new camera; a code already registered is a conflict (the register form, API).

    It is registered proposed, and active at once only with an attestation and a clear
    placement (``_register``).
    """
    camera, _ = _save(uow, actor, spec, update=False, attestation=attestation)
    uow.commit()
    return _view(camera, _ori_of(uow, camera))


def import_camera(
    uow: UnitOfWork, actor: Actor, spec: CameraSpec, attestation: AttestationIn | None = None
) -> Change:
    """Register a camera, or bring the one with the same code up to ``spec`` (an import file)."""
    _, change = _save(uow, actor, spec, update=True, attestation=attestation)
    uow.commit()
    return change


def register_camera(
    uow: UnitOfWork, actor: Actor, spec: CameraSpec, attestation: AttestationIn | None = None
) -> CameraView:
    """Register a camera, or update the one with the same code (the demo builder)."""
    camera, _ = _save(uow, actor, spec, update=True, attestation=attestation)
    return _view(camera, _ori_of(uow, camera))


def edit_camera(uow: UnitOfWork, actor: Actor, code: str, changes: Mapping[str, Any]) -> CameraView:
    """Change a camera's details (not its code, not its status: retire or reactivate it).

    Moving or turning an active camera is re-reviewed: refused if its view would reach a
    sensitive entrance; a held camera moved clear has its hold resolved.
    """
    authorize(uow, actor, Permission.CAMERAS_MANAGE, CameraResource(code))
    camera = _find(uow, code)
    before = _spec_of(camera, _ori_of(uow, camera))
    try:
        after = _validated(edited(before, changes))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    agency_id, ori = _agency_id(uow, after.agency_ori)
    after = replace(after, agency_ori=ori)
    _check_names(uow, after, camera.id)
    changed = changed_fields(before, after)
    if changed:
        _move_checked(uow, actor, camera, before, after)
        _write(uow, camera, after, agency_id)
        _record(uow, actor, AuditAction.CAMERA_UPDATED, code, changed=changed)
        placement.recheck(uow, actor, [camera])
        uow.commit()
    return _view(camera, ori)


def _set_status(
    uow: UnitOfWork, actor: Actor, code: str, status: CameraStatus, action: AuditAction, **why: str
) -> CameraView:
    authorize(uow, actor, Permission.CAMERAS_MANAGE, CameraResource(code))
    camera = _find(uow, code)
    if camera.status == status:
        raise Conflict(
            f"camera '{code}' is already {'active' if status == 'active' else 'retired'}"
        )
    previous, camera.status = camera.status, status
    camera.silence_reported_at = None
    uow.session.flush()
    _record(uow, actor, action, code, previous_status=previous, **why)
    uow.commit()
    return _view(camera, _ori_of(uow, camera))


def retire_camera(uow: UnitOfWork, actor: Actor, code: str, reason: str) -> CameraView:
    """Take a camera out of service: its reads are quarantined from now until it is reactivated."""
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("say why the camera is retired (at most 500 characters)")
    return _set_status(
        uow, actor, code, CameraStatus.INACTIVE, AuditAction.CAMERA_RETIRED, reason=reason
    )


def reactivate_camera(uow: UnitOfWork, actor: Actor, code: str) -> CameraView:
    """Put a proposed or retired camera in service: its reads are accepted again.

    Only through the placement review: a clear view and a public-view attestation for the
    placement it has (cameras/placement.py); a refusal is audited.
    """
    placement.activate(uow, actor, code)
    return _view(_find(uow, code), _ori_of(uow, _find(uow, code)))


def camera(uow: UnitOfWork, actor: Actor, code: str) -> CameraView:
    authorize(uow, actor, Permission.CAMERAS_VIEW, CameraResource(code))
    found = _find(uow, code)
    return _view(found, _ori_of(uow, found))


def list_cameras(uow: UnitOfWork, actor: Actor) -> list[CameraView]:
    authorize(uow, actor, Permission.CAMERAS_VIEW)
    oris = {a.id: a.ori for a in agencies.list_agencies(uow)}
    return [
        _view(c, oris.get(c.agency_id, ""))
        for c in uow.session.scalars(select(Camera).order_by(Camera.code))
    ]


# --- health -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CameraHealthView:
    camera: CameraView
    last_read_at: datetime | None
    health: CameraHealth


def _health(uow: UnitOfWork, actor: Actor) -> list[CameraHealthView]:
    oris = {a.id: a.ori for a in agencies.list_agencies(uow)}
    # Imported here: reads depends on cameras (camera refs, scopes), and only the health check
    # asks the reads side for figures back, so the module-level dependency points one way.
    from plateward.reads import traffic

    seen = traffic.camera_traffic(uow, actor, LEARNING_DAYS)
    now = uow.now()
    views = []
    for c in uow.session.scalars(select(Camera).order_by(Camera.code)):
        usage = seen.get(c.id)
        last = usage.last_read_at if usage else None
        expected = expected_interval(c.expected_interval_minutes, usage.gaps if usage else ())
        health = assess(c.status, last, c.registered_at, expected, now)
        views.append(CameraHealthView(_view(c, oris.get(c.agency_id, "")), last, health))
    return views


def camera_health(uow: UnitOfWork, actor: Actor) -> list[CameraHealthView]:
    """Every camera with its last read and whether it has gone silent (administrators)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    return _health(uow, actor)


def silent_cameras(uow: UnitOfWork, actor: Actor) -> list[str]:
    """The codes of the active cameras silent for longer than expected (the admin banner)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    return [v.camera.code for v in _health(uow, actor) if v.health.flagged]


# Reads the registry and marks silences; it cannot register or change a camera.
HEALTH_JOB = Actor.worker("camera-health", Permission.CAMERAS_VIEW)


def camera_health_job(uow: UnitOfWork) -> str | None:
    """Report each camera that went silent, once per silence; clear the mark when it reads again.

    Idempotent: run it every few minutes from the job runner. It records camera codes and times
    only, never a read.
    """
    authorize(uow, HEALTH_JOB, Permission.CAMERAS_VIEW)
    flagged = {v.camera.code: v for v in _health(uow, HEALTH_JOB) if v.health.flagged}
    newly: list[str] = []
    for c in uow.session.scalars(select(Camera).order_by(Camera.code)):
        view = flagged.get(c.code)
        if view is None:
            c.silence_reported_at = None
        elif c.silence_reported_at is None:
            c.silence_reported_at = uow.now()
            newly.append(c.code)
            silent_for = view.health.silent_for or timedelta(0)
            _record(
                uow,
                HEALTH_JOB,
                AuditAction.CAMERA_SILENT,
                c.code,
                last_read_at=view.last_read_at.isoformat() if view.last_read_at else None,
                silent_minutes=int(silent_for.total_seconds() // 60),
            )
    uow.commit()
    return f"{len(newly)} camera(s) went silent: {', '.join(newly)}" if newly else None


# --- what ingest needs --------------------------------------------------------------------------


def camera_refs(uow: UnitOfWork) -> dict[str, CameraRef]:
    """Every name a sender may use for a camera (our code or the vendor's id) → the camera."""
    refs: dict[str, CameraRef] = {}
    for c in uow.session.scalars(select(Camera)):
        ref = CameraRef(
            c.id,
            c.code,
            c.kind == CameraKind.FIXED,
            c.status == CameraStatus.ACTIVE,
            c.latitude,
            c.longitude,
        )
        refs[c.code] = ref
        if c.vendor_ref:
            refs.setdefault(c.vendor_ref, ref)
    return refs


def camera_codes(uow: UnitOfWork) -> dict[int, str]:
    return dict(uow.session.execute(select(Camera.id, Camera.code)).all())


def camera_names(uow: UnitOfWork) -> dict[int, tuple[str, str]]:
    """Camera id → (code, name), to say where a read was taken (search results, exports)."""
    rows = uow.session.execute(select(Camera.id, Camera.code, Camera.name))
    return {camera_id: (code, name) for camera_id, code, name in rows}


def names_of(uow: UnitOfWork, code: str) -> tuple[str, ...]:
    """The names a sender may have used for the camera ``code``: its code and its vendor's id."""
    found = _find(uow, code)
    return (found.code, found.vendor_ref) if found.vendor_ref else (found.code,)


@dataclass(frozen=True)
class CameraPlace:
    """Where a camera stands, for pages that show a read's place (hot-list alerts)."""

    code: str
    name: str
    location: str
    latitude: float | None
    longitude: float | None


def camera_places(uow: UnitOfWork) -> dict[int, CameraPlace]:
    """Every camera's place by id: no data about reads, like ``camera_codes``."""
    rows = uow.session.execute(
        select(
            Camera.id, Camera.code, Camera.name, Camera.location, Camera.latitude, Camera.longitude
        )
    )
    return {r[0]: CameraPlace(*r[1:]) for r in rows}


# --- placement, for the reads capability (issue 17) ----------------------------------------------


def held_cameras(uow: UnitOfWork) -> dict[int, datetime | None]:
    """Cameras whose reads the visibility gate withholds: id → None while held, else the moment
    the hold was resolved (reads captured before it stay withheld). See cameras/placement.py."""
    return placement.held_cameras(uow)


def site_zones(uow: UnitOfWork) -> SiteZones:
    """Where ingest does not store mobile cameras' reads (DUP update 2026)."""
    return placement.site_zones(uow)


def record_site_drops(uow: UnitOfWork, counts: Mapping[tuple[int, date], int]) -> None:
    """Count, per site and local day, the mobile reads ingest did not store (no plates)."""
    placement.record_drops(uow, dict(counts))


def local_day(uow: UnitOfWork, moment: datetime) -> date:
    return placement.local_day(uow, moment)


def red_light_notice_within(
    uow: UnitOfWork, latitude: float, longitude: float, metres: float
) -> bool:
    """Whether a red-light notice sign is recorded within ``metres`` (DUP §2.4; the red-light
    review asks before a device is enabled)."""
    from plateward.cameras import signage

    return signage.red_light_notice_within(uow, latitude, longitude, metres)


def sensitive_site_points(uow: UnitOfWork) -> list[tuple[str, str, float, float]]:
    """(name, kind, latitude, longitude) of every recorded sensitive site: places only, for
    the misuse signals' nearness test (search/misuse_rules.py); no data about reads."""
    from plateward.cameras.site_rules import KIND_LABELS, SiteKind

    return [
        (s.name, KIND_LABELS.get(SiteKind(s.kind), s.kind), lat, lon)
        for s in placement.site_entrances(uow)
        for lat, lon in [_point(s.entrances)]
    ]


def _point(geometry: BaseGeometry) -> tuple[float, float]:
    point = geometry.representative_point()
    return float(point.y), float(point.x)


# --- for oversight (issue 18): figures, never data ------------------------------------------------


def camera_counts(uow: UnitOfWork) -> dict[str, int]:
    """How many cameras stand in each status (active, retired): the public portal's figure."""
    rows = uow.session.execute(select(Camera.status, func.count()).group_by(Camera.status))
    return {str(status): int(count) for status, count in rows}


# Sharing (issue 16)
def codes_of_agency(uow: UnitOfWork, agency_id: int) -> frozenset[str]:
    """The codes of the cameras an agency owns: an outside agency reaches only the home
    department's (DUP §10: no transitive sharing of another agency's data)."""
    return frozenset(uow.session.scalars(select(Camera.code).where(Camera.agency_id == agency_id)))
