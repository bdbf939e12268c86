"""The camera registry: every read names a registered camera."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from plateward.cameras.rules import CameraKind, CameraStatus
from plateward.core.database import Base

__all__ = [
    "Camera",
    "CameraKind",
    "CameraStatus",
    "CityGateway",
    "PlacementHold",
    "PublicViewAttestation",
    "SensitiveSite",
    "SensitiveSiteDrop",
    "Sign",
]


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
    # Placement review (DUP update 2026): how far and how wide a fixed camera sees; None: the
    # defaults of cameras/rules.py.
    view_range_m: Mapped[float | None]
    view_angle_deg: Mapped[int | None]


# --- placement (issue 17) -----------------------------------------------------------------------


class SensitiveSite(Base):
    """A place whose visitors' vehicles no camera may capture entering or leaving (DUP update
    2026). Removed sites are kept (``removed_at``) so the audit trail and drop counts name them."""

    __tablename__ = "sensitive_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300))
    # A GeoJSON geometry: the entrances and exits, as points or lines ([longitude, latitude]).
    entrances: Mapped[dict[str, Any]] = mapped_column(JSON)
    latitude: Mapped[float]  # a point standing for the site on maps and in reports
    longitude: Mapped[float]
    source: Mapped[str] = mapped_column(String(200))
    source_date: Mapped[date]
    added_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class PublicViewAttestation(Base):
    """DUP §3.1, §5 — a person looked at what the camera sees and attests it is in public view.

    It records the placement it was made for: a camera moved or turned needs a new one.
    """

    __tablename__ = "public_view_attestations"
    __table_args__ = (Index("ix_public_view_attestations_camera_id", "camera_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"))
    attested_at: Mapped[datetime]
    attested_by_id: Mapped[int | None]
    attested_by_name: Mapped[str] = mapped_column(String(200))
    attested_by_badge: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(2000))
    photo_ref: Mapped[str | None] = mapped_column(String(500))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    heading: Mapped[int | None]
    view_range_m: Mapped[float | None]
    view_angle_deg: Mapped[int | None]


class PlacementHold(Base):
    """An active camera found to see a sensitive entrance (after the sites changed): its reads
    are withheld from every query (reads/visibility.py) — those captured before the hold is
    resolved, for good."""

    __tablename__ = "placement_holds"
    __table_args__ = (Index("ix_placement_holds_camera_id", "camera_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"))
    flagged_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(1000))
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(500))


class SensitiveSiteDrop(Base):
    """How many mobile-camera reads were not stored near a site, per local day: a figure only,
    never a plate (DUP update 2026)."""

    __tablename__ = "sensitive_site_drops"

    site_id: Mapped[int] = mapped_column(ForeignKey("sensitive_sites.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    dropped: Mapped[int]


class Sign(Base):
    """A posted ALPR notice (DUP §6) or a red-light enforcement notice (DUP §2.4)."""

    __tablename__ = "signs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float]
    longitude: Mapped[float]
    installed_on: Mapped[date | None]
    added_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class CityGateway(Base):
    """A major vehicle entrance into the city or exit from it, where DUP §6 wants a sign."""

    __tablename__ = "city_gateways"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float]
    longitude: Mapped[float]
    added_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
