"""Tokens stop with their person: signing out everywhere can revoke them, suspension does."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import User
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.accounts.test_personal_tokens import _cameras, _issue
from tests.conftest import Backend, csrf_from, sign_in


def _sign_out_everywhere(client: TestClient, revoke: bool) -> None:
    page = client.get("/account")
    data = {"csrf_token": csrf_from(page.text)}
    if revoke:
        data["revoke_tokens"] = "yes"
    response = client.post("/account/sign-out-everywhere", data=data, follow_redirects=False)
    assert response.status_code == 303


def test_signing_out_everywhere_can_revoke_every_token(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"])
    assert "Also revoke all my personal API tokens" in client.get("/account").text
    _sign_out_everywhere(client, revoke=True)
    client.cookies.clear()
    assert _cameras(client, token) == 401


def test_signing_out_everywhere_without_the_box_keeps_tokens(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"])
    _sign_out_everywhere(client, revoke=False)
    client.cookies.clear()
    assert _cameras(client, token) == 200


def test_suspending_an_account_revokes_its_tokens_for_good(
    client: TestClient, backend: Backend, db: Database, operator: Actor
) -> None:
    sign_in(client, backend, "officer")
    _, token = _issue(client, ["cameras:view"])
    client.cookies.clear()
    with db.unit_of_work() as uow:
        officer_id = uow.session.scalars(select(User.id).where(User.username == "officer")).one()
        people.set_status(uow, operator, officer_id, "suspended", "IA case 2026-7")
        people.set_status(uow, operator, officer_id, "active", "cleared")
    assert _cameras(client, token) == 401  # re-enabling the person does not revive the token
