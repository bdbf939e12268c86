"""The jobs Plateward runs: read partitions ahead, and a signed audit checkpoint on a schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.checkpoints import latest_checkpoint
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.jobs import Job, JobOutcome, Runner
from plateward.core.settings import Settings
from plateward.jobs_catalog import catalog
from plateward.reads.storage import existing_partition_days


def _job(settings: Settings, name: str) -> Job:
    return next(job for job in catalog(settings) if job.name == name)


def _newest(db: Database, action: AuditAction) -> AuditEntry | None:
    with db.unit_of_work() as uow:
        return uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc())
        ).first()


def test_the_partition_job_creates_tomorrows_partition_and_audits_it(
    db: Database, clock: FrozenClock
) -> None:
    job = _job(db.settings, "partitions")
    assert job.every == timedelta(hours=1)
    if db.dialect != "postgresql":
        (run,) = Runner(db, [job]).run_due()
        assert (run.outcome, run.message) == (JobOutcome.OK, None)  # SQLite has no partitions
        pytest.skip("day partitions are a PostgreSQL feature")
    # Ten days on, the partitions made when the database was set up no longer reach tomorrow.
    clock.advance(timedelta(days=10))
    tomorrow = (clock.now() + timedelta(days=1)).date()
    with db.unit_of_work() as uow:
        assert tomorrow not in existing_partition_days(uow.session)

    (run,) = Runner(db, [job]).run_due()

    assert run.outcome == JobOutcome.OK
    with db.unit_of_work() as uow:
        days = existing_partition_days(uow.session)
    ahead = clock.now().date() + timedelta(days=db.settings.partitions_ahead_days)
    assert {tomorrow, ahead} <= days
    entry = _newest(db, AuditAction.READS_PARTITIONS_CREATED)
    assert entry is not None
    assert entry.actor_username == "job:partitions"
    assert "reads_p" + tomorrow.strftime("%Y%m%d") in entry.details["partitions"]
    # Idempotent: an hour later there is nothing left to create.
    clock.advance(timedelta(hours=1))
    (again,) = Runner(db, [job]).run_due()
    assert (again.outcome, again.message) == (JobOutcome.OK, None)


def test_the_checkpoint_job_signs_the_trails_head_only_when_it_moved(
    db: Database, clock: FrozenClock
) -> None:
    settings = db.settings.with_overrides(audit_checkpoint_interval_minutes=5)
    job = _job(settings, "audit-checkpoint")
    assert job.every == timedelta(minutes=5)
    runner = Runner(db, [job])
    with db.unit_of_work() as uow:
        head = uow.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()))

    (run,) = runner.run_due()

    assert run.outcome == JobOutcome.OK
    with db.unit_of_work() as uow:
        checkpoint = latest_checkpoint(uow.session)
    assert checkpoint is not None
    assert checkpoint.last_seq == head
    entry = _newest(db, AuditAction.AUDIT_CHECKPOINT_WRITTEN)
    assert entry is not None
    assert entry.actor_username == "job:audit-checkpoint"
    # Nothing happened since: the next run signs nothing.
    clock.advance(job.every)
    (quiet,) = runner.run_due()
    assert (quiet.outcome, quiet.message) == (JobOutcome.OK, None)


def test_the_outbox_job_hands_a_waiting_batch_to_the_callbacks(db: Database) -> None:
    from plateward.reads import service as reads
    from tests.conftest import native_read
    from tests.reads.test_ingest_hook import Heard, _ingest

    report = _ingest(db, native_read(plate="7JOB001"))
    callback = Heard()
    remove = reads.on_reads_stored(callback)
    try:
        Runner(db, [_job(db.settings, "ingest-outbox")]).run_due()
    finally:
        remove()
    assert [b.read_ids for b in callback.batches] == [report.read_ids]


def test_the_catalogue_checks_camera_health(db: Database) -> None:
    runs = Runner(db, [_job(db.settings, "camera-health")]).run_due()
    assert [(r.name, r.outcome) for r in runs] == [("camera-health", JobOutcome.OK)]
