"""The purge: expired reads, their images, hits and quarantined rows removed for good.

DUP §7 — once the retention period has expired "the record shall be purged entirely from all
active and backup systems unless the data is related to an active investigation". Invariant 4
makes an expired read invisible at once (the gate); this job then removes it, by whole capture
days (UTC):

1. the day's daily aggregates (reads and hits per camera and location, no plates) are computed
   and marked final, so reports keep working without the raw reads;
2. the day's hits and alert steps go, except those of reads a legal hold keeps (their reads were
   copied into the evidence store when the hold was placed);
3. the day's reads go — a partition drop on PostgreSQL, batched deletes on SQLite, each batch its
   own short transaction so ingest is never held up for long — and then their image files;
4. the day's backup key is destroyed, so every backup's copy of the day is unreadable.

Quarantined rows received before the cutoff go too. Each run writes one ``purge_runs`` row and one
``retention.purged`` audit entry (days and counts, never a plate). The job runner claims the job
atomically; every step is idempotent, so an interrupted run is finished by the next one.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.exc import OperationalError

from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.audit_models import AuditEntry
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork, rewrite_tables, truncate_sqlite_log
from plateward.core.permissions import Actor, Permission
from plateward.hotlists import service as hotlists
from plateward.reads import service as reads
from plateward.retention import holds, keys, rules
from plateward.retention import service as retention
from plateward.retention.models import DayCount, PurgeRun

log = logging.getLogger("plateward.retention")
DROP_ATTEMPTS = 5


# Every table whose deleted rows the purge erases (the order it rewrites them in).
ERASABLE_TABLES = ("hotlist_hits", "alert_steps", "quarantined_rows", "data_keys", "held_reads")


@dataclass
class PurgeReport:
    cutoff: datetime
    retention_days: int
    days: list[date] = field(default_factory=list)
    deferred: list[date] = field(default_factory=list)
    reads: int = 0
    images: int = 0
    hits: int = 0
    quarantined: int = 0
    keys_destroyed: int = 0
    # Tables rewritten so that their deleted rows leave the files, and those that gave way.
    rewritten: list[str] = field(default_factory=list)
    rewrite_deferred: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = (
            f"purged {len(self.days)} day(s): {self.reads} read(s), {self.images} image file(s), "
            f"{self.hits} hit(s), {self.quarantined} quarantined row(s), "
            f"{self.keys_destroyed} backup key(s) destroyed"
        )
        if self.deferred:
            text += f"; {len(self.deferred)} day(s) deferred (ingest held the table)"
        if self.rewrite_deferred:
            text += f"; not yet erased from the files: {', '.join(self.rewrite_deferred)}"
        return text


# --- daily aggregates ---


def compute_day(uow: UnitOfWork, day: date, *, final: bool) -> int:
    """(Re)compute one day's counts per camera, unless they are final already. Returns rows."""
    existing = uow.session.scalars(select(DayCount).where(DayCount.day == day)).all()
    if any(c.final for c in existing):
        return 0
    start, end = rules.day_start(day), rules.day_end(day)
    read_counts = reads.day_counts_by_camera(uow, day)
    hit_counts = hotlists.hit_counts_by_camera(uow, start, end)
    places = cameras.camera_places(uow)
    codes = cameras.camera_codes(uow)
    uow.session.execute(delete(DayCount).where(DayCount.day == day))
    now = uow.now()
    for camera_id in sorted(set(read_counts) | set(hit_counts)):
        place = places.get(camera_id)
        uow.session.add(
            DayCount(
                day=day,
                camera_id=camera_id,
                camera_code=codes.get(camera_id, f"camera {camera_id}")[:64],
                location=(place.location if place else "")[:300],
                reads=read_counts.get(camera_id, 0),
                hits=hit_counts.get(camera_id, 0),
                final=final,
                computed_at=now,
            )
        )
    uow.session.flush()
    return len(set(read_counts) | set(hit_counts))


