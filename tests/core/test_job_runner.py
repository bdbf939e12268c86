"""The runner runs each due job once per interval, records how it went, and survives failures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.clock import FrozenClock
from plateward.core.database import Database, UnitOfWork
from plateward.core.jobs import Job, JobOutcome, JobStatus, Runner, job_statuses
from plateward.core.permissions import Actor, ActorKind, Permission
from tests.conftest import NOW

PLATE = "7ABC123"


def _counting(calls: list[str], message: str | None = "done") -> Callable[..., str | None]:
    def body(_uow: UnitOfWork, actor: Actor) -> str | None:
        calls.append(actor.username)
        return message

    return body


def _status(db: Database, name: str) -> JobStatus:
    with db.unit_of_work() as uow:
        return next(s for s in job_statuses(uow, Actor.system("tests")) if s.name == name)


def _audited(db: Database, action: AuditAction) -> int:
    with db.unit_of_work() as uow:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(uow.session.scalar(query) or 0)


def test_a_due_job_runs_once_and_is_scheduled_for_its_next_interval(
    db: Database, clock: FrozenClock
) -> None:
    calls: list[str] = []
    runner = Runner(db, [Job("tidy", timedelta(minutes=15), _counting(calls))])

    assert [(r.name, r.outcome, r.message) for r in runner.run_due()] == [
        ("tidy", JobOutcome.OK, "done")
    ]
    assert runner.run_due() == []  # not due again at the same moment
    status = _status(db, "tidy")
    assert (status.runs, status.last_outcome, status.last_message) == (1, "ok", "done")
    assert status.next_run_at == NOW + timedelta(minutes=15)
    assert status.running_on is None

    clock.advance(timedelta(minutes=14))
    assert runner.run_due() == []
    clock.advance(timedelta(minutes=1))
    assert [r.name for r in runner.run_due()] == ["tidy"]
    assert calls == ["job:tidy", "job:tidy"]
    assert _status(db, "tidy").runs == 2


def test_each_job_runs_under_its_own_narrow_identity(db: Database) -> None:
    seen: list[Actor] = []

    def body(_uow: UnitOfWork, actor: Actor) -> None:
        seen.append(actor)

    job = Job("narrow", timedelta(hours=1), body, frozenset({Permission.CAMERAS_VIEW}))
    Runner(db, [job]).run_due()
    (actor,) = seen
    assert actor.kind == ActorKind.WORKER
    assert actor.username == "job:narrow"
    assert actor.permissions == frozenset({Permission.CAMERAS_VIEW})


def test_a_failing_job_records_its_error_without_data_and_the_others_still_run(
    db: Database, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def failing(uow: UnitOfWork, actor: Actor) -> None:
        audit.record(uow, actor, AuditEvent(AuditAction.READS_MONITORED))
        raise ValueError(f"cannot store plate {PLATE}")

    before = _audited(db, AuditAction.READS_MONITORED)
    runner = Runner(
        db,
        [
            Job("breaks", timedelta(minutes=5), failing),
            Job("works", timedelta(minutes=5), _counting(calls)),
        ],
    )
    runs = {r.name: r for r in runner.run_due()}

    assert runs["breaks"].outcome == JobOutcome.FAILED
    assert runs["works"].outcome == JobOutcome.OK
    assert calls == ["job:works"]
    assert _audited(db, AuditAction.READS_MONITORED) == before  # its work was rolled back
    status = _status(db, "breaks")
    assert (status.last_outcome, status.failures, status.runs) == ("failed", 1, 1)
    assert status.last_error is not None
    assert status.last_error.startswith("ValueError in ")
    assert PLATE not in status.last_error
    assert "job breaks failed: ValueError in " in caplog.text  # with its stack, for operators
    assert PLATE not in caplog.text
    assert status.running_on is None

    # Retried at the next interval, not before.
    assert runner.run_due() == []
    clock.advance(timedelta(minutes=5))
    assert {r.name for r in runner.run_due()} == {"breaks", "works"}
    assert _status(db, "breaks").failures == 2


class Crash(BaseException):
    """The process dies mid-job (not an error the runner catches)."""


def test_a_crashed_runners_claim_is_taken_over_when_its_lease_expires(
    db: Database, clock: FrozenClock
) -> None:
    calls: list[str] = []

    def crashes(_uow: UnitOfWork, _actor: Actor) -> None:
        raise Crash

    lease = timedelta(minutes=10)
    crashed = Runner(db, [Job("sweep", timedelta(hours=1), crashes, lease=lease)], name="first")
    with pytest.raises(Crash):
        crashed.run_due()
    assert _status(db, "sweep").running_on == "first"

    survivor = Runner(db, [Job("sweep", timedelta(hours=1), _counting(calls), lease=lease)])
    assert survivor.run_due() == []  # the claim still holds
    clock.advance(lease + timedelta(seconds=1))
    assert [r.outcome for r in survivor.run_due()] == [JobOutcome.OK]
    assert calls == ["job:sweep"]
    assert _status(db, "sweep").running_on is None


def test_a_changed_interval_applies_from_now(db: Database, clock: FrozenClock) -> None:
    calls: list[str] = []
    Runner(db, [Job("tidy", timedelta(hours=6), _counting(calls))]).run_due()
    clock.advance(timedelta(minutes=30))
    shorter = Runner(db, [Job("tidy", timedelta(minutes=15), _counting(calls))])
    assert shorter.run_due() == []
    assert _status(db, "tidy").next_run_at == clock.now() + timedelta(minutes=15)
    clock.advance(timedelta(minutes=15))
    assert [r.name for r in shorter.run_due()] == ["tidy"]
