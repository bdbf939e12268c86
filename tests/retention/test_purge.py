"""The purge: whole capture days past retention go from the live store, with their images and
hits, except what a legal hold keeps; the daily aggregates stay; each run is audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.retention import holds, purge
from plateward.retention import service as retention
from tests.conftest import NOW
from tests.retention.conftest import held, ingest, persona, read_row

OPERATOR = Actor.system("tests")


def _purge(db: Database) -> purge.PurgeReport:
    with db.unit_of_work() as uow:
        return purge.purge(uow, OPERATOR)


def _visible(db: Database) -> set[str]:
    with db.unit_of_work() as uow:
        return {v.id for v in reads.latest_reads(uow, persona(db, "admin"), limit=500)}


def test_reads_past_retention_are_purged_and_the_rest_stay(
    db: Database, clock: FrozenClock
) -> None:
    ingest(db, *(read_row(n, hours_ago=24 * 3) for n in range(5)))
    (recent,) = ingest(db, read_row(99, hours_ago=1))
    # 28 days on, the reads of three days ago are past the 30 days; today's are not.
    clock.advance(timedelta(days=28))

    report = _purge(db)

    assert report.reads == 5
    # (PostgreSQL also drops the empty partitions made ahead for days now past retention.)
    assert (NOW - timedelta(days=3)).date() in report.days
    assert max(report.days) < (NOW - timedelta(days=2)).date()
    assert _visible(db) == {recent}


def test_a_second_run_finds_nothing_more(db: Database, clock: FrozenClock) -> None:
    ingest(db, *(read_row(n, hours_ago=30) for n in range(3)))
    clock.advance(timedelta(days=31))
    assert _purge(db).reads == 3

    again = _purge(db)

    assert (again.reads, again.days) == (0, [])


def test_an_expired_read_is_invisible_before_the_purge_runs(
    db: Database, clock: FrozenClock
) -> None:
    (read_id,) = ingest(db, read_row(1, hours_ago=2))
    assert read_id in _visible(db)

    clock.advance(timedelta(days=30, hours=3))

    assert read_id not in _visible(db)


def test_a_shorter_retention_set_by_an_administrator_hides_reads_at_once(
    db: Database, clock: FrozenClock
) -> None:
    (read_id,) = ingest(db, read_row(1, hours_ago=24 * 10))
    assert read_id in _visible(db)
    with db.unit_of_work() as uow:
        retention.set_retention(uow, persona(db, "admin"), 7, "Minimization: seven days suffice")

    assert read_id not in _visible(db)


def test_the_aggregates_still_answer_after_the_purge(db: Database, clock: FrozenClock) -> None:
    ingest(db, *(read_row(n, hours_ago=30) for n in range(4)))
    ingest(db, *(read_row(n + 10, hours_ago=30, camera="SJ-FX-002") for n in range(2)))
    day = (NOW - timedelta(hours=30)).date()
    clock.advance(timedelta(days=31))
    _purge(db)

    with db.unit_of_work() as uow:
        counts = retention.aggregates(uow, persona(db, "dpo"), day, day)

    assert counts.reads == 6
    assert {t.camera: t.reads for t in counts.by_location} == {"SJ-FX-001": 4, "SJ-FX-002": 2}
    assert all(d.final for d in counts.days)


def test_held_reads_survive_the_purge_in_the_evidence_store(
    db: Database, clock: FrozenClock
) -> None:
    ids = ingest(db, *(read_row(n, hours_ago=30) for n in range(5)))
    hold_id = held(db, ids[:3])
    clock.advance(timedelta(days=31))

    assert _purge(db).reads == 5

    with db.unit_of_work() as uow:
        detail = holds.hold_detail(uow, persona(db, "investigator"), hold_id)
    assert {r.read_id for r in detail.reads} == set(ids[:3])


def test_images_of_purged_reads_are_deleted_and_held_ones_copied(
    db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    images = tmp_path / "images"
    images.mkdir()
    for n in range(2):
        (images / f"cam-{n}.jpg").write_bytes(b"\xff\xd8jpeg" + bytes([n]))
    db.settings = db.settings.with_overrides(image_dir=images)
    ids = ingest(db, *(read_row(n, hours_ago=30, image_ref=f"cam-{n}.jpg") for n in range(2)))
    hold_id = held(db, ids[:1])
    clock.advance(timedelta(days=31))

    report = _purge(db)

    assert report.images == 2
    assert list(images.iterdir()) == []
    with db.unit_of_work() as uow:
        kind, body = holds.held_image(uow, persona(db, "investigator"), hold_id, ids[0])
    assert (kind, body) == ("image/jpeg", b"\xff\xd8jpeg\x00")


def test_each_purge_is_audited_with_days_and_counts_and_no_plate(
    db: Database, clock: FrozenClock
) -> None:
    ingest(db, *(read_row(n, hours_ago=30) for n in range(2)))
    clock.advance(timedelta(days=31))
    _purge(db)

    with db.unit_of_work() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.RETENTION_PURGED)
        ).one()
    assert entry.details["reads"] == 2
    assert (NOW - timedelta(hours=30)).date().isoformat() in entry.details["days"]
    assert "7RT" not in str(entry.details) + str(entry.query_terms)
