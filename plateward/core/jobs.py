"""The job runner: background work on a schedule, claimed atomically, safe to run anywhere twice.

DESIGN — background jobs are idempotent and claim work atomically, run from ``plateward serve``
or a separate ``plateward jobs`` process, each under its own narrow identity. Each job is one row
of ``jobs`` (migration 0004). A runner claims a due row in its own short transaction: on
PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` (a second runner skips the row instead of waiting),
on SQLite the same statement without the lock clause, inside the ``BEGIN IMMEDIATE`` transaction
that already serializes writers (``core/database.py``). The claim itself is a conditional
``UPDATE … WHERE claimed_by IS NULL OR lease_until < now``, so it is exclusive on both. The body
then runs in a transaction of its own, and the run is recorded in that same transaction only if
this runner still holds the claim; a runner that lost its lease rolls the body back (except what
a body committed itself along the way). A crashed runner's claim expires with its lease and the
job is claimed again.

A body must be idempotent: a run may be repeated after a crash, and two processes may both be
configured to run jobs. A failing body is rolled back, its error recorded (the exception's class
and where it was raised, never its message, which may quote data such as a plate) and the job is
retried at its next interval; it never stops the other jobs.

Why not a library: APScheduler 3 with ``SQLAlchemyJobStore`` stores jobs in the database but has
no interprocess claim (its own documentation: run one scheduler only), so ``serve`` and a
``plateward jobs`` process would both run each job; procrastinate, pgqueuer, chancy and PGMQ are
PostgreSQL-only; huey, rq, dramatiq, arq and saq need Redis or another broker; DBOS is a durable
workflow engine far larger than a handful of periodic maintenance tasks. The embedded SQLite
default and PostgreSQL both need to work, so the runner is this module: small and tested.

This module knows no capability: the catalogue of jobs is built outside ``core``
(``plateward/jobs_catalog.py``) and handed in.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import ColumnElement, Integer, String, and_, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.authorization import authorize
from plateward.core.database import Base, Database, UnitOfWork
from plateward.core.permissions import Actor, Permission

log = logging.getLogger("plateward.jobs")

# A claim older than this is taken to belong to a crashed runner. Longer than any job should run.
DEFAULT_LEASE = timedelta(minutes=10)
# How often ``plateward serve`` and ``plateward jobs run`` look for due jobs.
DEFAULT_TICK_SECONDS = 5.0

# A job's body: does its work in the unit of work, as the job's actor; returns a summary of what
# it changed (shown to administrators; never plate numbers) or None when there was nothing to do.
Body = Callable[[UnitOfWork, Actor], str | None]


class JobOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    # The run outlived its lease and another runner took the job: its work was rolled back.
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class Job:
    """A background job: a name, how often it runs, and its body."""

    name: str
    every: timedelta
    body: Body
    # The narrow identity it runs under holds only these (DESIGN: each job its own identity).
    permissions: frozenset[Permission] = field(default_factory=frozenset)
    lease: timedelta = DEFAULT_LEASE

    @property
    def actor(self) -> Actor:
        return Actor.worker(self.name, *self.permissions)


class JobRow(Base):
    """A job's schedule, its current claim, and how its last run went."""

    __tablename__ = "jobs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    every_seconds: Mapped[int]
    next_run_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    last_message: Mapped[str | None] = mapped_column(String(500))
    last_error: Mapped[str | None] = mapped_column(String(500))
    runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


@dataclass(frozen=True)
class JobRun:
    """What one run did, for the runner's output."""

    name: str
    outcome: JobOutcome
    message: str | None


@dataclass(frozen=True)
class JobStatus:
    """A job as administrators see it."""

    name: str
    every: timedelta
    next_run_at: datetime
    running_on: str | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_outcome: str | None
    last_message: str | None
    last_error: str | None
    runs: int
    failures: int


def job_statuses(uow: UnitOfWork, actor: Actor) -> list[JobStatus]:
    """Every scheduled job, by name (no ALPR data: what ran, when, and how it went)."""
    authorize(uow, actor, Permission.JOBS_VIEW)
    now = uow.now()
    return [
        JobStatus(
            r.name,
            timedelta(seconds=r.every_seconds),
            r.next_run_at,
            r.claimed_by if r.lease_until is not None and r.lease_until >= now else None,
            r.last_started_at,
            r.last_finished_at,
            r.last_outcome,
            r.last_message,
            r.last_error,
            r.runs,
            r.failures,
        )
        for r in uow.session.scalars(select(JobRow).order_by(JobRow.name))
    ]


