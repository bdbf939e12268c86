"""The login prompt: the legal restrictions are accepted, per session, before any query."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.core.audit import AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import Backend, accept_statement, sign_in


def test_no_query_before_the_restrictions_are_accepted(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin", acknowledge=False)
    response = client.get("/reads", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/acknowledge?next=/reads"
    assert client.get("/api/v1/cameras").status_code == 403


def test_the_statement_names_sb_54_and_sb_34(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer", acknowledge=False)
    page = client.get("/acknowledge").text
    assert "SB 54" in page
    assert "SB 34" in page
    assert "immigration" in page


def test_acceptance_is_audited_with_the_statement_version(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    assert client.get("/reads").status_code == 200
    with db.unit_of_work() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "statement.accepted")
        ).one()
        version = people.current_statement(uow).version
    assert entry.actor_username == "admin"
    assert version in canonical(entry.details)


def test_acceptance_is_required_again_at_the_next_sign_in(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")
    page = client.get("/account")
    client.post(
        "/logout",
        data={"csrf_token": page.text.split('name="csrf_token" value="')[1].split('"')[0]},
    )
    sign_in(client, backend, "admin", acknowledge=False)
    assert client.get("/reads", follow_redirects=False).status_code == 303


def test_a_new_version_must_be_accepted_again(
    client: TestClient, backend: Backend, db: Database, operator: Actor
) -> None:
    sign_in(client, backend, "admin")
    assert client.get("/reads").status_code == 200
    with db.unit_of_work() as uow:
        people.publish_statement(uow, operator, "2026.2", "Revised restrictions: SB 54 and SB 34.")
    assert client.get("/reads", follow_redirects=False).status_code == 303
    accept_statement(client)
    assert client.get("/reads").status_code == 200


def test_refusing_the_statement_keeps_the_system_closed(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin", acknowledge=False)
    page = client.get("/acknowledge").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/acknowledge", data={"csrf_token": token, "version": "2026.1"})
    assert response.status_code == 422
    assert client.get("/reads", follow_redirects=False).status_code == 303
