"""Retention's tables (migration 0013).

``retention_changes`` is the history of the retention period (before, after, who, why);
``read_day_counts`` the daily aggregates that outlive the reads (no plates); ``purge_runs`` what
each purge removed; ``legal_holds`` and ``held_reads`` the holds and the evidence store (copies of
held reads and their images, which survive purge until the hold is released); ``data_keys`` the
per-capture-day and per-hold backup keys, wrapped by a master key kept outside the database.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class RetentionChange(Base):
    __tablename__ = "retention_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_at: Mapped[datetime]
    changed_by_id: Mapped[int | None]
    changed_by_name: Mapped[str] = mapped_column(String(200))
    before_days: Mapped[int]
    after_days: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))


class DayCount(Base):
    """Reads and hot-list hits of one camera on one capture day (UTC). No plate, ever."""

    __tablename__ = "read_day_counts"

    day: Mapped[date] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(primary_key=True)
    camera_code: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(300))
    reads: Mapped[int]
    hits: Mapped[int]
    # Set when the day's raw reads were purged: the counts can no longer be recomputed.
    final: Mapped[bool]
    computed_at: Mapped[datetime]


class PurgeRun(Base):
    __tablename__ = "purge_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    cutoff: Mapped[datetime]
    retention_days: Mapped[int]
    days: Mapped[list[str]] = mapped_column(JSON)
    reads: Mapped[int]
    images: Mapped[int]
    hits: Mapped[int]
    quarantined: Mapped[int]
    keys_destroyed: Mapped[int]
    run_by: Mapped[str] = mapped_column(String(200))


class LegalHold(Base):
    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(60), index=True)
    crime_type: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(32))
    justification: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(24))
    placed_at: Mapped[datetime]
    placed_by_id: Mapped[int | None]
    placed_by_name: Mapped[str] = mapped_column(String(200))
    guard_decision: Mapped[str] = mapped_column(String(16))
    guard_message: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None]
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decision_note: Mapped[str | None] = mapped_column(String(500))
    status_changed_at: Mapped[datetime]
    review_due_on: Mapped[date | None]
    reminded_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by_name: Mapped[str | None] = mapped_column(String(200))


class HeldRead(Base):
    """The evidence store: a copy of a held read and its image, kept apart from ``reads``.

    The live reads table is purged by whole days (partition drops); these copies survive it and
    are deleted when their hold is rejected or released.
    """

    __tablename__ = "held_reads"

    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_holds.id"), primary_key=True)
    read_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    captured_at: Mapped[datetime]
    camera_code: Mapped[str] = mapped_column(String(64))
    plate: Mapped[str] = mapped_column(String(8))
    plate_raw: Mapped[str] = mapped_column(String(32))
    plate_state: Mapped[str | None] = mapped_column(String(2))
    confidence: Mapped[float | None]
    vehicle: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    image_type: Mapped[str | None] = mapped_column(String(40))
    image: Mapped[bytes | None] = mapped_column(LargeBinary)


class DataKey(Base):
    """A backup data key (AES-256), wrapped by the master key; destroyed (NULL) by the purge."""

    __tablename__ = "data_keys"
    __table_args__ = (UniqueConstraint("scope", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(8))  # "day" | "hold"
    label: Mapped[str] = mapped_column(String(32))  # the ISO capture day, or the hold's id
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    destroyed_at: Mapped[datetime | None]
