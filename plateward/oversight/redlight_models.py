"""Red-light devices and their violation events (DUP §2.4, §3.4).

An event waits for a named reviewer; nothing in Plateward turns one into a citation by itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class TrafficDevice(Base):
    """A red-light device at an intersection (California Vehicle Code 21455.5)."""

    __tablename__ = "traffic_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    intersection: Mapped[str] = mapped_column(String(300))
    latitude: Mapped[float]
    longitude: Mapped[float]
    enabled: Mapped[bool]
    registered_at: Mapped[datetime]
    enabled_at: Mapped[datetime | None]
    enabled_by_name: Mapped[str | None] = mapped_column(String(200))


class ViolationEvent(Base):
    """A violation a device reported. ``status`` stays pending until a named reviewer decides."""

    __tablename__ = "violation_events"
    __table_args__ = (Index("ix_violation_events_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("traffic_devices.id"))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    plate: Mapped[str] = mapped_column(String(8))
    plate_state: Mapped[str | None] = mapped_column(String(2))
    evidence_ref: Mapped[str] = mapped_column(String(500))
    red_for_seconds: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(16))  # pending | cited | dismissed
    # The reviewer who opened the evidence, and when (a decision needs it first).
    opened_by_id: Mapped[int | None]
    opened_at: Mapped[datetime | None]
    reviewer_id: Mapped[int | None]
    reviewer_name: Mapped[str | None] = mapped_column(String(200))
    reviewer_badge: Mapped[str | None] = mapped_column(String(40))
    reviewed_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(1000))
    citation_number: Mapped[str | None] = mapped_column(String(40))
