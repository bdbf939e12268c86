"""The after-commit hook of ingest: where matching runs and, later, a broker publishes.

The guarantee (docs/architecture.md, "Reads in"):

- The ingest transaction writes one ``ingest_outbox`` row per batch that stored reads, with
  exactly the ids it stored (never a duplicate it skipped). The row commits or rolls back with the
  reads: a batch that rolled back has no row, and no callback ever hears of it.
- Right after the commit the ingesting process runs every callback registered with
  ``on_reads_stored`` (in registration order), then marks the row processed. A process with no
  callback registered (a command-line import, say) leaves the row unclaimed, and the
  ``dispatch_pending`` job takes it at its next run, in a process that has them.
- If a callback raises, or the process dies first, the row stays unprocessed; the
  ``dispatch_pending`` job claims it once ``CLAIM_LEASE`` has passed and runs the callbacks
  again. Delivery is therefore **at least once**: callbacks must be idempotent (matching keys its
  hits by read id and hot-list entry; a publisher uses the read id as the message id).

A callback receives the unit of work in a fresh transaction and commits its own work. It runs in
the process that registered it: matching registers at start-up in ``plateward serve`` and in
``plateward jobs``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete, or_, select, update

from plateward.core.database import UnitOfWork
from plateward.reads.models import IngestOutbox

log = logging.getLogger(__name__)

# How long an unfinished claim is trusted before the job takes the batch over.
CLAIM_LEASE = timedelta(minutes=5)
# Processed rows are kept this long (diagnostics), then pruned by the job.
KEEP_PROCESSED = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ReadFacts:
    """What matching needs of a stored read: no image, no vehicle, nothing a person sees."""

    id: uuid.UUID
    captured_at: datetime
    camera_id: int
    plate: str
    plate_state: str | None


@dataclass(frozen=True)
class StoredBatch:
    """What a callback hears: one committed batch and the ids of the reads it stored.

    ``reads`` holds those reads' facts when the ingesting process dispatches the batch itself
    (it has them in memory, so matching needs no query); it is empty when the job finishes a
    batch from its outbox row, and a callback then reads them through the visibility gate.
    """

    batch_id: str
    channel: str
    read_ids: tuple[uuid.UUID, ...]
    reads: tuple[ReadFacts, ...] = ()


ReadsStoredCallback = Callable[[UnitOfWork, StoredBatch], None]
_callbacks: list[ReadsStoredCallback] = []


def on_reads_stored(callback: ReadsStoredCallback) -> Callable[[], None]:
    """Run ``callback`` after every committed batch that stored reads. Returns its remover.

    The callback must be idempotent: it may hear of the same batch more than once.
    """
    _callbacks.append(callback)

    def remove() -> None:
        if callback in _callbacks:
            _callbacks.remove(callback)

    return remove


def record(uow: UnitOfWork, batch: StoredBatch) -> None:
    """Write the batch's outbox row in the ingest transaction.

    It is claimed for the inline dispatch when this process has callbacks, and left for the job
    otherwise. A batch that stored nothing (all rejected or already stored) announces nothing.
    """
    if not batch.read_ids:
        return
    now = uow.now()
    row = IngestOutbox(
        batch_id=batch.batch_id,
        channel=batch.channel,
        read_ids=[str(i) for i in batch.read_ids],
        created_at=now,
        claimed_at=now if _callbacks else None,
    )
    uow.session.add(row)


def has_callbacks() -> bool:
    return bool(_callbacks)


def dispatch(uow: UnitOfWork, batch: StoredBatch) -> bool:
    """After the commit: run the callbacks, then mark the row processed. True when all ran.

    A failing callback is logged (batch id only: logs never hold plates) and left to the job;
    the ingest that stored the reads has succeeded whatever a callback does.
    """
    try:
        for callback in list(_callbacks):
            callback(uow, batch)
        # On the connection: the ORM's bulk update would cost more than the statement, per batch.
        table = cast(Table, IngestOutbox.__table__)
        uow.session.connection().execute(
            update(table)
            .where(table.c.batch_id == batch.batch_id, table.c.processed_at.is_(None))
            .values(processed_at=uow.now())
        )
        uow.commit()
    except Exception:  # any callback failure is retried by the job, never lost
        uow.rollback()
        log.exception(
            "after-ingest callback failed for batch %s; the job retries it", batch.batch_id
        )
        return False
    return True


def _claim(uow: UnitOfWork, limit: int) -> list[IngestOutbox]:
    now = uow.now()
    stale = now - CLAIM_LEASE
    # FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers never take the same batch; SQLite
    # serializes writers (BEGIN IMMEDIATE), which gives the same guarantee.
    rows = list(
        uow.session.scalars(
            select(IngestOutbox)
            .where(
                IngestOutbox.processed_at.is_(None),
                or_(IngestOutbox.claimed_at.is_(None), IngestOutbox.claimed_at < stale),
            )
            .order_by(IngestOutbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        row.claimed_at = now
    uow.commit()
    return rows


def dispatch_pending(uow: UnitOfWork, limit: int = 100) -> int:
    """Job body: finish batches whose inline dispatch failed or never ran; prune old rows.

    Idempotent and safe to run in several processes at once. Returns how many batches it
    finished.
    """
    finished = 0
    for row in _claim(uow, limit):
        batch = StoredBatch(row.batch_id, row.channel, tuple(uuid.UUID(i) for i in row.read_ids))
        finished += dispatch(uow, batch)
    _prune(uow, uow.now() - KEEP_PROCESSED)
    return finished


def _prune(uow: UnitOfWork, before: datetime) -> None:
    uow.session.execute(
        delete(IngestOutbox).where(
            IngestOutbox.processed_at.is_not(None), IngestOutbox.processed_at < before
        )
    )
    uow.commit()
