"""What the search tests share: reads pushed through the API, a stated purpose, a search call,
a second browser for a second person, and the audit entries a test looks for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.core.audit import AuditEntry
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import NOW, PASSWORD, accept_statement, post_login

WEEK_AGO = (NOW - timedelta(days=7)).isoformat()
NOW_ISO = NOW.isoformat()

PURPOSE: dict[str, Any] = {
    "category": "criminal_investigation",
    "crime_type": "PC 211",
    "case_number": "26-004512",
    "justification": "Suspect vehicle seen leaving the Story Rd robbery on 11/20; find its route.",
}


def push(client: TestClient, token: str, *rows: dict[str, object]) -> None:
    """Ingest ``rows`` as a camera network would; every one must be stored."""
    response = client.post(
        "/api/v1/reads", json={"reads": list(rows)}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == len(rows), response.text


def search(client: TestClient, **fields: Any) -> Response:
    """POST /api/v1/searches with the standard purpose and last week, changed by ``fields``
    (a field given as None is left out of the body)."""
    body = {**PURPOSE, "start": WEEK_AGO, "end": NOW_ISO, **fields}
    return client.post("/api/v1/searches", json={k: v for k, v in body.items() if v is not None})


def plates(response: Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [h["plate"] for h in response.json()["hits"]]


def entries(db: Database, action: str) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
        )


@pytest.fixture
def other_browser(client: TestClient) -> Iterator[TestClient]:
    """A second browser on the same server, for a second person."""
    with TestClient(client.app) as second:
        yield second


def sign_in_new_person(
    client: TestClient, db: Database, username: str, role: str, *, trained: bool
) -> Actor:
    """Create a person (trained or not), sign them in through the form and accept the statement."""
    operator = Actor.system("tests")
    with db.unit_of_work() as uow:
        spec = people.PersonSpec(
            username, f"Test {username}", role, "Robbery Unit", "CA0431300", PASSWORD, "4242"
        )
        person = people.create_person(uow, operator, spec, pre_enrolled=True)
        if trained:
            today = uow.now().date()
            people.record_training(
                uow, operator, person.id, "ALPR", today, today + timedelta(days=365)
            )
        uow.commit()
    clock = db.clock
    clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    code = pyotp.TOTP(person.totp_secret or "").at(clock.now())
    assert post_login(client, username, code=code).status_code == 303
    accept_statement(client)
    return operator
