"""Administrators edit a camera's details; the code and the status are not edited this way."""

from __future__ import annotations

import pytest

from plateward.cameras import service as cameras
from plateward.core.database import Database
from plateward.core.errors import InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor
from tests.cameras.conftest import ATTESTED, a_camera, entries, person


def test_an_edit_changes_the_fields_given_and_records_their_names(
    db: Database, admin: Actor
) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    with db.unit_of_work() as uow:
        view = cameras.edit_camera(
            uow,
            admin,
            "NEW-CAM-1",
            {"name": "Story & King, south", "expected_interval_minutes": 30},
        )

    assert view.name == "Story & King, south"
    assert view.expected_interval_minutes == 30
    assert view.location == "Story Rd & S King Rd"
    details = entries(db, "camera.updated")[-1].details
    assert details == {"camera": "NEW-CAM-1", "changed": ["name", "expected_interval_minutes"]}


@pytest.mark.parametrize("field", ["code", "status", "colour"])
def test_the_code_and_status_cannot_be_edited(db: Database, admin: Actor, field: str) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    with db.unit_of_work() as uow, pytest.raises(InvalidInput, match=f"cannot change {field}"):
        cameras.edit_camera(uow, admin, "NEW-CAM-1", {field: "x"})


def test_an_edit_that_breaks_a_rule_changes_nothing(db: Database, admin: Actor) -> None:
    with db.unit_of_work() as uow:
        cameras.add_camera(uow, admin, a_camera(), ATTESTED)
    with db.unit_of_work() as uow, pytest.raises(InvalidInput):
        cameras.edit_camera(uow, admin, "NEW-CAM-1", {"heading": 400})
    with db.unit_of_work() as uow:
        assert cameras.camera(uow, admin, "NEW-CAM-1").heading == 0


def test_an_unknown_camera_is_not_found(db: Database, admin: Actor) -> None:
    with db.unit_of_work() as uow, pytest.raises(NotFound):
        cameras.edit_camera(uow, admin, "NO-SUCH", {"name": "x"})


def test_a_class_limited_to_other_cameras_cannot_edit_this_one(db: Database) -> None:
    from plateward.core.permissions import Role

    with db.unit_of_work() as uow:
        cameras.add_camera(uow, person(Role.ADMINISTRATOR), a_camera(), ATTESTED)
    scoped = person(Role.ADMINISTRATOR, camera_scope=frozenset({"OTHER"}))
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="outside"):
        cameras.edit_camera(uow, scoped, "NEW-CAM-1", {"name": "x"})
    refusal = entries(db, "access.refused")[-1].details
    assert refusal["resource"] == "camera:NEW-CAM-1"