def schedule(uow: UnitOfWork, jobs: Sequence[Job]) -> None:
    """Give each job its row, first due now; a changed interval applies from now on."""
    now = uow.now()
    insert = pg_insert if uow.dialect == "postgresql" else sqlite_insert
    for job in jobs:
        every = int(job.every.total_seconds())
        # Two runners starting together both insert: the second insert does nothing.
        uow.session.execute(
            insert(JobRow)
            .values(name=job.name, every_seconds=every, next_run_at=now, runs=0, failures=0)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        row = uow.session.get(JobRow, job.name)
        if row is not None and row.every_seconds != every:
            row.every_seconds = every
            row.next_run_at = min(row.next_run_at, now + job.every)


def describe_failure(exc: BaseException) -> str:
    """The exception's class and the innermost Plateward frame: never its message (data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}plateward{os.sep}" in f.filename] or frames
    where = ""
    if ours:
        frame = ours[-1]
        module = frame.filename.rsplit(f"{os.sep}plateward{os.sep}", 1)[-1]
        where = f" in {module}:{frame.lineno} ({frame.name})"
    return f"{type(exc).__name__}{where}"[:500]


class Runner:
    """Runs the due jobs of a catalogue, claiming each before it runs it."""

    def __init__(self, db: Database, jobs: Sequence[Job], name: str | None = None) -> None:
        self.db = db
        self.jobs = {job.name: job for job in jobs}
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._scheduled = False

    def _schedule(self) -> None:
        if not self._scheduled:
            with self.db.unit_of_work() as uow:
                schedule(uow, list(self.jobs.values()))
                uow.commit()
            self._scheduled = True

    def run_now(self, name: str) -> JobRun | None:
        """Claim and run the job ``name`` now, due or not (an operator asked); None while
        another runner holds it. Its next run is counted from this one."""
        self._schedule()
        claimed = self._claim_next(set(self.jobs) - {name}, due=False)
        return None if claimed is None else self._run(*claimed)

    def run_due(self) -> list[JobRun]:
        """Claim and run every job that is due now, each at most once; return what ran."""
        self._schedule()
        runs: list[JobRun] = []
        tried: set[str] = set()
        while (claimed := self._claim_next(tried)) is not None:
            job, started = claimed
            tried.add(job.name)
            runs.append(self._run(job, started))
        return runs

    def _claimable(self, now: datetime, names: set[str], due: bool) -> ColumnElement[bool]:
        return and_(
            JobRow.name.in_(sorted(names)),
            JobRow.next_run_at <= now if due else true(),
            or_(JobRow.claimed_by.is_(None), JobRow.lease_until < now),
        )

    def _claim_next(self, tried: set[str], due: bool = True) -> tuple[Job, datetime] | None:
        names = set(self.jobs) - tried
        if not names:
            return None
        with self.db.unit_of_work() as uow:
            now = uow.now()
            claimable = self._claimable(now, names, due)
            # PostgreSQL: a row another runner is claiming right now is skipped, not waited on.
            # SQLite renders no lock clause; BEGIN IMMEDIATE has serialized us already.
            name = uow.session.scalars(
                select(JobRow.name)
                .where(claimable)
                .order_by(JobRow.next_run_at, JobRow.name)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if name is None:
                return None
            job = self.jobs[name]
            claim = update(JobRow).where(JobRow.name == name, claimable)
            values = {"claimed_by": self.name, "lease_until": now + job.lease}
            if _rowcount(uow, claim.values(last_started_at=now, **values)) != 1:
                return None
            uow.commit()
        return job, now

    def _run(self, job: Job, started: datetime) -> JobRun:
        try:
            with self.db.unit_of_work() as uow:
                message = job.body(uow, job.actor)
                if not self._finish(uow, job, started, JobOutcome.OK, message):
                    log.warning("job %s outlived its lease; its work was rolled back", job.name)
                    return JobRun(job.name, JobOutcome.ABANDONED, None)
                uow.commit()
        except Exception as exc:
            error = describe_failure(exc)
            # The frames, not the message: the message of a database error may quote a plate.
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("job %s failed: %s\n%s", job.name, error, frames)
            with self.db.unit_of_work() as uow:
                self._finish(uow, job, started, JobOutcome.FAILED, error)
                uow.commit()
            return JobRun(job.name, JobOutcome.FAILED, error)
        return JobRun(job.name, JobOutcome.OK, message)

    def _finish(
        self, uow: UnitOfWork, job: Job, started: datetime, outcome: JobOutcome, text: str | None
    ) -> bool:
        """Record the run and release the claim, if this runner still holds it."""
        values: dict[str, Any] = {
            "claimed_by": None,
            "lease_until": None,
            "last_finished_at": uow.now(),
            "last_outcome": outcome.value,
            "next_run_at": started + job.every,
            "runs": JobRow.runs + 1,
        }
        if outcome is JobOutcome.OK:
            values |= {"last_message": text[:500] if text else None, "last_error": None}
        else:
            values |= {"last_error": text, "failures": JobRow.failures + 1}
        held = update(JobRow).where(JobRow.name == job.name, JobRow.claimed_by == self.name)
        return _rowcount(uow, held.values(**values)) == 1

    def run_forever(
        self,
        stop: threading.Event,
        tick: float = DEFAULT_TICK_SECONDS,
        report: Callable[[JobRun], None] | None = None,
    ) -> None:
        """Run due jobs every ``tick`` seconds until ``stop`` is set; survive a database outage."""
        while not stop.is_set():
            try:
                for run in self.run_due():
                    if report is not None:
                        report(run)
            except Exception as exc:
                log.error("job runner: %s", describe_failure(exc))
            stop.wait(tick)


def _rowcount(uow: UnitOfWork, statement: Any) -> int:
    result = uow.session.execute(statement.execution_options(synchronize_session=False))
    return cast("CursorResult[Any]", result).rowcount


class JobThread:
    """The runner inside ``plateward serve``: a daemon thread, stopped when the server stops."""

    def __init__(self, runner: Runner, tick: float = DEFAULT_TICK_SECONDS) -> None:
        self.runner = runner
        self.tick = tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="plateward-jobs", daemon=True)

    def _loop(self) -> None:
        self.runner.run_forever(self._stop, self.tick)

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
