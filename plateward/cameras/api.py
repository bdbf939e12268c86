"""JSON routes for the camera registry: list (cameras:view), register, change (cameras:manage)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from plateward.cameras import placement
from plateward.cameras import service as cameras
from plateward.cameras.rules import CameraSpec
from plateward.cameras.service import CameraView
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission
from plateward.web.deps import UowDep, api_caller_with

router = APIRouter(prefix="/api/v1", tags=["cameras"])
Manager = Annotated[Actor, Depends(api_caller_with(Permission.CAMERAS_MANAGE))]
CameraCode = Annotated[str, Path(min_length=1, max_length=64)]
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {},
    401: {},
    403: {},
    404: {},
    409: {},
    422: {},
}


class CameraOut(BaseModel):
    """A camera as staff see it in the registry."""

    code: str
    name: str
    kind: str
    location: str
    status: str
    vendor: str
    latitude: float | None
    longitude: float | None
    heading: int | None

    @classmethod
    def of(cls, c: CameraView) -> CameraOut:
        return cls(
            code=c.code,
            name=c.name,
            kind=c.kind,
            location=c.location,
            status=c.status,
            vendor=c.vendor,
            latitude=c.latitude,
            longitude=c.longitude,
            heading=c.heading,
        )


class CameraRecord(CameraOut):
    """A camera as its administrator registered it."""

    vendor_ref: str | None
    agency_ori: str
    expected_interval_minutes: int | None
    view_range_m: float | None = None
    view_angle_deg: int | None = None

    @classmethod
    def of(cls, c: CameraView) -> CameraRecord:
        return cls(
            **CameraOut.of(c).model_dump(),
            vendor_ref=c.vendor_ref,
            agency_ori=c.agency_ori,
            expected_interval_minutes=c.expected_interval_minutes,
            view_range_m=c.view_range_m,
            view_angle_deg=c.view_angle_deg,
        )


class PublicViewIn(BaseModel):
    """DUP §3.1, §5 — what the person who looked at the camera's view attests (a note, a
    reference to a photo, or both): everything it sees is in public view."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(default="", max_length=2000)
    photo_ref: str = Field(default="", max_length=500)


# Numbers are strict: JSON's true/false is not a coordinate or a heading (pydantic would read
# false as 0). Integers stay welcome where a float is asked for.
class CameraIn(BaseModel):
    """A camera to register. Omit ``agency_ori`` for the home agency; omit
    ``expected_interval_minutes`` to learn the camera's usual silence from its traffic.

    Without ``public_view`` the camera is registered ``proposed`` and takes no reads; with it,
    it is activated at once when its field of view reaches no sensitive site's entrance or exit
    (otherwise it stays proposed, and the refusal is audited: see its placement review).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["fixed", "mobile"]
    location: str = Field(min_length=1, max_length=300)
    vendor: str = Field(min_length=1, max_length=100)
    agency_ori: str = Field(default="", max_length=9)
    latitude: float | None = Field(default=None, strict=True, ge=-90, le=90)
    longitude: float | None = Field(default=None, strict=True, ge=-180, le=180)
    heading: int | None = Field(default=None, strict=True, ge=0, le=359)
    vendor_ref: str | None = Field(default=None, min_length=1, max_length=64)
    expected_interval_minutes: int | None = Field(default=None, strict=True, ge=1, le=10080)
    view_range_m: float | None = Field(default=None, strict=True, ge=1, le=500)
    view_angle_deg: int | None = Field(default=None, strict=True, ge=1, le=360)
    public_view: PublicViewIn | None = None


class CameraChange(BaseModel):
    """The fields to change; ``status`` retires (``inactive``, with ``reason``) or reactivates."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: Literal["fixed", "mobile"] | None = None
    location: str | None = Field(default=None, min_length=1, max_length=300)
    vendor: str | None = Field(default=None, min_length=1, max_length=100)
    agency_ori: str | None = Field(default=None, max_length=9)
    latitude: float | None = Field(default=None, strict=True, ge=-90, le=90)
    longitude: float | None = Field(default=None, strict=True, ge=-180, le=180)
    heading: int | None = Field(default=None, strict=True, ge=0, le=359)
    vendor_ref: str | None = Field(default=None, min_length=1, max_length=64)
    expected_interval_minutes: int | None = Field(default=None, strict=True, ge=1, le=10080)
    view_range_m: float | None = Field(default=None, strict=True, ge=1, le=500)
    view_angle_deg: int | None = Field(default=None, strict=True, ge=1, le=360)
    status: Literal["active", "inactive"] | None = None
    reason: str | None = Field(default=None, max_length=500)