def compute_aggregates(uow: UnitOfWork, actor: Actor) -> str | None:
    """Job body: the counts of every complete day still inside retention (kept up to date, so a
    report sees the recent days too; purged days keep their final counts)."""
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    today = uow.now().date()
    first = rules.first_kept_day(retention.retention_rule(uow).cutoff(uow.now()))
    days = [first + timedelta(days=n) for n in range((today - first).days)]
    rows = sum(compute_day(uow, d, final=False) for d in days)
    uow.commit()
    return f"counted {len(days)} day(s), {rows} camera-day(s)" if days else None


# --- the purge ---


def _remove_images(uow: UnitOfWork, refs: list[str]) -> int:
    removed = 0
    for ref in refs:
        path = holds.image_path(uow.settings.image_dir, ref)
        if path is not None:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _day_total(uow: UnitOfWork, day: date) -> int:
    total = uow.session.scalar(select(func.sum(DayCount.reads)).where(DayCount.day == day))
    return int(total or 0)


def _purge_day(uow: UnitOfWork, day: date, kept: set[uuid.UUID], report: PurgeReport) -> None:
    compute_day(uow, day, final=True)
    uow.commit()  # the counts are safe before a single read goes
    # No read of an expired day can arrive any more (ingest refuses them): the final counts are
    # the number the drop removes.
    counted = _day_total(uow, day)
    refs = reads.day_image_refs(uow, day)
    start, end = rules.day_start(day), rules.day_end(day)
    hits = hotlists.purge_hits(uow, start, end, kept)
    deleted = reads.purge_day(uow, day)
    destroyed = keys.destroy(uow, keys.DAY, day.isoformat())
    uow.commit()
    # Counted once the day's transaction committed (a drop that gave way is tried again).
    report.hits += hits
    report.reads += counted if deleted is None else deleted
    report.keys_destroyed += int(destroyed)
    report.images += _remove_images(uow, refs)  # the reads are gone: their files go too
    report.days.append(day)


def _purge_day_yielding(
    uow: UnitOfWork, day: date, kept: set[uuid.UUID], report: PurgeReport
) -> None:
    """PostgreSQL: the partition drop waits at most its lock timeout behind an ingest, then gives
    way; it is tried again a few times, then the day is left (still invisible) to the next run."""
    for attempt in range(DROP_ATTEMPTS):
        try:
            _purge_day(uow, day, kept, report)
            return
        except OperationalError as exc:
            uow.rollback()
            log.warning("purge of a day gave way to ingest: %s", type(exc.orig).__name__)
            time.sleep(0.2 * (attempt + 1))
    report.deferred.append(day)


def purge(uow: UnitOfWork, actor: Actor) -> PurgeReport:
    """Remove every whole capture day past retention; record and audit what went."""
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    rule = retention.retention_rule(uow)
    started = uow.now()
    cutoff = rule.cutoff(started)
    report = PurgeReport(cutoff, rule.days)
    previous = uow.session.scalar(select(func.max(PurgeRun.started_at)))
    kept = holds.kept_read_ids(uow)
    for day in rules.purgeable_days(reads.capture_days_before(uow, cutoff), cutoff):
        _purge_day_yielding(uow, day, kept, report)
    report.quarantined = reads.purge_quarantine(uow, cutoff)
    released = holds.any_ended_since(uow, previous)
    tables = _deleted_from(report, released, _deferred_last_run(uow))
    uow.commit()  # no transaction of ours stays open while the tables are rewritten
    report.rewritten, report.rewrite_deferred = _erase_deleted_rows(uow, tables)
    _record(uow, actor, report, started)
    uow.commit()
    return report


