"""Retiring a camera stops its reads (they are quarantined); reactivating accepts them again."""

from __future__ import annotations

import pytest

from plateward.cameras import service as cameras
from plateward.core.database import Database
from plateward.core.errors import Conflict, InvalidInput, PermissionDenied
from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from tests.cameras.conftest import ATTESTED, a_camera, entries
from tests.conftest import native_read


def _push(db: Database, operator: Actor, code: str, plate: str) -> reads.IngestReport:
    with db.unit_of_work() as uow:
        return reads.ingest(uow, operator, [RawRow.of("0", native_read(code, plate=plate))], "api")


def test_a_retired_cameras_reads_are_quarantined_until_it_is_reactivated(
    db: Database, admin: Actor, operator: Actor
) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
        cameras.retire_camera(uow, admin, "NEW-CAM-1", "pole knocked down")

    refused = _push(db, operator, "NEW-CAM-1", "7RET001")
    assert refused.stored == 0
    assert refused.rejected[0].reason == "camera 'NEW-CAM-1' is not active"

    with db.unit_of_work() as uow:
        assert cameras.reactivate_camera(uow, admin, "NEW-CAM-1").status == "active"
    assert _push(db, operator, "NEW-CAM-1", "7RET002").stored == 1

    retired = entries(db, "camera.retired")[-1].details
    assert retired == {
        "camera": "NEW-CAM-1",
        "previous_status": "active",
        "reason": "pole knocked down",
    }
    assert entries(db, "camera.reactivated")[-1].details["camera"] == "NEW-CAM-1"


def test_retiring_needs_a_reason(db: Database, admin: Actor) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    with db.unit_of_work() as uow, pytest.raises(InvalidInput, match="why"):
        cameras.retire_camera(uow, admin, "NEW-CAM-1", " ")


def test_reactivating_an_active_camera_is_a_conflict(db: Database, admin: Actor) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    with db.unit_of_work() as uow, pytest.raises(Conflict, match="already active"):
        cameras.reactivate_camera(uow, admin, "NEW-CAM-1")


def test_an_officer_cannot_retire_a_camera(db: Database, admin: Actor, officer: Actor) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        cameras.retire_camera(uow, officer, "NEW-CAM-1", "no reason")
    with db.unit_of_work() as uow:
        assert cameras.camera(uow, admin, "NEW-CAM-1").status == "active"
