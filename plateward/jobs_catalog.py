"""Every background job Plateward runs, in one place: a capability adds its job with one line.

The runner (``core/jobs.py``) knows no capability; this module, outside ``core``, names each job,
how often it runs, its body and the permissions of its narrow identity. Both ``plateward serve``
and ``plateward jobs run`` run this catalogue. Each body is idempotent (DESIGN: jobs may run twice).
"""

from __future__ import annotations

from datetime import timedelta

from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.checkpoints import checkpoint_if_moved
from plateward.core.database import UnitOfWork
from plateward.core.jobs import Job
from plateward.core.permissions import Actor, Permission
from plateward.core.settings import Settings
from plateward.hotlists import feeds as hotlist_feeds
from plateward.hotlists import service as hotlists
from plateward.reads import service as reads
from plateward.search import misuse


def prepare_partitions(uow: UnitOfWork, actor: Actor) -> str | None:
    """PostgreSQL day partitions of ``reads`` ahead, so ingest never creates one under its lock.

    ``CREATE TABLE … PARTITION OF reads`` locks ``reads`` until commit: done here, in a short
    transaction of its own, searches and writers wait for milliseconds instead of for an ingest.
    A no-op on SQLite, and when the partitions exist already.
    """
    created = reads.prepare_partitions(uow)
    if not created:
        return None
    audit.record(
        uow,
        actor,
        AuditEvent(AuditAction.READS_PARTITIONS_CREATED, details={"partitions": created}),
    )
    return f"created {len(created)} partition(s): {', '.join(created)}"[:500]


def finish_ingest_batches(uow: UnitOfWork, actor: Actor) -> str | None:
    """The outbox's at-least-once half: batches whose after-commit callbacks failed, or that a
    process without callbacks stored, are handed to the callbacks now (reads/outbox.py)."""
    finished = reads.dispatch_pending(uow)
    return f"finished {finished} ingest batch(es)" if finished else None


def check_camera_health(uow: UnitOfWork, actor: Actor) -> str | None:
    """A camera silent for longer than its expected interval is flagged within minutes
    (cameras/service.py; it runs under its own narrow identity, ``job:camera-health``)."""
    del actor  # the check carries its own identity, holding only cameras:view
    return cameras.camera_health_job(uow)


def sign_audit_head(uow: UnitOfWork, actor: Actor) -> str | None:
    """DUP §9 — sign the audit trail's head when it moved, so a trail cut short is detected."""
    checkpoint = checkpoint_if_moved(uow, uow.settings.audit_signing_key, actor)
    if checkpoint is None:
        return None
    return f"signed the trail up to entry {checkpoint.last_seq}"


def record_misuse_signals(uow: UnitOfWork, actor: Actor) -> str | None:
    """DUP §9 — the patterns of misuse found in the trail's searches, for the auditors (idempotent:
    evidence already recorded is not recorded again). The summary counts kinds, never a plate."""
    return misuse.record_signals(uow, actor).summary


def expire_hotlist_entries(uow: UnitOfWork, actor: Actor) -> str | None:
    """DUP §4.5 — entries past their expiry stop alerting (kept, never deleted); owners are
    reminded a week ahead (hotlists/service.py, under ``job:hotlist-expiry``)."""
    del actor  # the body records under its own narrow identity
    return hotlists.expire_entries(uow)


def sync_external_hotlists(uow: UnitOfWork, actor: Actor) -> str | None:
    """DUP §4.6 — external lists kept synchronized; a lost connection raises the alarm after a
    delay and the next success resyncs the whole list (hotlists/feeds.py)."""
    del actor  # the body records under its own narrow identity, ``job:hotlist-feeds``
    return hotlist_feeds.sync_feeds(uow)


def catalog(settings: Settings) -> list[Job]:
    """The jobs to run, with the intervals the settings give them."""
    return [
        Job("partitions", timedelta(hours=1), prepare_partitions),
        Job("ingest-outbox", timedelta(minutes=1), finish_ingest_batches),
        Job("camera-health", timedelta(minutes=5), check_camera_health),
        Job("hotlist-expiry", timedelta(hours=1), expire_hotlist_entries),
        Job("hotlist-feeds", timedelta(minutes=1), sync_external_hotlists),
        Job(
            "audit-checkpoint",
            timedelta(minutes=settings.audit_checkpoint_interval_minutes),
            sign_audit_head,
        ),
        Job(
            "misuse-signals",
            timedelta(days=1),
            record_misuse_signals,
            permissions=frozenset({Permission.AUDIT_READ}),
        ),
    ]
