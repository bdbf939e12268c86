"""Reads use cases, the capability's face to the rest of Plateward.

Reads out: ``latest_reads``, ``quarantine``, ``monitor`` (the administrator's page) and
``count_reads`` build every query from the visibility gate (reads/visibility.py), which applies
retention, the actor's camera scope and, later, holds. Reads in: ``ingest`` (reads/ingest.py;
``store_batch`` + ``after_commit`` for a caller's own transaction), its after-commit hook
``on_reads_stored`` and the two job bodies ``prepare_partitions`` and ``dispatch_pending``
(reads/outbox.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func

from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor, Permission, allowed
from plateward.reads import storage
from plateward.reads.ingest import (
    IngestReport,
    after_commit,
    ingest,
    prepare_partitions,
    store_batch,
)
from plateward.reads.models import QuarantinedRow, Read
from plateward.reads.outbox import ReadFacts, StoredBatch, dispatch_pending, on_reads_stored
from plateward.reads.rules import Quarantine, ReadCandidate
from plateward.reads.visibility import ReadGate, read_gate, retention_days, visible_since

__all__ = [
    "IngestReport",
    "Monitor",
    "QuarantineView",
    "ReadFacts",
    "ReadView",
    "StoredBatch",
    "after_commit",
    "count_reads",
    "dispatch_pending",
    "ingest",
    "latest_reads",
    "monitor",
    "on_reads_stored",
    "prepare_partitions",
    "quarantine",
    "read_facts",
    "reads_by_id",
    "store_batch",
    "visible_since",
]

QUARANTINE = Quarantine()


@dataclass(frozen=True)
class ReadView:
    id: str
    captured_at: datetime
    camera: str
    plate: str
    plate_raw: str
    plate_state: str | None
    confidence: float | None
    vehicle: str
    latitude: float | None
    longitude: float | None
    received_at: datetime


def _read_view(read: Read, camera_codes: dict[int, str]) -> ReadView:
    vehicle = " ".join(
        p
        for p in (read.vehicle_color, read.vehicle_make, read.vehicle_model, read.vehicle_type)
        if p
    )
    return ReadView(
        str(read.id),
        read.captured_at,
        camera_codes.get(read.camera_id, "?"),
        read.plate,
        read.plate_raw,
        read.plate_state,
        read.confidence,
        vehicle,
        read.latitude,
        read.longitude,
        read.received_at,
    )


def _latest(uow: UnitOfWork, actor: Actor, gate: ReadGate, limit: int) -> list[ReadView]:
    codes = cameras.camera_codes(uow)
    query = gate.reads().order_by(Read.captured_at.desc()).limit(min(max(limit, 1), 500))
    views = [_read_view(r, codes) for r in uow.session.scalars(query)]
    # Invariant 1 — every touch of ALPR data is audited in the same transaction.
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.READS_MONITORED,
            query_terms={"latest": limit},
            result_count=len(views),
            result_ids=tuple(v.id for v in views),
        ),
    )
    return views


def latest_reads(uow: UnitOfWork, actor: Actor, limit: int = 50) -> list[ReadView]:
    """The newest reads the actor may see, for administrators watching the pipeline."""
    authorize(uow, actor, Permission.READS_MONITOR)
    views = _latest(uow, actor, read_gate(uow, actor), limit)
    uow.commit()
    return views


@dataclass(frozen=True)
class QuarantineView:
    id: int
    received_at: datetime
    channel: str
    submitted_by: str
    position: str
    source_read_id: str | None
    reason: str
    raw: str


def _quarantined(uow: UnitOfWork, actor: Actor, gate: ReadGate, limit: int) -> list[QuarantineView]:
    query: Select[QuarantinedRow] = (
        gate.quarantined().order_by(QuarantinedRow.id.desc()).limit(min(max(limit, 1), 1000))
    )
    views = [
        QuarantineView(
            r.id,
            r.received_at,
            r.channel,
            r.submitted_by,
            r.position,
            r.source_read_id,
            r.reason,
            r.raw,
        )
        for r in uow.session.scalars(query)
    ]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.QUARANTINE_VIEWED,
            result_count=len(views),
            result_ids=tuple(str(v.id) for v in views),
        ),
    )
    return views


def quarantine(uow: UnitOfWork, actor: Actor, limit: int = 100) -> list[QuarantineView]:
    """Rows that could not be stored, still inside retention (they hold raw plates too)."""
    authorize(uow, actor, Permission.QUARANTINE_VIEW, QUARANTINE)
    views = _quarantined(uow, actor, read_gate(uow, actor), limit)
    uow.commit()
    return views


@dataclass(frozen=True)
class Monitor:
    """The administrator's reads page: what it shows is decided here, not in the page."""

    reads: list[ReadView]
    # None when the actor may not see the quarantine (no permission, or a camera-scoped class).
    quarantine: list[QuarantineView] | None
    retention_days: int


