"""Service credentials: ingest-only, stored as hashes, revocable, and never a way into pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from plateward.accounts import tokens
from plateward.accounts.rules import token_digest
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.demo import city
from plateward.reads.models import Read
from plateward.web.deps import SESSION_COOKIE
from tests.conftest import Backend, native_read, sign_in


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _push(client: TestClient, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/reads", json={"reads": [native_read(plate="7SVC001")]}, headers=headers
    )


def _reads_stored(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Read)) or 0)


def test_a_service_token_cannot_open_pages(client: TestClient, ingest_token: str) -> None:
    assert _push(client, _bearer(ingest_token)).status_code == 200  # the token works for ingest

    as_bearer = client.get("/reads", headers=_bearer(ingest_token), follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, ingest_token)
    as_cookie = client.get("/reads", follow_redirects=False)
    cameras = client.get("/api/v1/cameras", headers=_bearer(ingest_token))

    for response in (as_bearer, as_cookie):
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/reads"
        assert "7SVC001" not in response.text
    assert cameras.status_code == 403  # an ingest credential reads nothing back
    assert "SJ-FX-001" not in cameras.text


def test_service_tokens_are_stored_only_as_hashes(
    db: Database, operator: Actor, ingest_token: str
) -> None:
    with db.unit_of_work() as uow:
        fresh = tokens.issue_service_credential(
            uow, operator, "Parking enforcement vans", city.HOME_AGENCY_ORI
        )
        uow.commit()
    with db.unit_of_work() as uow:
        rows = uow.session.execute(text("SELECT * FROM service_credentials")).all()
        hashes = set(uow.session.scalars(text("SELECT token_hash FROM service_credentials")))

    assert len(rows) >= 2
    for token in (ingest_token, fresh):
        assert token_digest(token) in hashes
        assert not any(token in str(cell) for row in rows for cell in row)


def test_a_revoked_token_is_refused(
    client: TestClient, db: Database, operator: Actor, ingest_token: str
) -> None:
    assert _push(client, _bearer(ingest_token)).status_code == 200
    with db.unit_of_work() as uow:
        replacement = tokens.issue_service_credential(
            uow, operator, "Test camera network", city.HOME_AGENCY_ORI
        )
        uow.commit()

    refused = _push(client, _bearer(ingest_token))
    accepted = _push(client, _bearer(replacement))

    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert accepted.status_code == 200


def test_a_person_cannot_push_reads_with_a_session(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    assert client.get("/reads").status_code == 200  # the session is good for pages

    response = _push(client)

    assert response.status_code == 401
    assert _reads_stored(db) == 0
