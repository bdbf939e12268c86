"""Backups that can forget (DUP §7: purged "from all active and backup systems"): a backup restored
after the purge yields no expired read, while the reads a legal hold keeps stay recoverable until
the hold is released."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete

from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.retention import backup, holds, purge
from plateward.retention.models import HeldRead
from tests.conftest import NOW
from tests.retention.conftest import held, ingest, persona, read_row

OPERATOR = Actor.system("tests")
DAY = (NOW - timedelta(hours=30)).date()


def _create(db: Database, path: Path) -> backup.BackupReport:
    with db.unit_of_work() as uow:
        return backup.create_backup(uow, OPERATOR, path)


def _restore(db: Database, path: Path) -> backup.RestoreReport:
    with db.unit_of_work() as uow:
        return backup.restore_backup(uow, OPERATOR, path)


def _stored_days(db: Database) -> set[object]:
    with db.unit_of_work() as uow:
        return {d for d in reads.capture_days_before(uow, NOW + timedelta(days=60)) if d == DAY}


def _held_ids(db: Database, hold_id: int) -> set[str]:
    with db.unit_of_work() as uow:
        return {
            r.read_id for r in holds.hold_detail(uow, persona(db, "investigator"), hold_id).reads
        }


def _lose_the_evidence_store(db: Database, hold_id: int) -> None:
    """A disaster: the evidence store's rows are lost; only the backup has them."""
    with db.unit_of_work() as uow:
        uow.session.execute(delete(HeldRead).where(HeldRead.hold_id == hold_id))
        uow.commit()


def test_a_backup_holds_no_plate_in_the_clear(db: Database, tmp_path: Path) -> None:
    ingest(db, *(read_row(n, hours_ago=30) for n in range(3)))
    path = tmp_path / "plateward.backup"

    report = _create(db, path)

    assert report.reads >= 3
    assert b"7RT0001" not in path.read_bytes()
    assert path.stat().st_mode & 0o077 == 0


def test_a_backup_restores_reads_lost_while_their_key_lives(db: Database, tmp_path: Path) -> None:
    ids = ingest(db, *(read_row(n, hours_ago=30) for n in range(3)))
    path = tmp_path / "plateward.backup"
    _create(db, path)
    with db.unit_of_work() as uow:  # the live day is lost (its key is not destroyed)
        reads.purge_day(uow, DAY)
        uow.commit()
    assert _stored_days(db) == set()

    report = _restore(db, path)

    assert report.reads_restored == 3
    assert DAY.isoformat() in report.days_restored
    with db.unit_of_work() as uow:
        found = reads.reads_by_id(uow, persona(db, "admin"), [uuid.UUID(i) for i in ids])
    assert set(found) == set(ids)


def test_after_the_purge_a_restored_backup_yields_no_expired_read_but_the_held_ones(
    db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    ids = ingest(db, *(read_row(n, hours_ago=30) for n in range(5)))
    hold_id = held(db, ids[:3])
    path = tmp_path / "plateward.backup"
    _create(db, path)
    clock.advance(timedelta(days=31))
    with db.unit_of_work() as uow:
        purge.purge(uow, OPERATOR)
    _lose_the_evidence_store(db, hold_id)

    report = _restore(db, path)

    # The day's key was destroyed by the purge: nothing of the day comes back, not even sealed.
    assert DAY.isoformat() in report.days_forgotten
    assert DAY.isoformat() not in report.days_restored
    assert _stored_days(db) == set()
    # The hold's key lives: its three reads come back into the evidence store.
    assert report.held_reads_restored == 3
    assert _held_ids(db, hold_id) == set(ids[:3])


def test_once_a_hold_is_released_no_backup_brings_its_reads_back(
    db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    ids = ingest(db, *(read_row(n, hours_ago=30) for n in range(3)))
    hold_id = held(db, ids[:2])
    path = tmp_path / "plateward.backup"
    _create(db, path)
    clock.advance(timedelta(days=31))
    with db.unit_of_work() as uow:
        purge.purge(uow, OPERATOR)
    with db.unit_of_work() as uow:
        holds.release_hold(uow, persona(db, "lieutenant"), hold_id)

    report = _restore(db, path)

    assert str(hold_id) in report.holds_forgotten
    assert report.held_reads_restored == 0
    assert _held_ids(db, hold_id) == set()


def test_a_file_that_is_not_a_backup_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "not.backup"
    path.write_text("hello\n")

    with pytest.raises(InvalidInput):
        _restore(db, path)
