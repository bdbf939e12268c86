"""The read and the quarantine.

On PostgreSQL ``reads`` is partitioned by day on ``captured_at`` (see migrations), which is why the
primary key includes it and why the camera reference is checked by the ingest service rather than
by a foreign key: retention drops whole partitions, and bulk COPY stays cheap.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class Read(Base):
    __tablename__ = "reads"
    __table_args__ = (
        # Its index also serves lookups by camera and time (its leading columns): no migration
        # ever created a separate (camera_id, captured_at) index, so the model declares none.
        UniqueConstraint("camera_id", "captured_at", "plate"),
        Index("ix_reads_plate", "plate"),
        Index("ix_reads_plate_skeleton", "plate_skeleton"),
        Index("ix_reads_captured_at", "captured_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    captured_at: Mapped[datetime] = mapped_column(primary_key=True)
    source_read_id: Mapped[str | None] = mapped_column(String(100))
    camera_id: Mapped[int]
    plate_raw: Mapped[str] = mapped_column(String(32))
    plate: Mapped[str] = mapped_column(String(8))
    plate_skeleton: Mapped[str] = mapped_column(String(8))
    plate_state: Mapped[str | None] = mapped_column(String(2))
    confidence: Mapped[float | None]
    vehicle_make: Mapped[str | None] = mapped_column(String(60))
    vehicle_model: Mapped[str | None] = mapped_column(String(60))
    vehicle_color: Mapped[str | None] = mapped_column(String(40))
    vehicle_type: Mapped[str | None] = mapped_column(String(40))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    image_ref: Mapped[str | None] = mapped_column(String(500))
    source_agency_id: Mapped[int]
    received_at: Mapped[datetime]


class QuarantinedRow(Base):
    """Input that could not be stored, kept with its reason for the administrator."""

    __tablename__ = "quarantined_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(16))  # "api" | "file" | ...
    submitted_by: Mapped[str] = mapped_column(String(120))
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[str] = mapped_column(String(120))
    source_read_id: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500))
    raw: Mapped[str] = mapped_column(Text)
    # Set when the row went back through ingest (its camera was registered): it has left the
    # quarantine (reads/release.py).
    released_at: Mapped[datetime | None]


class IngestOutbox(Base):
    """One row per ingest batch that stored reads, written in the ingest's own transaction.

    The after-commit hook (reads/outbox.py) runs from it: at least once per committed batch,
    never for a batch that rolled back. It holds read ids only, never plates.
    """

    __tablename__ = "ingest_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    read_ids: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None] = mapped_column(index=True)
