"""Signing in takes a password and a one-time code; sessions are short-lived and CSRF-protected."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from cryptography.fernet import InvalidToken
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import SecretStr
from sqlalchemy import select

from plateward.accounts.models import User
from plateward.accounts.rules import SIGN_IN_FAILED
from plateward.core.audit import AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.sealing import unseal
from plateward.core.settings import Settings
from plateward.web.deps import SESSION_COOKIE
from tests.conftest import (
    NOW,
    PASSWORD,
    Backend,
    accept_statement,
    csrf_from,
    post_login,
    sign_in,
    totp_code,
)


def _attempt(
    client: TestClient,
    username: str,
    *,
    password: str = PASSWORD,
    code: str = "",
    next_path: str = "/reads",
    csrf: str | None = None,
) -> Response:
    return post_login(
        client, username, password=password, code=code, next_path=next_path, csrf=csrf
    )


def _wrong_code(backend: Backend, username: str) -> str:
    right = totp_code(backend, username)
    return f"{(int(right) + 500_000) % 1_000_000:06d}"


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


def _failures(db: Database) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "login.failed")
                .order_by(AuditEntry.seq)
            ).all()
        )


def test_a_person_signs_in_with_password_and_code(client: TestClient, backend: Backend) -> None:
    response = _attempt(client, "admin", code=totp_code(backend, "admin"))

    assert response.status_code == 303
    # Signed in, the person is taken straight to the restrictions, then where they were going.
    assert response.headers["location"] == "/acknowledge?next=/reads"
    assert client.cookies.get(SESSION_COOKIE)
    first = client.get("/reads", follow_redirects=False)
    assert first.headers["location"] == "/acknowledge?next=/reads"
    accept_statement(client)
    page = client.get("/reads")
    assert page.status_code == 200
    assert "Test Admin" in page.text


def test_a_password_without_the_code_is_refused(client: TestClient, backend: Backend) -> None:
    blank = _attempt(client, "admin", code="")
    spaces = _attempt(client, "admin", code="   ")

    for response in (blank, spaces):
        assert response.status_code == 401
        assert SIGN_IN_FAILED in response.text
    assert client.cookies.get(SESSION_COOKIE) is None
    assert client.get("/reads", follow_redirects=False).status_code == 303


def test_a_wrong_code_is_refused(client: TestClient, backend: Backend) -> None:
    response = _attempt(client, "admin", code=_wrong_code(backend, "admin"))

    assert response.status_code == 401
    assert SIGN_IN_FAILED in response.text
    assert client.cookies.get(SESSION_COOKIE) is None
    assert client.get("/reads", follow_redirects=False).status_code == 303


def test_a_code_is_refused_when_replayed(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    code = totp_code(backend, "admin")
    assert _attempt(client, "admin", code=code).status_code == 303
    client.cookies.clear()
    # Ten seconds later the same code is still inside its 30-second window, and is refused.
    clock.advance(timedelta(seconds=10))
    replayed = _attempt(client, "admin", code=code)

    assert replayed.status_code == 401
    assert SIGN_IN_FAILED in replayed.text
    assert [f.reason for f in _failures(db)] == ["bad authenticator code"]
    # The next step's code is good.
    clock.advance(timedelta(seconds=30))
    assert (
        _attempt(client, "admin", code=totp_code(backend, "admin", clock.now())).status_code == 303
    )


def test_unknown_users_and_wrong_passwords_get_the_same_answer(
    client: TestClient, backend: Backend
) -> None:
    code = totp_code(backend, "admin")
    unknown = _attempt(client, "nobody-here", code=code)
    wrong_password = _attempt(client, "admin", password="not the password at all", code=code)

    assert unknown.status_code == wrong_password.status_code == 401
    assert SIGN_IN_FAILED in unknown.text
    # Apart from the fresh CSRF token the two pages are identical: nothing tells them apart.
    assert _without_csrf(unknown.text) == _without_csrf(wrong_password.text)
    assert "nobody-here" not in unknown.text


def test_failed_sign_ins_are_audited(client: TestClient, backend: Backend, db: Database) -> None:
    _attempt(client, "admin", code=_wrong_code(backend, "admin"))
    _attempt(client, "ghost", code="123456")

    failures = _failures(db)
    assert [f.actor_username for f in failures] == ["admin", "ghost"]
    assert all(f.outcome == "denied" for f in failures)
    assert all(f.actor_kind == "anonymous" for f in failures)
    assert all(f.at == NOW for f in failures)


def test_sign_in_needs_the_forms_csrf_token(
    client: TestClient, backend: Backend, db: Database
) -> None:
    code = totp_code(backend, "admin")
    missing = _attempt(client, "admin", code=code, csrf="")
    forged = _attempt(client, "admin", code=code, csrf="made-up-token")

    assert missing.status_code == forged.status_code == 403
    assert client.cookies.get(SESSION_COOKIE) is None
    with db.unit_of_work() as uow:
        signed_in = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "login.succeeded")
        ).all()
    assert signed_in == []


def test_signing_out_ends_the_session(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "admin")
    token = client.cookies.get(SESSION_COOKIE)
    page = client.get("/reads")

    response = client.post(
        "/logout", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )

    assert response.status_code == 303
    assert client.cookies.get(SESSION_COOKIE) is None
    after = client.get("/reads", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"] == "/login?next=/reads"
    # The server ended the session too: the old cookie, replayed, opens nothing.
    client.cookies.set(SESSION_COOKIE, token)
    replay = client.get("/reads", follow_redirects=False)
    assert replay.status_code == 303
    with db.unit_of_work() as uow:
        logouts = uow.session.scalars(
            select(AuditEntry.actor_username).where(AuditEntry.action == "logout")
        ).all()
    assert logouts == ["admin"]


def test_signing_out_works_from_the_landing_page(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    landing = client.get("/")
    assert "Sign out" in landing.text

    response = client.post(
        "/logout", data={"csrf_token": csrf_from(landing.text)}, follow_redirects=False
    )

    assert response.status_code == 303
    assert client.get("/reads", follow_redirects=False).headers["location"] == (
        "/login?next=/reads"
    )


def test_logout_without_csrf_is_refused(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")

    missing = client.post("/logout", follow_redirects=False)
    forged = client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)

    assert missing.status_code == forged.status_code == 403
    assert client.get("/reads", follow_redirects=False).status_code == 200


def test_an_idle_session_expires_after_thirty_minutes(
    client: TestClient, backend: Backend, clock: FrozenClock
) -> None:
    sign_in(client, backend, "admin")
    clock.advance(timedelta(minutes=29))
    assert client.get("/reads", follow_redirects=False).status_code == 200  # activity renews it

    clock.advance(timedelta(minutes=31))
    response = client.get("/reads", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/reads"
    clock.advance(timedelta(seconds=-(31 * 60 - 1)))
    # An ended session stays ended, even if the clock is wound back.
    assert client.get("/reads", follow_redirects=False).status_code == 303


def test_a_busy_session_still_ends_at_its_absolute_limit(
    client: TestClient, backend: Backend, clock: FrozenClock
) -> None:
    sign_in(client, backend, "admin")
    for _ in range(12 * 3):  # twelve hours of activity every twenty minutes
        assert client.get("/reads", follow_redirects=False).status_code == 200
        clock.advance(timedelta(minutes=20))
    response = client.get("/reads", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/reads"


def test_cookies_are_secure_when_configured_for_a_tls_proxy(
    client: TestClient, backend: Backend
) -> None:
    client.app.state.settings = client.app.state.settings.with_overrides(secure_cookies=True)  # type: ignore[attr-defined]
    response = client.get("/login")
    assert "secure" in response.headers["set-cookie"].lower()


def test_a_session_cookie_is_httponly_and_samesite_strict(
    client: TestClient, backend: Backend
) -> None:
    response = _attempt(client, "admin", code=totp_code(backend, "admin"))

    assert response.status_code == 303
    cookies = [
        c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}=")
    ]
    assert len(cookies) == 1
    attributes = {part.strip().lower() for part in cookies[0].split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=strict" in attributes


def test_next_never_redirects_off_site(
    client: TestClient, backend: Backend, clock: FrozenClock
) -> None:
    for target in ("//evil.example", "https://evil.example/reads", "evil.example"):
        client.cookies.clear()
        clock.advance(timedelta(seconds=30))  # a fresh code for each sign-in
        code = totp_code(backend, "admin", clock.now())
        response = _attempt(client, "admin", code=code, next_path=target)
        assert response.status_code == 303
        assert response.headers["location"] == "/acknowledge?next=/", target
    form = client.get("/login", params={"next": "//evil.example"})
    assert 'name="next" value="/"' in form.text


def test_authenticator_secrets_are_sealed_at_rest(backend: Backend, db: Database) -> None:
    with db.unit_of_work() as uow:
        stored = uow.session.scalars(select(User.totp_secret).where(User.username == "admin")).one()
    assert stored is not None
    assert backend.totp["admin"] not in stored
    assert unseal(db.settings, stored) == backend.totp["admin"]
    other = Settings(data_dir=db.settings.data_dir, secret_key=SecretStr("another installation"))
    with pytest.raises(InvalidToken):
        unseal(other, stored)


def test_a_control_character_in_a_username_is_audited_visibly(
    client: TestClient, db: Database
) -> None:
    response = _attempt(client, "ad\x00min", code="123456")
    assert response.status_code == 401
    (entry,) = _failures(db)
    assert entry.actor_username == "ad\\x00min"
