"""DUP §7: a purged read is "purged entirely": gone from the database's files, not only from its
queries. These databases commit for real (the rolled-back test transactions of the other tests
could not show what is on disk)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import sessionmaker

from plateward.core.audit import AuditAction
from plateward.core.audit_models import AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database, make_engine
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor
from plateward.demo.build import _register_places
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from plateward.retention import backup, purge
from tests.conftest import NOW, make_settings
from tests.retention.conftest import ingest, read_row

OPERATOR = Actor.system("tests")
PLATE = "9ZQX417"  # no other row of these databases holds it


def _database(engine: Engine, data_dir: Path) -> tuple[Database, FrozenClock]:
    url = engine.url.render_as_string(hide_password=False)
    clock = FrozenClock(NOW)
    db = Database(
        engine, make_settings(data_dir, url), clock, sessionmaker(engine, expire_on_commit=False)
    )
    _register_places(db, OPERATOR)
    return db, clock


def _expire_and_purge(db: Database, clock: FrozenClock) -> purge.PurgeReport:
    clock.advance(timedelta(days=31))
    with db.unit_of_work() as uow:
        return purge.purge(uow, OPERATOR)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "plateward.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine, path
    engine.dispose()


def _on_disk(path: Path) -> bytes:
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_sqlite_keeps_no_byte_of_a_purged_read(
    sqlite_file: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = sqlite_file
    db, clock = _database(engine, tmp_path)
    ingest(db, read_row(1, hours_ago=30, plate=PLATE), read_row(2, hours_ago=30))
    assert PLATE.encode() in _on_disk(path)  # the check below can see a plate where there is one

    report = _expire_and_purge(db, clock)

    assert report.reads == 2
    assert report.rewritten == ["write-ahead log"]
    assert PLATE.encode() not in _on_disk(path)
    assert b"7RT0002" not in _on_disk(path)


def _file_nodes(engine: Engine, tables: list[str]) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f"SELECT pg_relation_filenode('{table}')")).scalar_one())
            for table in tables
        }


def test_postgresql_rewrites_the_tables_it_deleted_rows_from(
    fresh_postgresql: Engine, tmp_path: Path
) -> None:
    """The reads leave with their partition's files; rows deleted one by one (here the day's
    backup key and a quarantined row) leave with the old files of their tables, rewritten without
    them (a VACUUM would leave their bytes in the pages: tests/retention/test_purge_bench.py).
    Tables nothing was deleted from are left alone."""
    db, clock = _database(fresh_postgresql, tmp_path)
    ingest(db, read_row(1, hours_ago=30, plate=PLATE))
    with db.unit_of_work() as uow:
        bad = RawRow.of("row 0", {**read_row(2, hours_ago=30), "plate": "!!"})
        assert reads.ingest(uow, OPERATOR, [bad], "api").rejected
        backup.create_backup(uow, OPERATOR, tmp_path / "day.backup")  # the day's key is made
    before = _file_nodes(fresh_postgresql, list(purge.ERASABLE_TABLES))

    report = _expire_and_purge(db, clock)

    assert (report.reads, report.quarantined, report.keys_destroyed) == (1, 1, 1)
    assert report.rewritten == ["quarantined_rows", "data_keys"]
    assert report.rewrite_deferred == []
    after = _file_nodes(fresh_postgresql, list(purge.ERASABLE_TABLES))
    changed = [table for table in purge.ERASABLE_TABLES if after[table] != before[table]]
    assert changed == ["quarantined_rows", "data_keys"]


def test_only_the_tables_rows_were_deleted_from_are_rewritten() -> None:
    report = purge.PurgeReport(NOW, 30, hits=2, keys_destroyed=1)

    assert purge._deleted_from(report, holds_ended=False) == [
        "hotlist_hits",
        "alert_steps",
        "data_keys",
    ]
    assert purge._deleted_from(purge.PurgeReport(NOW, 30), holds_ended=True) == ["held_reads"]
    assert purge._deleted_from(purge.PurgeReport(NOW, 30), holds_ended=False) == []
    assert purge._deleted_from(purge.PurgeReport(NOW, 30), False, ["data_keys"]) == ["data_keys"]
    assert set(purge._deleted_from(report, holds_ended=True)) <= set(purge.ERASABLE_TABLES)


def test_a_rewrite_that_gives_way_is_audited_and_made_by_the_next_run(
    fresh_postgresql: Engine, tmp_path: Path
) -> None:
    """Someone holds the quarantine table (an open transaction that wrote to it): the rewrite
    waits its lock timeout, gives way three times, and says so; the next run, with nothing new
    to purge, makes it."""
    db, clock = _database(fresh_postgresql, tmp_path)
    with db.unit_of_work() as uow:
        bad = RawRow.of("row 0", {**read_row(2, hours_ago=30), "plate": "!!"})
        assert reads.ingest(uow, OPERATOR, [bad], "api").rejected
    with fresh_postgresql.connect() as holder:
        holder.execute(text("LOCK TABLE quarantined_rows IN ROW EXCLUSIVE MODE"))

        first = _expire_and_purge(db, clock)

        holder.rollback()
    assert first.quarantined == 1
    assert (first.rewritten, first.rewrite_deferred) == ([], ["quarantined_rows"])
    assert "not yet erased from the files: quarantined_rows" in first.summary
    with db.unit_of_work() as uow:
        entry = uow.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == AuditAction.RETENTION_PURGED.value)
            .order_by(AuditEntry.seq.desc())
        ).first()
        assert entry is not None and entry.details["rewrite_deferred"] == ["quarantined_rows"]

    with db.unit_of_work() as uow:
        second = purge.purge(uow, OPERATOR)

    assert (second.quarantined, second.rewritten, second.rewrite_deferred) == (
        0,
        ["quarantined_rows"],
        [],
    )
