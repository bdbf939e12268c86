"""JSON routes for the camera registry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from plateward.cameras import service as cameras
from plateward.core.permissions import Actor, Permission
from plateward.web.deps import UowDep, api_caller_with

router = APIRouter(prefix="/api/v1", tags=["cameras"])


class CameraOut(BaseModel):
    code: str
    name: str
    kind: str
    location: str
    status: str
    vendor: str
    latitude: float | None
    longitude: float | None
    heading: int | None


@router.get("/cameras", response_model=list[CameraOut], responses={401: {}, 403: {}})
def list_cameras(
    uow: UowDep, actor: Annotated[Actor, Depends(api_caller_with(Permission.CAMERAS_VIEW))]
) -> list[CameraOut]:
    """The camera registry (signed-in staff, or a personal API token with cameras:view)."""
    return [
        CameraOut(
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
        for c in cameras.list_cameras(uow, actor)
    ]
