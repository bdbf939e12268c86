"""Failed sign-ins are throttled by client address and by account together: an attacker slows
themselves down but cannot lock a person out of the address they usually sign in from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts import sessions, throttle
from plateward.accounts.models import SignInThrottle, User
from plateward.accounts.rules import (
    LOCK_AFTER,
    SIGN_IN_FAILED,
    THROTTLES,
    ThrottleScope,
    lock_in_force,
)
from plateward.core.audit import AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import NotAuthenticated, PermissionDenied
from plateward.core.permissions import Actor
from tests.conftest import NOW, PASSWORD, Backend, csrf_from, sign_in, totp_code

USUAL = "10.20.30.40"
ATTACKER = "203.0.113.66"
PERSON_ACCOUNT_LIMIT = THROTTLES[ThrottleScope.ACCOUNT].lock_after
ADDRESS_LIMIT = THROTTLES[ThrottleScope.ADDRESS].lock_after


def _sign_in(
    db: Database, clock: FrozenClock, backend: Backend, username: str, client: str
) -> sessions.SignedIn:
    """The right password and a fresh code (each code is good once, so the clock moves on)."""
    clock.advance(timedelta(seconds=30))
    with db.unit_of_work() as uow:
        code = totp_code(backend, username, clock.now())
        return sessions.sign_in(uow, username, PASSWORD, code, client)


def _refused(db: Database, clock: FrozenClock, backend: Backend, username: str, client: str) -> str:
    """The answer to the right password and code, which must be a refusal."""
    with pytest.raises(NotAuthenticated) as refused:
        _sign_in(db, clock, backend, username, client)
    return refused.value.detail


def _fail(db: Database, username: str, client: str, times: int = 1) -> None:
    for _ in range(times):
        with db.unit_of_work() as uow, pytest.raises(NotAuthenticated) as refused:
            sessions.sign_in(uow, username, "a wrong guess", "000000", client)
        assert refused.value.detail == SIGN_IN_FAILED


def _actions(db: Database, action: str) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _actor(db: Database, username: str) -> Actor:
    with db.unit_of_work() as uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one()
        version = people.current_statement(uow).version
        return people.actor_for(uow, user, acknowledged_version=version)


def test_an_attacker_elsewhere_cannot_lock_the_person_out_from_their_usual_address(
    db: Database, clock: FrozenClock, backend: Backend
) -> None:
    assert _sign_in(db, clock, backend, "investigator", USUAL).stage == sessions.ACTIVE
    _fail(db, "investigator", ATTACKER, times=2 * PERSON_ACCOUNT_LIMIT)
    # A spread-out guess from many addresses locks the account everywhere else too.
    for n in range(PERSON_ACCOUNT_LIMIT):
        _fail(db, "investigator", f"198.51.100.{n}")
    assert "locked" in _refused(db, clock, backend, "investigator", ATTACKER)
    assert "locked" in _refused(db, clock, backend, "investigator", "192.0.2.1")
    assert _sign_in(db, clock, backend, "investigator", USUAL).stage == sessions.ACTIVE
    assert _actions(db, "account.locked")


def test_at_the_usual_address_the_persons_own_failures_still_lock_it(
    db: Database, clock: FrozenClock, backend: Backend
) -> None:
    _sign_in(db, clock, backend, "investigator", USUAL)
    _fail(db, "investigator", USUAL, times=LOCK_AFTER)
    assert "locked for this account" in _refused(db, clock, backend, "investigator", USUAL)


def test_an_address_hammering_many_accounts_is_throttled(
    db: Database, clock: FrozenClock, backend: Backend
) -> None:
    names = ["officer", "lieutenant", "auditor", "nobody-at-all", "investigator", "someone-else"]
    per_name = LOCK_AFTER - 1  # never enough to lock any one account
    for name in names:
        _fail(db, name, ATTACKER, times=per_name)
    assert per_name * len(names) >= ADDRESS_LIMIT
    # An account never tried from there is closed to that address too ...
    assert "locked from this address" in _refused(db, clock, backend, "admin", ATTACKER)
    throttled = _actions(db, "login.throttled")
    assert [e.client_address for e in throttled] == [ATTACKER]
    # ... and open from anywhere else.
    assert _sign_in(db, clock, backend, "admin", "192.0.2.7").stage == sessions.ACTIVE


def test_the_address_throttle_does_not_apply_at_the_persons_usual_address(
    db: Database, clock: FrozenClock, backend: Backend
) -> None:
    shared = "10.0.0.1"  # a station's one outgoing address, shared by everyone in it
    _sign_in(db, clock, backend, "admin", shared)
    for name in ("officer", "lieutenant", "auditor", "nobody-at-all", "someone-else"):
        _fail(db, name, shared, times=LOCK_AFTER - 1)
    assert "locked from this address" in _refused(db, clock, backend, "investigator", shared)
    assert _sign_in(db, clock, backend, "admin", shared).stage == sessions.ACTIVE


def test_locks_run_out_and_a_quiet_hour_forgets_an_address(
    db: Database, clock: FrozenClock, backend: Backend
) -> None:
    _fail(db, "officer", ATTACKER, times=LOCK_AFTER)
    assert "locked" in _refused(db, clock, backend, "officer", ATTACKER)
    clock.advance(timedelta(minutes=16))
    assert _sign_in(db, clock, backend, "officer", ATTACKER).stage == sessions.ACTIVE
    with db.unit_of_work() as uow:
        address_run = uow.session.get(SignInThrottle, (ThrottleScope.ADDRESS.value, 0, ATTACKER))
        assert address_run is not None
        assert address_run.failures == LOCK_AFTER
    clock.advance(timedelta(hours=1))
    _fail(db, "officer", ATTACKER)
    with db.unit_of_work() as uow:
        address_run = uow.session.get(SignInThrottle, (ThrottleScope.ADDRESS.value, 0, ATTACKER))
        assert address_run is not None
        assert address_run.failures == 1


def test_an_administrator_unlocks_an_account_and_it_is_audited(
    db: Database, clock: FrozenClock, backend: Backend
) -> None:
    _fail(db, "officer", ATTACKER, times=LOCK_AFTER)
    for n in range(PERSON_ACCOUNT_LIMIT):
        _fail(db, "officer", f"198.51.100.{n}")
    admin = _actor(db, "admin")
    with db.unit_of_work() as uow:
        officer = uow.session.scalars(select(User).where(User.username == "officer")).one()
        locks = throttle.sign_in_locks(uow, admin, officer.id)
        assert {lock.scope for lock in locks} == {ThrottleScope.PAIR, ThrottleScope.ACCOUNT}
        assert throttle.unlock(uow, admin, officer.id, "called from the front desk") == len(locks)
    assert _sign_in(db, clock, backend, "officer", ATTACKER).stage == sessions.ACTIVE
    [unlocked] = _actions(db, "account.unlocked")
    assert (unlocked.actor_username, unlocked.reason) == ("admin", "called from the front desk")


def test_nobody_unlocks_their_own_account(db: Database) -> None:
    admin = _actor(db, "admin")
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        throttle.unlock(uow, admin, admin.id or 0, "let me in")
    [refused] = _actions(db, "access.refused")
    assert refused.actor_username == "admin"
    assert not _actions(db, "account.unlocked")


def test_at_the_usual_address_only_its_own_lock_applies() -> None:
    soon = NOW + timedelta(minutes=5)
    later = NOW + timedelta(minutes=50)
    locks = [
        (ThrottleScope.ACCOUNT, later),
        (ThrottleScope.ADDRESS, later),
        (ThrottleScope.PAIR, soon),
    ]
    assert lock_in_force(locks, NOW, usual_address=True) == (ThrottleScope.PAIR, soon)
    assert lock_in_force(locks, NOW, usual_address=False) == (ThrottleScope.ACCOUNT, later)
    assert lock_in_force(locks, later, usual_address=False) is None
    assert lock_in_force(locks[:2], NOW, usual_address=True) is None


def test_the_unlock_button_on_the_person_page_lifts_the_lock(
    client: TestClient, db: Database, clock: FrozenClock, backend: Backend
) -> None:
    _fail(db, "officer", "testclient", times=LOCK_AFTER)
    sign_in(client, backend, "admin")
    officer = _actor(db, "officer").id
    page = client.get(f"/admin/people/{officer}")
    assert "from testclient until" in page.text
    response = client.post(
        f"/admin/people/{officer}/unlock",
        data={"csrf_token": csrf_from(page.text), "reason": "verified by phone"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "not locked" in client.get(f"/admin/people/{officer}").text
    assert [e.reason for e in _actions(db, "account.unlocked")] == ["verified by phone"]
