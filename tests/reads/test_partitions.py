"""PostgreSQL day partitions: made ahead by the maintenance job, never inside an ingest.

``CREATE TABLE … PARTITION OF`` inside the ingest transaction would hold ACCESS EXCLUSIVE on
``reads`` until the batch commits, blocking every search and writer. Ingest finds its partitions
ready; when one is missing it is attached on a connection of its own, before the COPY.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from plateward.reads.storage import partition_name
from tests.conftest import native_read

# What an ingest may hold on ``reads`` until it commits: reading the catalog and writing rows.
HARMLESS = {"AccessShareLock", "RowExclusiveLock"}


@pytest.fixture
def pg(db: Database) -> Database:
    if db.dialect != "postgresql":
        pytest.skip("partitions are a PostgreSQL feature")
    return db


def _partitions(db: Database) -> set[str]:
    return set(
        db.engine.execute(  # type: ignore[union-attr]
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'reads'::regclass"
            )
        ).scalars()
    )


def _locks_held_on_reads(db: Database) -> set[str]:
    """The locks this test's transaction (which every ingest joins) still holds on ``reads``."""
    return set(
        db.engine.execute(  # type: ignore[union-attr]
            text(
                "SELECT mode FROM pg_locks "
                "WHERE pid = pg_backend_pid() AND relation = 'reads'::regclass"
            )
        ).scalars()
    )


def _ingest(db: Database, plate: str) -> reads.IngestReport:
    captured = (db.clock.now() - timedelta(minutes=5)).isoformat()
    read = native_read(plate=plate, captured_at=captured)
    with db.unit_of_work() as uow:
        return reads.ingest(uow, Actor.system("tests"), [RawRow.of("row 1", read)], "api")


def test_ingest_into_an_existing_partition_issues_no_ddl(pg: Database) -> None:
    before = _partitions(pg)

    report = _ingest(pg, "7PRT001")

    assert report.stored == 1
    assert _partitions(pg) == before
    assert _locks_held_on_reads(pg) <= HARMLESS


def test_a_missing_partition_is_created_apart_from_the_ingest(
    pg: Database, clock: FrozenClock
) -> None:
    # This transaction now writes reads, as a concurrent ingest would: attaching must not wait.
    assert _ingest(pg, "7PRT003").stored == 1
    # A day no maintenance run has reached: its partition does not exist yet.
    clock.advance(timedelta(days=400))
    day = partition_name(clock.now().date())
    assert day not in _partitions(pg)

    report = _ingest(pg, "7PRT002")

    assert report.stored == 1
    assert day in _partitions(pg)
    # Created and committed on another connection: the ingest holds no DDL lock on reads.
    assert _locks_held_on_reads(pg) <= HARMLESS
    with pg.unit_of_work() as uow:
        assert reads.count_reads(uow, Actor.system("tests")) == 1


def test_preparing_partitions_twice_creates_nothing_the_second_time(pg: Database) -> None:
    with pg.unit_of_work() as uow:
        reads.prepare_partitions(uow)
        assert reads.prepare_partitions(uow) == []
        uow.commit()
    ahead = (pg.clock.now() + timedelta(days=pg.settings.partitions_ahead_days)).date()
    assert partition_name(ahead) in _partitions(pg)
