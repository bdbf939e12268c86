"""Sign-in throttling by client address and by account together, and the administrator's unlock.

A run of failures is counted against three scopes (``rules.ThrottleScope``): the account from this
client address, the account from everywhere, and this client address against every account. At
the person's usual address (one they signed in from recently) only the first applies, so an
attacker elsewhere slows themselves down without locking the person out (issue 19). Counters live
in the database, so every server process shares them; on PostgreSQL the row is locked while it is
counted, on SQLite the writer's ``BEGIN IMMEDIATE`` serializes the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from plateward.accounts.models import LoginSession, SignInThrottle, User
from plateward.accounts.rules import (
    THROTTLES,
    USUAL_ADDRESS_DAYS,
    AccountUnlock,
    ThrottleScope,
    lock_in_force,
)
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission

EVERY_ACCOUNT = 0  # ``user_id`` of an address-wide run
UNKNOWN_ADDRESS = "unknown"


@dataclass(frozen=True)
class Lock:
    scope: ThrottleScope
    client_address: str | None
    until: datetime


def _address(client: str | None) -> str:
    return (client or UNKNOWN_ADDRESS)[:64]


def is_usual_address(uow: UnitOfWork, user: User, client: str | None) -> bool:
    """Whether the person completed a sign-in from ``client`` within ``USUAL_ADDRESS_DAYS``."""
    if client is None:
        return False
    since = uow.now() - timedelta(days=USUAL_ADDRESS_DAYS)
    found = uow.session.scalar(
        select(LoginSession.id)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.client_address == client,
            LoginSession.stage == "active",
            LoginSession.created_at >= since,
        )
        .limit(1)
    )
    return found is not None


def _run(uow: UnitOfWork, scope: ThrottleScope, user_id: int, address: str) -> SignInThrottle:
    """The run's row, created if missing and locked until the transaction ends (PostgreSQL)."""
    now = uow.now()
    insert = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
    key = {"scope": scope.value, "user_id": user_id, "client_address": address}
    uow.session.execute(
        insert(SignInThrottle)
        .values(**key, failures=0, first_failure_at=now, last_failure_at=now)
        .on_conflict_do_nothing()
    )
    return uow.session.scalars(
        select(SignInThrottle)
        .filter_by(**key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _count(uow: UnitOfWork, run: SignInThrottle, scope: ThrottleScope) -> bool:
    """Add one failure to ``run``; True when this failure locks the scope."""
    rule, now = THROTTLES[scope], uow.now()
    if run.failures == 0 or rule.forgotten(run.last_failure_at, now):
        run.failures, run.first_failure_at = 0, now
    run.failures += 1
    run.last_failure_at = now
    run.locked_until = rule.locked_until(run.failures, now)
    return run.locked_until is not None


def lock_for(uow: UnitOfWork, user: User | None, client: str | None) -> Lock | None:
    """The lock that stops a sign-in to ``user`` from ``client`` now, or None."""
    address = _address(client)
    keys = [(ThrottleScope.ADDRESS, EVERY_ACCOUNT)]
    if user is not None:
        keys.append((ThrottleScope.PAIR, user.id))
    runs = {
        ThrottleScope(run.scope): run.locked_until
        for scope, user_id in keys
        if (run := uow.session.get(SignInThrottle, (scope.value, user_id, address))) is not None
    }
    if user is not None:
        runs[ThrottleScope.ACCOUNT] = user.locked_until
    now = uow.now()
    if all(until is None or until <= now for until in runs.values()):
        return None  # nothing in force: no need to ask where the person usually signs in
    usual = user is not None and is_usual_address(uow, user, client)
    found = lock_in_force(runs.items(), now, usual_address=usual)
    return None if found is None else Lock(found[0], client, found[1])


def count_failure(uow: UnitOfWork, user: User | None, username: str, client: str | None) -> None:
    """Count one failed sign-in against every scope it belongs to; audit each new lock."""
    address = _address(client)
    newly_locked: list[tuple[ThrottleScope, datetime | None]] = []
    if user is not None:
        pair = _run(uow, ThrottleScope.PAIR, user.id, address)
        if _count(uow, pair, ThrottleScope.PAIR):
            newly_locked.append((ThrottleScope.PAIR, pair.locked_until))
        user.failed_sign_ins += 1
        user.locked_until = THROTTLES[ThrottleScope.ACCOUNT].locked_until(
            user.failed_sign_ins, uow.now()
        )
        if user.locked_until is not None:
            newly_locked.append((ThrottleScope.ACCOUNT, user.locked_until))
    everywhere = _run(uow, ThrottleScope.ADDRESS, EVERY_ACCOUNT, address)
    if _count(uow, everywhere, ThrottleScope.ADDRESS):
        newly_locked.append((ThrottleScope.ADDRESS, everywhere.locked_until))
    for scope, until in newly_locked:
        action = AuditAction.LOGIN_THROTTLED
        if scope != ThrottleScope.ADDRESS:
            action = AuditAction.ACCOUNT_LOCKED
        audit.record(
            uow,
            Actor.anonymous(username, client),
            AuditEvent(
                action,
                Outcome.DENIED,
                reason=f"repeated failures ({scope.value})",
                details={"scope": scope.value, "until": until.isoformat() if until else None},
            ),
        )


def forget_failures(uow: UnitOfWork, user: User, client: str | None) -> None:
    """A completed sign-in ends the account's runs here and everywhere (not the address's)."""
    user.failed_sign_ins, user.locked_until = 0, None
    uow.session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.scope == ThrottleScope.PAIR.value,
            SignInThrottle.user_id == user.id,
            SignInThrottle.client_address == _address(client),
        )
    )


