"""Runners in different processes claim a job atomically: it runs once however many race for it.

These tests need committed data and real concurrent connections, so they work on a database of
their own (a SQLite file in a temporary directory, or a fresh PostgreSQL schema), not inside the
rolled-back test transaction.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from plateward.core.database import Database, UnitOfWork
from plateward.core.jobs import Job, JobOutcome, Runner, job_statuses, schedule
from plateward.core.permissions import Actor
from tests.core.conftest import OpenDatabase


def _runs(db: Database, name: str) -> int:
    with db.unit_of_work() as uow:
        return next(s.runs for s in job_statuses(uow, Actor.system("tests")) if s.name == name)


def test_two_runners_racing_for_a_due_job_run_it_once(store: tuple[str, OpenDatabase]) -> None:
    _, open_database = store
    calls: list[str] = []
    lock = threading.Lock()

    def body(_uow: UnitOfWork, _actor: Actor) -> None:
        with lock:
            calls.append(threading.current_thread().name)
        time.sleep(0.05)  # hold the claim while the other runner tries

    job = Job("race", timedelta(minutes=5), body)
    first, second = open_database(), open_database()
    with first.unit_of_work() as uow:
        schedule(uow, [job])
        uow.commit()
    runners = [Runner(first, [job], name="first"), Runner(second, [job], name="second")]
    errors: list[BaseException] = []
    for round_ in range(1, 4):
        barrier = threading.Barrier(2)

        def race(runner: Runner, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                runner.run_due()
            except BaseException as exc:  # surfaced below: a thread's error fails the test
                errors.append(exc)

        threads = [threading.Thread(target=race, args=(r,), name=r.name) for r in runners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(calls) == round_, calls
        first.clock.advance(job.every)  # type: ignore[attr-defined]
    assert _runs(first, "race") == 3


def test_a_runner_skips_a_job_another_runner_is_claiming_instead_of_waiting(
    store: tuple[str, OpenDatabase],
) -> None:
    backend, open_database = store
    if backend != "postgresql":
        pytest.skip("SQLite has no row locks: BEGIN IMMEDIATE serializes whole transactions")
    calls: list[str] = []
    job = Job("skip", timedelta(minutes=5), lambda _uow, actor: calls.append(actor.username))
    holder = open_database()
    with holder.unit_of_work() as uow:
        schedule(uow, [job])
        uow.commit()
    # This runner gives up after 2 s on a lock: had it waited for the row, it would fail.
    impatient = Runner(open_database(lock_timeout_ms=2000), [job])
    with holder.unit_of_work() as uow:
        uow.session.execute(text("SELECT name FROM jobs WHERE name = 'skip' FOR UPDATE"))
        assert impatient.run_due() == []
    assert [r.outcome for r in impatient.run_due()] == [JobOutcome.OK]
    assert calls == ["job:skip"]


def test_a_run_that_outlived_its_lease_is_rolled_back_when_another_runner_took_over(
    store: tuple[str, OpenDatabase],
) -> None:
    _, open_database = store
    slow_db, quick_db = open_database(), open_database()
    lease = timedelta(minutes=10)
    written: list[str] = []

    def quick(uow: UnitOfWork, actor: Actor) -> str:
        written.append(actor.username)
        return "quick"

    quick_runner = Runner(quick_db, [Job("long", timedelta(hours=1), quick, lease=lease)])

    def slow(uow: UnitOfWork, actor: Actor) -> str:
        # While this run takes too long, its lease expires and another runner does the job.
        slow_db.clock.advance(lease + timedelta(seconds=1))  # type: ignore[attr-defined]
        assert [r.outcome for r in quick_runner.run_due()] == [JobOutcome.OK]
        return "slow"

    slow_runner = Runner(slow_db, [Job("long", timedelta(hours=1), slow, lease=lease)])
    assert [r.outcome for r in slow_runner.run_due()] == [JobOutcome.ABANDONED]
    assert written == ["job:long"]
    with quick_db.unit_of_work() as uow:
        (status,) = job_statuses(uow, Actor.system("tests"))
    assert (status.runs, status.last_message) == (1, "quick")
