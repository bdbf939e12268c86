"""The camera registry: every read names a registered camera."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from plateward.cameras.rules import CameraKind, CameraStatus
from plateward.core.database import Base

__all__ = ["Camera", "CameraKind", "CameraStatus"]


class Camera(Base):
    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    vendor_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    heading: Mapped[int | None]
    location: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default=CameraStatus.ACTIVE)
    vendor: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    registered_at: Mapped[datetime]
    # None: the longest normal silence is learned from the camera's traffic (cameras/rules.py).
    expected_interval_minutes: Mapped[int | None]
    # When the health job last reported this camera silent; cleared once it reads again, so each
    # silence is reported once.
    silence_reported_at: Mapped[datetime | None]