def monitor(uow: UnitOfWork, actor: Actor) -> Monitor:
    """The newest reads and, for whoever may see it, the quarantine; both audited."""
    authorize(uow, actor, Permission.READS_MONITOR)
    gate = read_gate(uow, actor)
    views = _latest(uow, actor, gate, 50)
    # The quarantine is a part of the page some may see, not an attempt: no refusal to record.
    shows_quarantine = (
        allowed(actor, Permission.QUARANTINE_VIEW)
        and QUARANTINE.refusal(actor, Permission.QUARANTINE_VIEW) is None
    )
    rows = _quarantined(uow, actor, gate, 100) if shows_quarantine else None
    uow.commit()
    return Monitor(views, rows, retention_days(uow))


def count_reads(uow: UnitOfWork, actor: Actor) -> int:
    """How many reads the actor may see; a figure, not data (no plates), so not audited."""
    return int(uow.session.scalar(read_gate(uow, actor).count()) or 0)


# --- for hot lists (issue 14): reads by id, through the gate --------------------------------------


def read_facts(uow: UnitOfWork, actor: Actor, ids: Sequence[uuid.UUID]) -> list[ReadFacts]:
    """The reads among ``ids`` the actor may see (matching runs as its own worker identity).

    Not audited here: matching is not a person's access; the hits it records are.
    """
    if not ids:
        return []
    gate = read_gate(uow, actor)
    query = gate.read_columns(
        Read.id, Read.captured_at, Read.camera_id, Read.plate, Read.plate_state
    ).where(Read.id.in_(list(ids)))
    return [ReadFacts(*row) for row in uow.session.execute(query)]


def reads_by_id(uow: UnitOfWork, actor: Actor, ids: Sequence[uuid.UUID]) -> dict[str, ReadView]:
    """The reads among ``ids`` the actor may see now (retention, camera scope, holds), by id.

    The caller audits the access in the same transaction (an alert view, say): this only reads.
    """
    if not ids:
        return {}
    codes = cameras.camera_codes(uow)
    query = read_gate(uow, actor).reads().where(Read.id.in_(list(ids)))
    return {str(r.id): _read_view(r, codes) for r in uow.session.scalars(query)}


# --- for retention (issue 15) ---------------------------------


@dataclass(frozen=True)
class ReadCopy:
    """Everything a legal hold copies of a read into the evidence store."""

    view: ReadView
    camera_id: int
    image_ref: str | None


def read_copies(uow: UnitOfWork, actor: Actor, ids: Sequence[uuid.UUID]) -> list[ReadCopy]:
    """The reads among ``ids`` the actor may see now, through the gate, to copy into a hold.

    The caller (retention/holds.py) audits the hold in the same transaction with the ids.
    """
    if not ids:
        return []
    codes = cameras.camera_codes(uow)
    query = read_gate(uow, actor).reads().where(Read.id.in_(list(ids)))
    return [
        ReadCopy(_read_view(r, codes), r.camera_id, r.image_ref) for r in uow.session.scalars(query)
    ]


# Maintenance by whole capture day, for the retention capability's purge, aggregates and backups
# (retention/purge.py, retention/backup.py). They take no actor: their callers authorize and
# audit, and nothing they return is shown to a person as a read.


def capture_days_before(uow: UnitOfWork, before: datetime) -> set[date]:
    return storage.capture_days_before(uow.session, before)


def day_counts_by_camera(uow: UnitOfWork, day: date) -> dict[int, int]:
    return storage.day_counts_by_camera(uow.session, day)


def reads_by_day(uow: UnitOfWork, since: datetime) -> dict[date, int]:
    return storage.reads_by_day(uow.session, since)


def day_image_refs(uow: UnitOfWork, day: date) -> list[str]:
    return storage.day_image_refs(uow.session, day)


