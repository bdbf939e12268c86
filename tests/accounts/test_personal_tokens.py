"""Personal API tokens: issued only from an MFA session, scoped, expiring, revocable."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import ApiToken
from plateward.core.audit import AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import Backend, csrf_from, sign_in


def _issue(client: TestClient, scopes: list[str], days: int = 30) -> tuple[int, str]:
    page = client.get("/account")
    response = client.post(
        "/account/tokens",
        data={
            "csrf_token": csrf_from(page.text),
            "name": "analysis script",
            "days": str(days),
            "scopes": scopes,
        },
    )
    match = re.search(r'id="new-token">([^<]+)<', response.text)
    return response.status_code, match.group(1) if match else ""


def _cameras(client: TestClient, token: str) -> int:
    return client.get("/api/v1/cameras", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_person_issues_a_token_and_uses_it(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")
    status, token = _issue(client, ["cameras:view"])
    assert status == 200
    assert token.startswith("pwp_")
    client.cookies.clear()
    assert _cameras(client, token) == 200


def test_tokens_are_stored_only_as_hashes(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"])
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(ApiToken)).one()
    assert token not in (row.token_hash, row.token_prefix)
    assert row.token_prefix == token[:10]


def test_a_token_is_limited_to_its_scopes(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    _, token = _issue(client, ["accounts:manage"])
    client.cookies.clear()
    assert _cameras(client, token) == 403


def test_nobody_grants_a_token_more_than_they_hold(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")
    status, token = _issue(client, ["audit:read"])
    assert status == 422
    assert token == ""


def test_a_token_expires(client: TestClient, backend: Backend, clock: FrozenClock) -> None:
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"], days=1)
    client.cookies.clear()
    clock.advance(timedelta(days=1, seconds=1))
    assert _cameras(client, token) == 401


def test_a_revoked_token_is_refused(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"])
    with db.unit_of_work() as uow:
        token_id = uow.session.scalars(select(ApiToken.id)).one()
    page = client.get("/account")
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(page.text)})
    client.cookies.clear()
    assert _cameras(client, token) == 401


def test_a_token_cannot_push_reads(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    _, token = _issue(client, ["cameras:view"])
    client.cookies.clear()
    response = client.post(
        "/api/v1/reads", json={"reads": []}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


def test_a_refused_api_call_by_a_token_is_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    """Issue 19: an officer's token posting reads was refused without a trace; now it leaves one."""
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"])
    client.cookies.clear()
    response = client.post(
        "/api/v1/reads", json={"reads": []}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert "reads:ingest" in response.json()["detail"]
    with db.unit_of_work() as uow:
        refused = uow.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "access.refused", AuditEntry.actor_username == "officer"
            )
        ).all()
    assert [r.reason for r in refused] == ["lacks reads:ingest"]


def test_tokens_last_at_most_ninety_days(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")
    status, _ = _issue(client, ["cameras:view"], days=91)
    assert status == 422


def test_a_new_statement_stops_older_tokens(
    client: TestClient, backend: Backend, db: Database, operator: Actor
) -> None:
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"])
    with db.unit_of_work() as uow:
        people.publish_statement(uow, operator, "2026.2", "Revised: SB 54 and SB 34 apply.")
    client.cookies.clear()
    assert _cameras(client, token) == 403
