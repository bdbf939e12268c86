"""A person of any role and unit, created and signed in through the form (oversight tests)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient

from plateward.accounts import service as people
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import PASSWORD, accept_statement, post_login


def sign_in_new(client: TestClient, db: Database, username: str, role: str, unit: str) -> None:
    operator = Actor.system("tests")
    with db.unit_of_work() as uow:
        spec = people.PersonSpec(
            username, f"Test {username}", role, unit, "CA0431300", PASSWORD, "4343"
        )
        person = people.create_person(uow, operator, spec, pre_enrolled=True)
        today = uow.now().date()
        people.record_training(uow, operator, person.id, "ALPR", today, today + timedelta(days=365))
        uow.commit()
    db.clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    code = pyotp.TOTP(person.totp_secret or "").at(db.clock.now())
    assert post_login(client, username, code=code).status_code == 303
    accept_statement(client)