@router.get("/cameras", response_model=list[CameraOut], responses={401: {}, 403: {}})
def list_cameras(
    uow: UowDep, actor: Annotated[Actor, Depends(api_caller_with(Permission.CAMERAS_VIEW))]
) -> list[CameraOut]:
    """The camera registry (signed-in staff, or a personal API token with cameras:view)."""
    return [CameraOut.of(c) for c in cameras.list_cameras(uow, actor)]


@router.post("/cameras", response_model=CameraRecord, status_code=201, responses=CHANGE_ERRORS)
def register_camera(uow: UowDep, actor: Manager, camera: CameraIn) -> CameraRecord:
    """Register a camera (cameras:manage). A code or vendor id already in use is a 409."""
    fields = camera.model_dump(exclude={"public_view"})
    seen = camera.public_view
    attestation = cameras.AttestationIn(seen.note, seen.photo_ref) if seen else None
    return CameraRecord.of(cameras.add_camera(uow, actor, CameraSpec(**fields), attestation))


@router.patch("/cameras/{code}", response_model=CameraRecord, responses=CHANGE_ERRORS)
def change_camera(
    uow: UowDep, actor: Manager, code: CameraCode, change: CameraChange
) -> CameraRecord:
    """Change a camera's details, retire it or reactivate it (cameras:manage).

    Only the fields sent change; ``null`` clears an optional field (``vendor_ref``, ``heading``,
    ``expected_interval_minutes``). The code cannot change.
    """
    fields = change.model_dump(exclude_unset=True)
    status, reason = fields.pop("status", None), fields.pop("reason", None)
    if not fields and status is None:
        raise InvalidInput("send at least one field to change")
    if reason is not None and status != "inactive":
        raise InvalidInput("a reason goes with retiring: send status 'inactive'")
    if status == "inactive" and not (reason or "").strip():
        raise InvalidInput("say why the camera is retired: send a reason with status 'inactive'")
    view = cameras.edit_camera(uow, actor, code, fields) if fields else None
    if status == "inactive":
        view = cameras.retire_camera(uow, actor, code, reason or "")
    elif status == "active":
        view = cameras.reactivate_camera(uow, actor, code)
    assert view is not None  # noqa: S101 — a change or a status was sent
    return CameraRecord.of(view)


# --- placement review (issue 17) ----------------------------------------------------------------


class ConflictOut(BaseModel):
    site: str
    kind: str
    distance_m: float
    reason: str


class PlacementOut(BaseModel):
    """A camera's placement review: its field of view (GeoJSON, None for a mobile camera), the
    sensitive sites whose entrances it reaches, whether a public-view attestation covers its
    present placement, whether it is held, and why it cannot be activated now (empty: it can)."""

    code: str
    status: str
    view: dict[str, Any] | None
    conflicts: list[ConflictOut]
    attested: bool
    held_since: datetime | None
    problems: list[str]

    @classmethod
    def of(cls, r: placement.PlacementReview) -> PlacementOut:
        return cls(
            code=r.code,
            status=r.status,
            view=r.view,
            conflicts=[
                ConflictOut(
                    site=c.site_name, kind=c.site_kind, distance_m=c.distance_m, reason=c.reason
                )
                for c in r.conflicts
            ],
            attested=r.attestation is not None and r.attestation.current,
            held_since=r.held_since,
            problems=r.problems,
        )


@router.get(
    "/cameras/{code}/placement",
    response_model=PlacementOut,
    responses={401: {}, 403: {}, 404: {}},
)
def camera_placement(uow: UowDep, actor: Manager, code: CameraCode) -> PlacementOut:
    """The camera's placement review (cameras:manage; DUP §3.1, §5, update 2026)."""
    return PlacementOut.of(placement.review(uow, actor, code))


@router.post(
    "/cameras/{code}/attestations",
    response_model=PlacementOut,
    status_code=201,
    responses=CHANGE_ERRORS,
)
def attest_camera(
    uow: UowDep, actor: Manager, code: CameraCode, attestation: PublicViewIn
) -> PlacementOut:
    """Record that the camera, as placed now, sees only what is in public view (a note, a photo
    reference, or both); then activate it with ``PATCH`` ``{"status": "active"}``."""
    placement.attest(
        uow, actor, code, cameras.AttestationIn(attestation.note, attestation.photo_ref)
    )
    return PlacementOut.of(placement.review(uow, actor, code))
