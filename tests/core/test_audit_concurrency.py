"""Concurrent writers on PostgreSQL still build one linear, verifiable chain."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.clock import SystemClock
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import PG_URL, make_settings


def test_concurrent_appends_form_one_chain(fresh_postgresql: Engine, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, PG_URL)
    db = Database(
        fresh_postgresql,
        settings,
        SystemClock(),
        sessionmaker(fresh_postgresql, expire_on_commit=False),
    )
    writers, per_writer = 4, 40
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            actor = Actor.system(f"writer-{n}")
            for i in range(per_writer):
                with db.unit_of_work() as uow:
                    audit.record(
                        uow, actor, AuditEvent(AuditAction.READS_MONITORED, query_terms={"i": i})
                    )
                    if i % 3 == 0:  # some transactions carry two entries
                        audit.record(uow, actor, AuditEvent(AuditAction.QUARANTINE_VIEWED))
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.unit_of_work() as uow:
        status = audit.verify_chain(uow.session)
    expected = writers * (per_writer + len(range(0, per_writer, 3)))
    assert status.ok, status
    assert status.entries == expected
