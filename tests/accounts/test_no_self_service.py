"""Issue 19, DUP §4.1, §12, §13: nobody grants themselves anything. A person never records their
own training, changes their own classes, or suspends or re-enables their own account; the service
refuses, and the refusal is in the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import TrainingRecord, User
from plateward.core.audit import AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.core.permissions import Actor
from tests.conftest import PASSWORD, Backend, accept_statement, csrf_from, post_login, totp_code


def _actor(db: Database, username: str) -> Actor:
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return people.actor_for(uow, user, acknowledged_version="2026.1")


def _refusals(db: Database, username: str) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "access.refused")
                .where(AuditEntry.actor_username == username)
                .order_by(AuditEntry.seq)
            )
        )


def _second_admin(db: Database, operator: Actor) -> Actor:
    with db.unit_of_work() as uow:
        spec = people.PersonSpec(
            "admin2", "Second Admin", "administrator", "Technology Services Unit", "CA0431300",
            PASSWORD,
        )  # fmt: skip
        people.create_person(uow, operator, spec, pre_enrolled=True)
    return _actor(db, "admin2")


def test_an_administrator_without_current_training_cannot_record_their_own_training(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    # The personas' training expires NOW + 355 days; a day later the administrator's has lapsed.
    clock.advance(timedelta(days=356))
    assert post_login(
        client, "admin", code=totp_code(backend, "admin", clock.now())
    ).status_code == 303  # fmt: skip
    accept_statement(client)
    admin_id = _actor(db, "admin").id
    page = client.get(f"/admin/people/{admin_id}")
    assert page.status_code == 200
    # The page says so instead of offering the form; the service refuses a forged post anyway.
    assert 'id="training-refused"' in page.text and 'id="training-form"' not in page.text

    refused = client.post(
        f"/admin/people/{admin_id}/training",
        data={
            "csrf_token": csrf_from(page.text),
            "course": "SJPD ALPR user training",
            "completed_on": clock.now().date().isoformat(),
            "expires_on": (clock.now().date() + timedelta(days=365)).isoformat(),
        },
        follow_redirects=False,
    )

    assert refused.status_code == 403
    assert "You cannot record your own training" in refused.text
    assert client.get("/reads").status_code == 403  # still no data
    with db.unit_of_work() as uow:
        recorded = uow.session.scalars(
            select(TrainingRecord.recorded_by).where(TrainingRecord.user_id == admin_id)
        ).all()
    assert "admin" not in recorded
    entry = next(
        e for e in _refusals(db, "admin") if f"person:{admin_id}:training" in canonical(e.details)
    )
    assert entry.outcome == "denied"
    assert "own training" in (entry.reason or "")


def test_an_administrator_cannot_grant_themselves_a_class(db: Database, operator: Actor) -> None:
    admin = _actor(db, "admin")
    with db.unit_of_work() as uow:
        watch = people.create_class(uow, admin, "Watch", "", ["reads:monitor"], None)

    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="own classes"):
        people.set_classes(uow, admin, admin.id or 0, [watch.id])

    with db.unit_of_work() as uow:
        assert people.person(uow, operator, admin.id or 0).classes == ()
    assert f"person:{admin.id}:classes" in canonical(_refusals(db, "admin")[-1].details)


def test_an_administrator_cannot_suspend_their_own_account(db: Database, operator: Actor) -> None:
    # Moved here from the service's inline check ("you cannot suspend your own account").
    admin = _actor(db, "admin")

    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="suspend or re-enable"):
        people.set_status(uow, admin, admin.id or 0, "suspended", "leaving")

    with db.unit_of_work() as uow:
        assert people.person(uow, operator, admin.id or 0).status == "active"
    assert f"person:{admin.id}:status" in canonical(_refusals(db, "admin")[-1].details)


def test_a_suspended_administrator_cannot_reenable_their_own_account(
    db: Database, operator: Actor
) -> None:
    admin = _actor(db, "admin")  # an identity taken before the suspension (a script, a CLI)
    with db.unit_of_work() as uow:
        people.set_status(uow, operator, admin.id or 0, "suspended", "IA review")

    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="re-enable"):
        people.set_status(uow, admin, admin.id or 0, "active", "I am back")

    with db.unit_of_work() as uow:
        assert people.person(uow, operator, admin.id or 0).status == "suspended"
    assert f"person:{admin.id}:status" in canonical(_refusals(db, "admin")[-1].details)


def test_another_administrator_makes_each_change(db: Database, operator: Actor) -> None:
    admin, other = _actor(db, "admin"), _second_admin(db, operator)
    target = admin.id or 0
    today = db.clock.now().date()
    with db.unit_of_work() as uow:
        watch = people.create_class(uow, other, "Watch", "", ["reads:monitor"], None)
        people.record_training(uow, other, target, "ALPR", today, today + timedelta(days=30))
        people.set_classes(uow, other, target, [watch.id])
        people.set_status(uow, other, target, "suspended", "review")
        people.set_status(uow, other, target, "active", "review closed")

    with db.unit_of_work() as uow:
        view = people.person(uow, operator, target)
    assert view.classes == ("Watch",) and view.status == "active"
    assert _refusals(db, "admin2") == []
