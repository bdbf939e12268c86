"""Reads in: the one ingest use case every driver calls (HTTP, files, the demo, later streams).

``ingest`` validates a batch, stores the new reads (binary COPY on PostgreSQL), quarantines what
it cannot store, writes the audit entry and the outbox row in one transaction, commits, and then
runs the after-commit hook (reads/outbox.py). It returns the ids of the reads it stored.

Day partitions are the maintenance job's work (``prepare_partitions``); ingest only creates a
missing one as a fallback, on a connection of its own, before it streams (reads/storage.py).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from plateward.cameras import service as cameras
from plateward.cameras.rules import CameraRef, SiteZones
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import PayloadTooLarge
from plateward.core.permissions import Actor, Permission
from plateward.reads import outbox, storage
from plateward.reads.models import QuarantinedRow
from plateward.reads.outbox import ReadFacts, StoredBatch
from plateward.reads.rules import (
    IngestPolicy,
    RawRow,
    ReadCandidate,
    Rejection,
    Triage,
    printable,
    screen,
)
from plateward.reads.visibility import retention_days
from plateward.sharing import service as agencies


@dataclass(frozen=True)
class IngestReport:
    batch_id: str
    channel: str
    received: int
    duplicates: int
    rejected: list[Rejection]
    # The reads this batch stored, in the order they were stored; never a duplicate.
    read_ids: tuple[uuid.UUID, ...]
    # Their facts, kept in memory for the after-commit hook when this process has callbacks.
    reads: tuple[ReadFacts, ...] = ()
    # DUP update 2026 — mobile-camera reads captured near a sensitive site, not stored.
    dropped_near_sites: int = 0

    @property
    def stored(self) -> int:
        return len(self.read_ids)


def _policy(uow: UnitOfWork) -> IngestPolicy:
    settings = uow.settings
    return IngestPolicy(
        now=uow.now(),
        retention_days=retention_days(uow),
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
    """Store a batch of reads. Bad rows never sink the batch: each is quarantined with a reason.

    Commits, then lets the callbacks registered with ``reads.service.on_reads_stored`` hear of
    the stored ids (at least once; see reads/outbox.py).
    """
    report = store_batch(uow, actor, rows, channel)
    uow.commit()
    after_commit(uow, report)
    return report


def after_commit(uow: UnitOfWork, report: IngestReport) -> None:
    """Run the after-commit hook for a batch whose transaction has committed.

    Without a callback in this process the batch is left to the ``dispatch_pending`` job.
    """
    if report.read_ids and outbox.has_callbacks():
        batch = StoredBatch(report.batch_id, report.channel, report.read_ids, report.reads)
        outbox.dispatch(uow, batch)


def store_batch(uow: UnitOfWork, actor: Actor, rows: list[RawRow], channel: str) -> IngestReport:
    """Everything ingest writes — reads, quarantine, audit entry, outbox row — uncommitted.

    For a use case that ingests inside a transaction of its own (releasing quarantined rows
    when their camera is registered): it commits, then calls ``after_commit``. Should it never
    get there, the outbox job runs the hook once the claim lease has passed; should the
    transaction roll back, nothing was stored and no callback hears of the batch.
    """
    authorize(uow, actor, Permission.READS_INGEST, target=f"ingest:{channel}")
    limit = uow.settings.max_batch_reads
    if len(rows) > limit:
        raise PayloadTooLarge(f"a batch holds at most {limit} reads; this one has {len(rows)}")
    batch_id = str(uuid.uuid4())
    policy = _policy(uow)
    refs = cameras.camera_refs(uow)
    agency_id = actor.agency_id or agencies.home_agency(uow).id
    result = Triage()
    # Every read validation accepts was captured inside the policy's window; its partitions
    # must exist before the first row streams (usually they do: the maintenance job made them).
    storage.ensure_partitions_apart(
        uow.session,
        storage.days_between(
            policy.oldest_acceptable.astimezone(UTC).date(),
            policy.latest_acceptable.astimezone(UTC).date(),
        ),
    )
    candidates: Iterable[ReadCandidate] = screen(rows, refs, policy, result)
    dropped: Counter[tuple[int, date]] = Counter()
    zones = cameras.site_zones(uow)
    if zones:
        candidates = _away_from_sites(
            candidates, zones, refs, ZoneInfo(uow.settings.timezone), dropped
        )
    facts: dict[uuid.UUID, ReadFacts] = {}
    if outbox.has_callbacks():
        candidates = _remembered(candidates, facts)
    read_ids = tuple(storage.insert_reads(uow.session, candidates, agency_id, uow.now()))
    _quarantine(uow, actor, batch_id, channel, result.rejections)
    not_stored = sum(dropped.values())
    cameras.record_site_drops(uow, dropped)
    duplicates = result.duplicates_in_batch + len(result.candidates) - len(read_ids) - not_stored
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.READS_INGESTED,
            details={
                "batch_id": batch_id,
                "channel": channel,
                "received": len(rows),
                "stored": len(read_ids),
                "duplicates": duplicates,
                "rejected": len(result.rejections),
                "dropped_near_sensitive_sites": not_stored,
            },
        ),
    )
    outbox.record(uow, StoredBatch(batch_id, channel, read_ids))
    stored = tuple(facts[i] for i in read_ids) if facts else ()
    return IngestReport(
        batch_id, channel, len(rows), duplicates, result.rejections, read_ids, stored, not_stored
    )


def _away_from_sites(
    candidates: Iterable[ReadCandidate],
    zones: SiteZones,
    refs: dict[str, CameraRef],
    zone: ZoneInfo,
    dropped: Counter[tuple[int, date]],
) -> Iterator[ReadCandidate]:
    """The candidates, less the mobile cameras' reads captured near a sensitive site.

    DUP update 2026 — a patrol car passing a clinic or a place of worship leaves no record of who
    was there: such a read is never stored, only counted per site and local day, without its
    plate. Fixed cameras are kept away from the sites by their placement review instead.
    """
    mobile = {ref.id for ref in refs.values() if not ref.is_fixed}
    for c in candidates:
        if c.camera_id in mobile and c.latitude is not None and c.longitude is not None:
            site = zones.site_at(c.latitude, c.longitude)
            if site is not None:
                dropped[(site.id, c.captured_at.astimezone(zone).date())] += 1
                continue
        yield c


def _remembered(
    candidates: Iterable[ReadCandidate], facts: dict[uuid.UUID, ReadFacts]
) -> Iterator[ReadCandidate]:
    """The candidates, noting what the after-commit hook needs of each (matching, issue 14)."""
    for c in candidates:
        facts[c.id] = ReadFacts(c.id, c.captured_at, c.camera_id, c.plate, c.plate_state)
        yield c


def prepare_partitions(uow: UnitOfWork) -> list[str]:
    """Job body: create day partitions from the retention edge to ``partitions_ahead_days`` ahead.

    Run by the job runner (and at ``plateward db upgrade``/``serve``) so that ingest finds its
    partitions ready and takes no DDL lock. The caller commits.
    """
    today = uow.now().date()
    first = today - timedelta(days=retention_days(uow) + 1)
    last = today + timedelta(days=uow.settings.partitions_ahead_days)
    created = storage.ensure_partitions(uow.session, storage.days_between(first, last))
    return [storage.partition_name(d) for d in created]
