"""Read use cases: ingest a batch, watch the latest reads, review the quarantine."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.database import UnitOfWork
from plateward.core.errors import PayloadTooLarge, PermissionDenied
from plateward.core.permissions import Actor, Permission, allowed, require
from plateward.reads import storage
from plateward.reads.models import QuarantinedRow, Read
from plateward.reads.rules import IngestPolicy, RawRow, Rejection, Triage, printable, screen
from plateward.sharing import service as agencies


@dataclass(frozen=True)
class IngestReport:
    batch_id: str
    received: int
    stored: int
    duplicates: int
    rejected: list[Rejection]


def _policy(uow: UnitOfWork) -> IngestPolicy:
    settings = uow.settings
    return IngestPolicy(
        now=uow.now(),
        retention_days=settings.retention_days,
        future_skew=timedelta(seconds=settings.future_skew_seconds),
        fold_states=settings.plate_fold_states,
    )


def _quarantine(
    uow: UnitOfWork, actor: Actor, batch_id: str, channel: str, rejected: list[Rejection]
) -> None:
    if not rejected:
        return
    uow.session.execute(
        insert(QuarantinedRow),
        [
            {
                "received_at": uow.now(),
                "channel": channel,
                "submitted_by": actor.username,
                "batch_id": batch_id,
                "position": printable(r.position)[:120],
                "source_read_id": printable(r.read_id)[:100] if r.read_id else None,
                "reason": printable(r.reason)[:500],
                "raw": printable(r.raw),
            }
            for r in rejected
        ],
    )


def ingest(uow: UnitOfWork, actor: Actor, rows: list[RawRow], channel: str) -> IngestReport:
    """Store a batch of reads. Bad rows never sink the batch: each is quarantined with a reason."""
    require(actor, Permission.READS_INGEST)
    limit = uow.settings.max_batch_reads
    if len(rows) > limit:
        raise PayloadTooLarge(f"a batch holds at most {limit} reads; this one has {len(rows)}")
    batch_id = str(uuid.uuid4())
    policy = _policy(uow)
    refs = cameras.camera_refs(uow)
    agency_id = actor.agency_id or agencies.home_agency(uow).id
    result = Triage()
    # Every read validation accepts was captured inside the policy's window.
    days = storage.days_between(
        policy.oldest_acceptable.astimezone(UTC).date(),
        policy.latest_acceptable.astimezone(UTC).date(),
    )
    candidates = screen(rows, refs, policy, result)
    stored = storage.insert_reads(uow.session, candidates, agency_id, uow.now(), days)
    _quarantine(uow, actor, batch_id, channel, result.rejections)
    duplicates = result.duplicates_in_batch + len(result.candidates) - stored
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.READS_INGESTED,
            details={
                "batch_id": batch_id,
                "channel": channel,
                "received": len(rows),
                "stored": stored,
                "duplicates": duplicates,
                "rejected": len(result.rejections),
            },
        ),
    )
    uow.commit()
    return IngestReport(batch_id, len(rows), stored, duplicates, result.rejections)


def visible_since(uow: UnitOfWork) -> datetime:
    """Invariant 4 — a read past its retention window is invisible from the moment it expires."""
    return uow.now() - timedelta(days=uow.settings.retention_days)


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


def latest_reads(uow: UnitOfWork, actor: Actor, limit: int = 50) -> list[ReadView]:
    """The newest reads still inside retention, for administrators watching the pipeline."""
    require(actor, Permission.READS_MONITOR)
    codes = cameras.camera_codes(uow)
    query = select(Read).where(Read.captured_at >= visible_since(uow))
    if actor.camera_scope is not None:
        # DUP §12.2 — a class of users reaches only the cameras its class allows.
        allowed_ids = [i for i, code in codes.items() if code in actor.camera_scope]
        query = query.where(Read.camera_id.in_(allowed_ids))
    reads = uow.session.scalars(
        query.order_by(Read.captured_at.desc()).limit(min(max(limit, 1), 500))
    ).all()
    views = [_read_view(r, codes) for r in reads]
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


def may_see_quarantine(actor: Actor) -> bool:
    # Quarantined rows can come from any camera (or none we know), so a class limited to some
    # cameras' data never sees them (DUP §12.2).
    return allowed(actor, Permission.QUARANTINE_VIEW) and actor.camera_scope is None


def quarantine(uow: UnitOfWork, actor: Actor, limit: int = 100) -> list[QuarantineView]:
    require(actor, Permission.QUARANTINE_VIEW)
    if actor.camera_scope is not None:
        raise PermissionDenied(
            "The quarantine holds rows from every camera; your access is limited."
        )
    rows = uow.session.scalars(
        select(QuarantinedRow).order_by(QuarantinedRow.id.desc()).limit(min(max(limit, 1), 1000))
    ).all()
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
        for r in rows
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
    uow.commit()
    return views


def count_reads(uow: UnitOfWork) -> int:
    """How many reads are stored and still visible; a figure, not data (no plates)."""
    return int(
        uow.session.scalar(
            select(func.count()).select_from(Read).where(Read.captured_at >= visible_since(uow))
        )
        or 0
    )


def prepare_partitions(uow: UnitOfWork) -> list[str]:
    """Create day partitions from the retention edge to ``partitions_ahead_days`` ahead."""
    today = uow.now().date()
    first = today - timedelta(days=uow.settings.retention_days + 1)
    last = today + timedelta(days=uow.settings.partitions_ahead_days)
    created = storage.ensure_partitions(uow.session, storage.days_between(first, last))
    return [storage.partition_name(d) for d in created]