def local_time(uow: UnitOfWork, moment: datetime) -> str:
    """How the lock's end is shown (DESIGN invariant 7: stored in UTC, shown in local time)."""
    return moment.astimezone(ZoneInfo(uow.settings.timezone)).strftime("%Y-%m-%d %H:%M %Z")


def sign_in_locks(uow: UnitOfWork, actor: Actor, user_id: int) -> list[Lock]:
    """The locks in force on a person's sign-in, for the administrator's page."""
    authorize(uow, actor, Permission.ACCOUNTS_MANAGE)
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("no such person")
    now = uow.now()
    locks = [
        Lock(ThrottleScope.PAIR, run.client_address, run.locked_until)
        for run in uow.session.scalars(
            select(SignInThrottle).where(
                SignInThrottle.scope == ThrottleScope.PAIR.value,
                SignInThrottle.user_id == user_id,
                SignInThrottle.locked_until > now,
            )
        )
        if run.locked_until is not None
    ]
    if user.locked_until is not None and user.locked_until > now:
        locks.append(Lock(ThrottleScope.ACCOUNT, None, user.locked_until))
    return locks


def unlock(uow: UnitOfWork, actor: Actor, user_id: int, reason: str) -> int:
    """Lift every sign-in lock on a person's account (audited); the number of locks lifted.

    An address-wide throttle is about the address, not the person, and runs out by itself.
    """
    authorize(uow, actor, Permission.ACCOUNTS_MANAGE, AccountUnlock(user_id))
    if not reason.strip():
        raise InvalidInput("give a reason; it goes into the audit trail")
    locks = sign_in_locks(uow, actor, user_id)
    user = uow.session.get(User, user_id)
    assert user is not None  # noqa: S101 — sign_in_locks raised NotFound otherwise
    user.failed_sign_ins, user.locked_until = 0, None
    uow.session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.scope == ThrottleScope.PAIR.value, SignInThrottle.user_id == user_id
        )
    )
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.ACCOUNT_UNLOCKED,
            reason=reason.strip(),
            details={"username": user.username, "locks_lifted": len(locks)},
        ),
    )
    uow.commit()
    return len(locks)
