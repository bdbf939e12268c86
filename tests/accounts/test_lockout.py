"""Repeated sign-in failures lock the account with back-off; a wrong password never learns of it."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts.models import User
from plateward.accounts.rules import LOCK_AFTER, SIGN_IN_FAILED, lock_duration
from plateward.core.audit import AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from tests.conftest import PASSWORD, Backend, post_login, totp_code


def _attempt(client: TestClient, username: str, password: str, code: str) -> int:
    return post_login(client, username, password=password, code=code).status_code


def test_back_off_doubles_and_is_capped_at_a_day() -> None:
    assert lock_duration(LOCK_AFTER - 1) is None
    assert lock_duration(LOCK_AFTER) == timedelta(minutes=15)
    assert lock_duration(LOCK_AFTER + 1) == timedelta(minutes=30)
    assert lock_duration(LOCK_AFTER + 20) == timedelta(hours=24)


def test_five_failures_lock_the_account_even_for_the_right_password(
    client: TestClient, backend: Backend, db: Database
) -> None:
    for _ in range(LOCK_AFTER):
        assert _attempt(client, "officer", "wrong password!", "000000") == 401
    assert _attempt(client, "officer", PASSWORD, totp_code(backend, "officer")) == 401
    with db.unit_of_work() as uow:
        actions = uow.session.scalars(
            select(AuditEntry.reason)
            .where(AuditEntry.action == "login.failed")
            .order_by(AuditEntry.seq)
        ).all()
        locked = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "account.locked")
        ).all()
    assert actions[-1] == "locked"
    assert len(locked) == 1


def test_the_lock_expires(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    for _ in range(LOCK_AFTER):
        _attempt(client, "officer", "wrong password!", "000000")
    clock.advance(timedelta(minutes=16))
    assert _attempt(client, "officer", PASSWORD, totp_code(backend, "officer", clock.now())) == 303
    with db.unit_of_work() as uow:
        user = uow.session.scalars(select(User).where(User.username == "officer")).one()
    assert (user.failed_sign_ins, user.locked_until) == (0, None)


def test_a_wrong_password_on_a_locked_account_gets_the_same_answer_as_ever(
    client: TestClient, backend: Backend
) -> None:
    wrong = post_login(client, "officer", password="nope nope nope", code="000000")
    for _ in range(LOCK_AFTER):
        _attempt(client, "officer", "wrong password!", "000000")
    locked = post_login(
        client, "officer", password="still a wrong one", code=totp_code(backend, "officer")
    )
    assert locked.status_code == wrong.status_code == 401
    assert SIGN_IN_FAILED in locked.text
    assert "locked" not in locked.text


def test_the_right_password_and_code_on_a_locked_account_say_until_when(
    client: TestClient, backend: Backend, clock: FrozenClock
) -> None:
    for _ in range(LOCK_AFTER):
        _attempt(client, "officer", "wrong password!", "000000")
    locked = post_login(client, "officer", code=totp_code(backend, "officer"))
    assert locked.status_code == 401
    assert SIGN_IN_FAILED not in locked.text
    # 15 minutes after the fifth failure, shown in the department's time zone (10:15 PST).
    assert "locked for this account until 2026-11-24 10:15 PST" in locked.text
