"""`plateward serve` runs the jobs in a background thread that stops with the server."""

from __future__ import annotations

import threading
from datetime import timedelta

from plateward.core.database import UnitOfWork
from plateward.core.jobs import Job, JobThread, Runner
from plateward.core.permissions import Actor
from tests.core.conftest import OpenDatabase


def test_the_server_thread_runs_due_jobs_until_it_is_stopped(
    store: tuple[str, OpenDatabase],
) -> None:
    _, open_database = store
    ran = threading.Event()

    def body(_uow: UnitOfWork, _actor: Actor) -> str:
        ran.set()
        return "ran"

    thread = JobThread(Runner(open_database(), [Job("tick", timedelta(minutes=1), body)]), 0.1)
    thread.start()
    assert thread.running
    try:
        assert ran.wait(60), "the job thread never ran the due job"
    finally:
        thread.stop()
    assert not thread.running
