"""Camera registry use cases."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from plateward.cameras.models import Camera, CameraKind, CameraStatus
from plateward.cameras.rules import CameraRef
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission, require
from plateward.sharing import service as agencies


@dataclass(frozen=True)
class CameraSpec:
    code: str
    name: str
    kind: str
    location: str
    vendor: str
    agency_ori: str
    latitude: float | None = None
    longitude: float | None = None
    heading: int | None = None
    status: str = CameraStatus.ACTIVE
    vendor_ref: str | None = None


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


def _check(spec: CameraSpec) -> None:
    if spec.kind not in set(CameraKind):
        raise InvalidInput(f"camera kind must be 'fixed' or 'mobile', not '{spec.kind}'")
    if spec.status not in set(CameraStatus):
        raise InvalidInput(f"unknown camera status '{spec.status}'")
    if spec.kind == CameraKind.FIXED and (spec.latitude is None or spec.longitude is None):
        raise InvalidInput(f"fixed camera '{spec.code}' needs a latitude and longitude")
    if spec.heading is not None and not 0 <= spec.heading < 360:
        raise InvalidInput("heading must be between 0 and 359 degrees")


def register_camera(uow: UnitOfWork, actor: Actor, spec: CameraSpec) -> CameraView:
    """Register a camera, or update the one with the same code."""
    require(actor, Permission.CAMERAS_MANAGE)
    _check(spec)
    agency = agencies.agency_by_ori(uow, spec.agency_ori)
    camera = uow.session.scalar(select(Camera).where(Camera.code == spec.code))
    if camera is None:
        camera = Camera(code=spec.code, registered_at=uow.now())
        uow.session.add(camera)
    camera.name, camera.kind, camera.location = spec.name, spec.kind, spec.location
    camera.latitude, camera.longitude, camera.heading = spec.latitude, spec.longitude, spec.heading
    camera.status, camera.vendor, camera.vendor_ref = spec.status, spec.vendor, spec.vendor_ref
    camera.agency_id = agency.id
    uow.session.flush()
    audit.record(
        uow, actor, AuditEvent(AuditAction.CAMERA_REGISTERED, details={"camera": spec.code})
    )
    return _view(camera)


def _view(c: Camera) -> CameraView:
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
    )


def list_cameras(uow: UnitOfWork, actor: Actor) -> list[CameraView]:
    require(actor, Permission.CAMERAS_VIEW)
    return [_view(c) for c in uow.session.scalars(select(Camera).order_by(Camera.code))]


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
