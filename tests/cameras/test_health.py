"""Each camera's last read is known, and a camera silent too long is flagged and reported once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from plateward.cameras import service as cameras
from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from tests.cameras.conftest import ATTESTED, a_camera, entries
from tests.conftest import NOW, native_read


def _reads(db: Database, operator: Actor, code: str, minutes_ago: list[int]) -> None:
    rows = [
        RawRow.of(str(i), native_read(code, minutes_ago=m, plate=f"7HLT{i:03d}"))
        for i, m in enumerate(minutes_ago)
    ]
    with db.unit_of_work() as uow:
        reads.ingest(uow, operator, rows, "api")


def _health(db: Database, admin: Actor, code: str) -> cameras.CameraHealthView:
    with db.unit_of_work() as uow:
        return next(v for v in cameras.camera_health(uow, admin) if v.camera.code == code)


def test_the_last_read_of_each_camera_is_shown(db: Database, admin: Actor, operator: Actor) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    _reads(db, operator, "NEW-CAM-1", [30, 7, 12])

    assert _health(db, admin, "NEW-CAM-1").last_read_at == NOW - timedelta(minutes=7)


def test_a_camera_silent_past_its_interval_is_flagged(
    db: Database, admin: Actor, operator: Actor
) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera("QUIET", expected_interval_minutes=20), ATTESTED)
        cameras.add_camera(uow, admin, a_camera("BUSY", expected_interval_minutes=20), ATTESTED)
    _reads(db, operator, "QUIET", [45])
    _reads(db, operator, "BUSY", [5])

    assert _health(db, admin, "QUIET").health.flagged
    assert not _health(db, admin, "BUSY").health.flagged
    with db.unit_of_work() as uow:
        silent = cameras.silent_cameras(uow, admin)
    assert "QUIET" in silent
    assert "BUSY" not in silent


def test_the_interval_is_learned_from_the_cameras_traffic(
    db: Database, admin: Actor, operator: Actor
) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    # A read every 20 minutes for ten hours, then 40 minutes of silence.
    _reads(db, operator, "NEW-CAM-1", list(range(40, 640, 20)))

    view = _health(db, admin, "NEW-CAM-1")

    assert view.health.expected == timedelta(minutes=30)  # the usual 20 minutes x 1.5
    assert view.health.flagged


def test_the_health_job_reports_a_silence_once_and_again_after_recovery(
    db: Database, admin: Actor, operator: Actor
) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera("QUIET", expected_interval_minutes=20), ATTESTED)
    _reads(db, operator, "QUIET", [45])

    with db.unit_of_work() as uow:
        first = cameras.camera_health_job(uow)
    with db.unit_of_work() as uow:
        second = cameras.camera_health_job(uow)

    assert first is not None
    assert "QUIET" in first
    assert second is None or "QUIET" not in second
    reported = [e.details for e in entries(db, "camera.silent")]
    assert [d["camera"] for d in reported].count("QUIET") == 1
    assert "plate" not in json.dumps(reported)

    _reads(db, operator, "QUIET", [1])
    with db.unit_of_work() as uow:
        cameras.camera_health_job(uow)  # it reads again: the mark is cleared
    db.clock.advance(timedelta(minutes=30))  # type: ignore[attr-defined]
    with db.unit_of_work() as uow:
        again = cameras.camera_health_job(uow)
    assert again is not None
    assert "QUIET" in again


def test_only_administrators_see_camera_health(db: Database, officer: Actor) -> None:
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        cameras.camera_health(uow, officer)