def day_rows(uow: UnitOfWork, day: date) -> list[dict[str, Any]]:
    return storage.day_rows(uow.session, day)


def purge_day(uow: UnitOfWork, day: date) -> int | None:
    """Remove the day's reads (partition drop on PostgreSQL, batched deletes on SQLite); how
    many SQLite deleted, None after a partition drop (which visits no row)."""
    return storage.purge_day(uow.session, day, uow.commit)


def purge_quarantine(uow: UnitOfWork, before: datetime) -> int:
    return storage.delete_quarantined_before(uow.session, before)


def restore_rows(uow: UnitOfWork, actor: Actor, rows: Sequence[dict[str, Any]]) -> int:
    """Put reads from a backup back, skipping those stored already and those past retention
    (invariant 4: an expired read is never stored again). Returns how many were restored."""
    authorize(uow, actor, Permission.READS_INGEST)
    cutoff = visible_since(uow)
    candidates = [c for c in (_candidate(r) for r in rows) if c[0].captured_at >= cutoff]
    restored = 0
    by_agency: dict[int, list[ReadCandidate]] = {}
    received: dict[int, datetime] = {}
    for candidate, agency_id, received_at in candidates:
        by_agency.setdefault(agency_id, []).append(candidate)
        received.setdefault(agency_id, received_at)
    for agency_id, group in by_agency.items():
        # A restore is maintenance, not ingest: its partitions are made in its own transaction.
        storage.ensure_partitions(uow.session, {c.captured_at.date() for c in group})
        restored += len(storage.insert_reads(uow.session, group, agency_id, received[agency_id]))
    return restored


def _candidate(row: dict[str, Any]) -> tuple[ReadCandidate, int, datetime]:
    values = dict(row)
    return (
        ReadCandidate(
            id=uuid.UUID(values["id"]),
            captured_at=datetime.fromisoformat(values["captured_at"]),
            source_read_id=values["source_read_id"],
            camera_id=int(values["camera_id"]),
            plate_raw=values["plate_raw"],
            plate=values["plate"],
            plate_skeleton=values["plate_skeleton"],
            plate_state=values["plate_state"],
            confidence=values["confidence"],
            vehicle_make=values["vehicle_make"],
            vehicle_model=values["vehicle_model"],
            vehicle_color=values["vehicle_color"],
            vehicle_type=values["vehicle_type"],
            latitude=values["latitude"],
            longitude=values["longitude"],
            image_ref=values["image_ref"],
        ),
        int(values["source_agency_id"]),
        datetime.fromisoformat(values["received_at"]),
    )


# --- for oversight (issue 18): reads by location, through the gate, never a plate -----------------


def reads_by_camera(
    uow: UnitOfWork, actor: Actor, start: datetime, end: datetime
) -> dict[int, int]:
    """How many reads the actor may see now were captured in [start, end), by camera id.

    A figure, not data. Only reads still within retention are counted: a report over a longer
    period takes the days already purged from the retention capability's daily aggregates.
    """
    gate = read_gate(uow, actor)
    query = (
        gate.read_columns(Read.camera_id, func.count())
        .where(Read.captured_at >= start, Read.captured_at < end)
        .group_by(Read.camera_id)
    )
    return {int(camera_id): int(count) for camera_id, count in uow.session.execute(query)}


@dataclass(frozen=True)
class ReadPoint:
    """A read as the DPO may see it (DUP §14.3.a.ii): when, where, which camera; no plate."""

    id: str
    captured_at: datetime
    camera_id: int
    latitude: float | None
    longitude: float | None


def read_points(
    uow: UnitOfWork, actor: Actor, start: datetime, end: datetime, limit: int
) -> list[ReadPoint]:
    """The visible reads captured in [start, end), oldest first, without plate or image.

    DUP §14.3.a.ii — the DPO's access to the reads database with latitude and longitude. The
    caller holds ``reports:aggregates`` and audits the access in the same transaction.
    """
    authorize(uow, actor, Permission.REPORTS_AGGREGATES)
    query = (
        read_gate(uow, actor)
        .read_columns(Read.id, Read.captured_at, Read.camera_id, Read.latitude, Read.longitude)
        .where(Read.captured_at >= start, Read.captured_at < end)
        .order_by(Read.captured_at, Read.id)
        .limit(limit)
    )
    return [ReadPoint(str(r[0]), r[1], r[2], r[3], r[4]) for r in uow.session.execute(query)]