def _deleted_from(
    report: PurgeReport, holds_ended: bool, deferred: Collection[str] = ()
) -> list[str]:
    """The tables where rows were deleted one by one since they were last rewritten: by this run
    (the days' hits and alert steps, quarantined rows, the destroyed keys' old row versions), by
    a hold's release or rejection (the evidence store's copies), or before a rewrite that gave
    way last run. The reads are not among them on PostgreSQL: they left with their partitions'
    files."""
    wanted = set(deferred)
    if report.hits:
        wanted |= {"hotlist_hits", "alert_steps"}
    if report.quarantined:
        wanted.add("quarantined_rows")
    if report.keys_destroyed:
        wanted.add("data_keys")
    if holds_ended:
        wanted.add("held_reads")
    return [table for table in ERASABLE_TABLES if table in wanted]


def _deferred_last_run(uow: UnitOfWork) -> list[str]:
    """The rewrites the previous run had to leave, as its audit entry says."""
    details = uow.session.scalar(
        select(AuditEntry.details)
        .where(AuditEntry.action == AuditAction.RETENTION_PURGED.value)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
    deferred = (details or {}).get("rewrite_deferred") or []
    return [table for table in ERASABLE_TABLES if table in deferred]


REWRITE_ATTEMPTS = 3


def _erase_deleted_rows(uow: UnitOfWork, tables: list[str]) -> tuple[list[str], list[str]]:
    """Deleted rows leave the database's files, not only its queries (DUP §7: "purged
    entirely"); returns (what was rewritten, what gave way and waits for the next run).

    A DELETE, and a VACUUM after it, only mark a row's space free: its bytes stay in the page
    until a new row happens to overwrite them (``bench/purge.py`` finds every sampled deleted
    read still there). PostgreSQL: each table deleted from is rewritten into a new file without
    the deleted rows (``VACUUM FULL``). Its exclusive lock is waited for at most 500 ms, tried
    three times, then left to the next run (logged and audited), and held while the table is
    copied: tables of days of hits and keys, and the evidence store, not the reads. SQLite
    zeroes what it deletes (``secure_delete``, set on every connection); the write-ahead log,
    which may still hold pages from before, is checkpointed and truncated.

    Only committed deletes can be erased: inside an enclosing transaction (a test's) nothing is
    done."""
    bind = uow.session.get_bind()
    if isinstance(bind, Connection) and bind.in_transaction():
        return [], []
    if uow.dialect != "postgresql":
        log_name = "write-ahead log"
        return ([log_name], []) if truncate_sqlite_log(bind.engine) else ([], [log_name])
    if not tables:
        return [], []
    done = rewrite_tables(bind.engine, tables, attempts=REWRITE_ATTEMPTS)
    return done, [t for t in tables if t not in done]


def _record(uow: UnitOfWork, actor: Actor, report: PurgeReport, started: datetime) -> None:
    days = [d.isoformat() for d in report.days]
    uow.session.add(
        PurgeRun(
            started_at=started,
            finished_at=uow.now(),
            cutoff=report.cutoff,
            retention_days=report.retention_days,
            days=days,
            reads=report.reads,
            images=report.images,
            hits=report.hits,
            quarantined=report.quarantined,
            keys_destroyed=report.keys_destroyed,
            run_by=actor.name[:200],
        )
    )
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.RETENTION_PURGED,
            result_count=report.reads,
            details={
                "cutoff": report.cutoff.isoformat(),
                "retention_days": report.retention_days,
                "days": days,
                "deferred": [d.isoformat() for d in report.deferred],
                "reads": report.reads,
                "images": report.images,
                "hits": report.hits,
                "quarantined": report.quarantined,
                "keys_destroyed": report.keys_destroyed,
                "rewritten": report.rewritten,
                "rewrite_deferred": report.rewrite_deferred,
            },
        ),
    )


def purge_job(uow: UnitOfWork, actor: Actor) -> str | None:
    """Job body (``plateward jobs``, ``plateward purge``): the daily purge."""
    report = purge(uow, actor)
    return report.summary if report.days or report.quarantined or report.deferred else None
