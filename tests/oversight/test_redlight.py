"""Red-light review (DUP §2.4, §3.4): a device is enabled only with a notice sign within 200 feet;
its violations wait in a manual review queue; only a named reviewer who opened the evidence
cites; and no code path issues a citation by itself."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import plateward
from plateward.cameras import signage
from plateward.cameras.signage_rules import SignKind, SignSpec
from plateward.core.database import Database
from plateward.core.errors import Conflict, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.jobs_catalog import catalog
from plateward.oversight import redlight
from plateward.oversight.redlight_models import ViolationEvent
from tests.conftest import NOW, Backend, csrf_from, sign_in

INTERSECTION = (37.3364, -121.8901)  # Santa Clara St & 1st St


def _device(db: Database, operator: Actor, *, sign_metres: float | None = 30) -> None:
    with db.unit_of_work() as uow:
        redlight.register_device(
            uow,
            operator,
            "RL-001",
            "1st & Santa Clara",
            "N 1st St & E Santa Clara St",
            *INTERSECTION,
        )
    if sign_metres is not None:
        with db.unit_of_work() as uow:
            signage.add_sign(
                uow,
                operator,
                SignSpec(
                    SignKind.RED_LIGHT_NOTICE,
                    "Photo enforced: N 1st St",
                    INTERSECTION[0] + sign_metres / 111_195,
                    INTERSECTION[1],
                ),
            )


def _post(client: TestClient, token: str, plate: str = "7RED001") -> int:
    response = client.post(
        "/api/v1/traffic-violations",
        json={
            "device": "RL-001",
            "occurred_at": (NOW - timedelta(minutes=3)).isoformat(),
            "plate": plate,
            "plate_state": "CA",
            "evidence_ref": "rl-001/2026-11-24/0931-a.jpg",
            "red_for_seconds": 1.4,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    return int(response.json()["id"])


def test_a_device_without_a_notice_sign_within_200_feet_cannot_be_enabled(
    db: Database, operator: Actor
) -> None:
    _device(db, operator, sign_metres=90)  # a sign, but 90 m away

    with db.unit_of_work() as uow, pytest.raises(Conflict, match="200 feet"):
        redlight.enable_device(uow, operator, "RL-001")
    with db.unit_of_work() as uow:
        signage.add_sign(uow, operator, SignSpec(SignKind.RED_LIGHT_NOTICE, "Near", *INTERSECTION))
        assert redlight.enable_device(uow, operator, "RL-001").enabled


def test_a_violation_waits_for_a_named_reviewer_who_saw_the_evidence(
    client: TestClient, backend: Backend, db: Database, operator: Actor
) -> None:
    _device(db, operator)
    with db.unit_of_work() as uow:
        redlight.enable_device(uow, operator, "RL-001")
    event_id = _post(client, backend.ingest_token)
    sign_in(client, backend, "lieutenant")

    queue = client.get("/violations")
    page = client.get(f"/violations/{event_id}")
    cited = client.post(
        f"/violations/{event_id}/cite",
        data={
            "csrf_token": csrf_from(page.text),
            "citation_number": "SJ-26-4411",
            "note": "Front and rear images show the vehicle entering on red after 1.4 s",
        },
        follow_redirects=False,
    )

    assert "7RED001" in queue.text
    assert "rl-001/2026-11-24/0931-a.jpg" in page.text  # the evidence is shown
    assert cited.status_code == 303
    with db.unit_of_work() as uow:
        event = uow.session.get(ViolationEvent, event_id)
        assert event is not None
        assert (event.status, event.citation_number) == ("cited", "SJ-26-4411")
        assert event.reviewer_name == "Test Lieutenant"


def test_a_reviewer_who_has_not_opened_the_evidence_cannot_cite(
    client: TestClient, backend: Backend, db: Database, operator: Actor
) -> None:
    _device(db, operator)
    with db.unit_of_work() as uow:
        redlight.enable_device(uow, operator, "RL-001")
    event_id = _post(client, backend.ingest_token)
    sign_in(client, backend, "lieutenant")
    queue = client.get("/violations")

    blind = client.post(
        f"/violations/{event_id}/cite",
        data={"csrf_token": csrf_from(queue.text), "citation_number": "SJ-1", "note": "x"},
    )

    assert blind.status_code == 403
    assert "review its evidence" in blind.text


def test_nobody_but_a_person_can_cite_even_holding_the_permission(
    db: Database, operator: Actor
) -> None:
    _device(db, operator)
    with db.unit_of_work() as uow:
        redlight.enable_device(uow, operator, "RL-001")
        event_id = redlight.receive_violation(
            uow,
            operator,
            redlight.ViolationIn("RL-001", NOW, "7RED002", "CA", "rl-001/x.jpg", 0.8),
        )
    robot = Actor.worker("auto-cite", Permission.VIOLATIONS_REVIEW)

    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        redlight.open_violation(uow, robot, event_id)
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        redlight.cite(uow, robot, event_id, "SJ-26-9", "automatic")


def test_no_code_path_issues_a_citation_by_itself(
    client: TestClient, backend: Backend, db: Database, operator: Actor
) -> None:
    """Receiving a violation and running every background job leave it pending; and the only
    code in Plateward that sets a citation number is ``redlight.cite``, which the reviewer's own
    request reaches (its callers are the cite route alone)."""
    _device(db, operator)
    with db.unit_of_work() as uow:
        redlight.enable_device(uow, operator, "RL-001")
    _post(client, backend.ingest_token, "7RED003")
    for job in catalog(db.settings):
        with db.unit_of_work() as uow:
            job.body(uow, job.actor)
    with db.unit_of_work() as uow:
        statuses = list(uow.session.scalars(select(ViolationEvent.status)))
    assert statuses == ["pending"]

    package = Path(plateward.__file__).parent
    setters, callers = [], []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(
                    isinstance(t, ast.Attribute) and t.attr == "citation_number" for t in targets
                ):
                    setters.append(path.name)
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Attribute) and called.attr == "cite":
                callers.append(path.name)
    assert setters == ["redlight.py"]
    assert callers == ["redlight_pages.py"]


def test_the_demo_device_is_enabled_and_its_violations_wait_for_review(
    db: Database, operator: Actor
) -> None:
    from plateward.demo.sites import seed_red_light

    seed_red_light(db, operator)
    seed_red_light(db, operator)  # idempotent

    with db.unit_of_work() as uow:
        assert [d.enabled for d in redlight.list_devices(uow, operator)] == [True]
        statuses = list(uow.session.scalars(select(ViolationEvent.status)))
    assert statuses == ["pending", "pending"]


def test_evidence_is_read_only_from_inside_the_image_folder(tmp_path: Path) -> None:
    (tmp_path / "rl").mkdir()
    (tmp_path / "rl" / "a.jpg").write_bytes(b"\xff\xd8jpeg")
    (tmp_path.parent / "outside.jpg").write_bytes(b"\xff\xd8jpeg")

    assert redlight.stored_evidence(tmp_path, "rl/a.jpg") == tmp_path / "rl" / "a.jpg"
    assert redlight.stored_evidence(tmp_path, "../outside.jpg") is None
    assert redlight.stored_evidence(tmp_path, "rl/missing.jpg") is None
    assert redlight.stored_evidence(None, "rl/a.jpg") is None


def test_a_violation_without_a_stored_image_says_where_its_evidence_is(
    client: TestClient, backend: Backend, db: Database, operator: Actor
) -> None:
    _device(db, operator)
    with db.unit_of_work() as uow:
        redlight.enable_device(uow, operator, "RL-001")
    event_id = _post(client, backend.ingest_token)
    sign_in(client, backend, "lieutenant")

    page = client.get(f"/violations/{event_id}")
    image = client.get(f"/violations/{event_id}/evidence")

    assert "not stored on this server" in page.text
    assert image.status_code == 404
