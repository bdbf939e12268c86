"""Sessions end everywhere on request, and refused attempts leave a trace."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.audit import AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.database import Database
from plateward.web.app import create_app
from tests.conftest import Backend, csrf_from, sign_in


def test_signing_out_everywhere_ends_every_session(
    client: TestClient, backend: Backend, db: Database
) -> None:
    other = TestClient(create_app(db.settings, db))
    sign_in(client, backend, "admin")
    sign_in(other, backend, "admin")
    page = client.get("/account")
    response = client.post(
        "/account/sign-out-everywhere",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert other.get("/reads", follow_redirects=False).headers["location"].startswith("/login")
    with db.unit_of_work() as uow:
        ended = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "sessions.ended")
        ).one()
    assert '"ended":2' in canonical(ended.details)


def test_a_refused_attempt_is_audited(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "officer")
    assert client.get("/reads").status_code == 403
    with db.unit_of_work() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "access.refused")
        ).one()
    assert (entry.actor_username, entry.outcome) == ("officer", "denied")
    assert "/reads" in canonical(entry.details)
    assert entry.reason == "lacks reads:monitor"


def test_signing_out_everywhere_says_so_on_the_sign_in_page(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "officer")
    page = client.get("/account")

    response = client.post(
        "/account/sign-out-everywhere",
        data={"csrf_token": csrf_from(page.text), "revoke_tokens": "yes"},
    )

    assert response.status_code == 200
    assert "You are signed out on every device, and your personal API tokens are" in response.text
    assert 'name="username"' in response.text  # the sign-in form, ready for the next time
    # Only the fixed texts are ever shown, never words from the address.
    assert 'id="signed-out"' not in client.get("/login?signed_out=<b>hacked</b>").text
