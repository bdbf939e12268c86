"""Administrators register cameras; each registration is audited; bad descriptions are refused."""

from __future__ import annotations

import pytest

from plateward.cameras import service as cameras
from plateward.core.database import Database
from plateward.core.errors import Conflict, InvalidInput, PermissionDenied
from plateward.core.permissions import Actor
from plateward.demo import city
from tests.cameras.conftest import ATTESTED, a_camera, entries


def test_an_administrator_registers_a_camera_and_it_is_audited(db: Database, admin: Actor) -> None:
    with db.unit_of_work() as uow:
        view = cameras.add_camera(uow, admin, a_camera(), ATTESTED)

    assert view.code == "NEW-CAM-1"
    assert view.status == "active"
    assert view.agency_ori == city.HOME_AGENCY_ORI  # no ORI given: the home agency
    with db.unit_of_work() as uow:
        assert "NEW-CAM-1" in [c.code for c in cameras.list_cameras(uow, admin)]
    [entry] = entries(db, "camera.registered")[-1:]
    assert entry.details["camera"] == "NEW-CAM-1"
    assert entry.actor_username == "administrator"


def test_an_officer_cannot_register_a_camera_and_the_refusal_is_audited(
    db: Database, officer: Actor
) -> None:
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        cameras.add_camera(uow, officer, a_camera(), ATTESTED)

    refusal = entries(db, "access.refused")[-1]
    assert refusal.details["permission"] == "cameras:manage"
    with db.unit_of_work() as uow:
        assert "NEW-CAM-1" not in cameras.camera_refs(uow)


def test_a_code_already_registered_is_a_conflict(db: Database, admin: Actor) -> None:
    existing = city.CAMERAS[0].code
    with db.unit_of_work() as uow, pytest.raises(Conflict):
        cameras.add_camera(uow, admin, a_camera(existing), ATTESTED)


def test_a_vendor_id_may_not_name_two_cameras(db: Database, admin: Actor) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera("CAM-A", vendor_ref="flock-77"), ATTESTED)
    with db.unit_of_work() as uow, pytest.raises(Conflict):
        cameras.add_camera(uow, admin, a_camera("CAM-B", vendor_ref="flock-77"), ATTESTED)
    with db.unit_of_work() as uow, pytest.raises(Conflict):
        cameras.add_camera(uow, admin, a_camera("flock-77"), ATTESTED)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "has space"}, "camera code"),
        ({"kind": "drone"}, "kind"),
        ({"latitude": None, "longitude": None}, "latitude and longitude"),
        ({"latitude": 91.0}, "latitude must be"),
        ({"heading": 360}, "heading"),
        ({"name": "  "}, "needs a name"),
        ({"expected_interval_minutes": 0}, "expected interval"),
        ({"agency_ori": "NOPE00000"}, "no agency"),
    ],
)
def test_a_camera_that_cannot_be_right_is_refused_with_the_reason(
    db: Database, admin: Actor, changes: dict[str, object], message: str
) -> None:
    with db.unit_of_work() as uow, pytest.raises(InvalidInput, match=message):
        cameras.add_camera(uow, admin, a_camera(**changes), ATTESTED)


def test_a_mobile_camera_needs_no_position(db: Database, admin: Actor) -> None:
    spec = a_camera("MB-9", kind="mobile", latitude=None, longitude=None, heading=None)
    with db.unit_of_work() as uow:
        assert cameras.add_camera(uow, admin, spec, ATTESTED).kind == "mobile"
