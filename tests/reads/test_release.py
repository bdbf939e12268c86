"""Reads from an unknown camera wait in quarantine; registering the camera releases them through
ingest, except rows that still fail or have passed retention (invariant 4)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from plateward.cameras import service as cameras
from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.core.permissions import Actor, Role
from plateward.reads import release
from plateward.reads import service as reads
from plateward.reads.adapters import to_raw_rows
from plateward.reads.models import QuarantinedRow, Read
from plateward.reads.rules import RawRow, validate_row
from tests.cameras.conftest import ATTESTED, a_camera, entries, person
from tests.conftest import native_read


@pytest.fixture
def admin() -> Actor:
    return person(Role.ADMINISTRATOR)


@pytest.fixture
def officer() -> Actor:
    return person(Role.OFFICER)


def _push(db: Database, operator: Actor, *rows: dict[str, object]) -> None:
    with db.unit_of_work() as uow:
        reads.ingest(uow, operator, [RawRow.of(f"r{i}", r) for i, r in enumerate(rows)], "api")


def _quarantined(db: Database, camera: str) -> list[QuarantinedRow]:
    with db.unit_of_work() as uow:
        reason = release.unknown_camera_reason(camera)
        return list(
            uow.session.scalars(select(QuarantinedRow).where(QuarantinedRow.reason == reason))
        )


def _stored(db: Database, plate: str) -> int:
    with db.unit_of_work() as uow:
        return len(uow.session.scalars(select(Read).where(Read.plate == plate)).all())


def test_the_unknown_camera_reason_is_the_one_ingest_gives(db: Database) -> None:
    with db.unit_of_work() as uow:
        refs, policy = cameras.camera_refs(uow), release._policy(uow)

    rejection = validate_row(RawRow.of("0", native_read("NOBODY-1")), refs, policy)

    assert getattr(rejection, "reason", None) == release.unknown_camera_reason("NOBODY-1")


def test_unknown_cameras_are_listed_with_their_counts(
    db: Database, admin: Actor, operator: Actor
) -> None:
    _push(db, operator, *(native_read("NOBODY-1", plate=f"7UNK00{i}") for i in range(3)))
    _push(db, operator, native_read("NOBODY-2", plate="7UNK010"))

    with db.unit_of_work() as uow:
        listed = {u.name: u.rows for u in release.unknown_cameras(uow, admin)}

    assert listed["NOBODY-1"] == 3
    assert listed["NOBODY-2"] == 1


def test_register_and_release_stores_the_reads_and_they_leave_the_quarantine(
    db: Database, admin: Actor, operator: Actor
) -> None:
    _push(
        db,
        operator,
        native_read("NOBODY-1", plate="7REL001"),
        native_read("NOBODY-1", plate="7REL002"),
    )

    with db.unit_of_work() as uow:
        report = release.register_and_release(uow, admin, a_camera("NOBODY-1"), ATTESTED)

    assert (report.released, report.stored, report.still_failing) == (2, 2, 0)
    assert _stored(db, "7REL001") == _stored(db, "7REL002") == 1
    assert all(row.released_at is not None for row in _quarantined(db, "NOBODY-1"))
    with db.unit_of_work() as uow:
        assert "NOBODY-1" not in [u.name for u in release.unknown_cameras(uow, admin)]
    released = entries(db, "quarantine.released")[-1]
    assert released.actor_username == "administrator"
    assert released.result_count == 2
    ingested = entries(db, "reads.ingested")[-1].details
    assert (ingested["channel"], ingested["stored"]) == ("release", 2)


def test_a_camera_registered_under_the_vendors_id_releases_its_rows(
    db: Database, admin: Actor, operator: Actor
) -> None:
    _push(db, operator, native_read("flock 77", plate="7VEN001"))

    with db.unit_of_work() as uow:
        report = release.register_and_release(
            uow, admin, a_camera("FLOCK-77", vendor_ref="flock 77"), ATTESTED
        )

    assert report.stored == 1
    assert _stored(db, "7VEN001") == 1


def test_a_row_that_still_fails_stays_quarantined(
    db: Database, admin: Actor, operator: Actor
) -> None:
    _push(
        db,
        operator,
        native_read("NOBODY-1", plate="7OK0001"),
        native_read("NOBODY-1", plate="7OLD001", minutes_ago=60 * 24 * 400),
    )

    with db.unit_of_work() as uow:
        report = release.register_and_release(uow, admin, a_camera("NOBODY-1"), ATTESTED)

    assert (report.released, report.still_failing) == (1, 1)
    waiting = [r for r in _quarantined(db, "NOBODY-1") if r.released_at is None]
    assert len(waiting) == 1
    assert "7OLD001" in waiting[0].raw
    assert _stored(db, "7OLD001") == 0


def test_a_row_past_retention_is_neither_listed_nor_released(
    db: Database, admin: Actor, operator: Actor
) -> None:
    _push(db, operator, native_read("NOBODY-1", plate="7EXP001"))
    db.clock.advance(timedelta(days=db.settings.retention_days, minutes=1))  # type: ignore[attr-defined]

    with db.unit_of_work() as uow:
        assert release.unknown_cameras(uow, admin) == []
        report = release.register_and_release(uow, admin, a_camera("NOBODY-1"), ATTESTED)

    assert report.released == 0
    assert _stored(db, "7EXP001") == 0


def test_a_csv_line_cannot_be_read_again_and_stays(
    db: Database, admin: Actor, operator: Actor
) -> None:
    data = native_read("NOBODY-1", plate="7CSV001")
    row = RawRow("line 2", data, "NOBODY-1,2026-11-24T17:55:00+00:00,7CSV001,CA")
    with db.unit_of_work() as uow:
        reads.ingest(uow, operator, [row], "file")

    with db.unit_of_work() as uow:
        report = release.register_and_release(uow, admin, a_camera("NOBODY-1"), ATTESTED)

    assert (report.released, report.unreadable) == (0, 1)


def test_an_officer_cannot_see_unknown_cameras_or_release(
    db: Database, admin: Actor, officer: Actor
) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera("NOBODY-1"))
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        release.unknown_cameras(uow, officer)
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        release.release_camera(uow, officer, "NOBODY-1")


def test_a_vendor_payload_kept_in_quarantine_is_read_again_on_release(
    db: Database, admin: Actor, operator: Actor
) -> None:
    payload = json.loads(
        (Path(__file__).parent / "samples" / "openalpr_alpr_group.json").read_text()
    )
    payload["camera_id"] = 99887766
    with db.unit_of_work() as uow:
        reads.ingest(uow, operator, to_raw_rows(payload), "api")
    assert len(_quarantined(db, "99887766")) == 1

    with db.unit_of_work() as uow:
        spec = a_camera("OPENALPR-1", vendor_ref="99887766")
        report = release.register_and_release(uow, admin, spec, ATTESTED)

    assert (report.released, report.stored, report.unreadable) == (1, 1, 0)
    assert _stored(db, payload["best_plate_number"]) == 1
