"""DUP §9 — the trail's head is signed on a schedule too, by the checkpoint job's own identity."""

from __future__ import annotations

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditCheckpoint, AuditEntry, AuditEvent
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.jobs_catalog import sign_audit_head


def _checkpoints(db: Database) -> list[AuditCheckpoint]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))


def _scheduled(db: Database) -> None:
    """One run of the audit-checkpoint job's body, as the runner runs it, committed."""
    with db.unit_of_work() as uow:
        sign_audit_head(uow, audit.CHECKPOINT_WORKER)
        uow.commit()


def test_the_scheduled_job_signs_the_head_once_per_move(db: Database, operator: Actor) -> None:
    with db.unit_of_work() as uow:
        audit.record(uow, operator, AuditEvent(AuditAction.READS_MONITORED))
        uow.commit()

    _scheduled(db)
    _scheduled(db)  # nothing new since: idempotent

    (checkpoint,) = _checkpoints(db)
    with db.unit_of_work() as uow:
        written = uow.session.get(AuditEntry, checkpoint.last_seq + 1)
        assert written is not None
        assert written.action == AuditAction.AUDIT_CHECKPOINT_WRITTEN
        assert (written.actor_kind, written.actor_username) == ("worker", "job:audit-checkpoint")

    with db.unit_of_work() as uow:
        audit.record(uow, operator, AuditEvent(AuditAction.READS_MONITORED))
        uow.commit()
    _scheduled(db)
    assert len(_checkpoints(db)) == 2


def test_the_checkpoint_interval_is_a_setting(db: Database) -> None:
    assert db.settings.audit_checkpoint_interval_minutes == 15
