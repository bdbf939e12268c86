"""Pure account rules: token hashing and session lifetimes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plateward.core.permissions import Actor, Permission

SIGN_IN_FAILED = "Sign-in failed: check your username, password and code."


class AccountStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


def token_digest(token: str) -> str:
    """Tokens are 256-bit random values, so a plain SHA-256 suffices to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


def session_end_reason(
    created_at: datetime, last_seen_at: datetime, now: datetime, limits: SessionLimits
) -> str | None:
    """Why a session can no longer be used, or None while it is still valid."""
    if now - created_at >= limits.absolute:
        return "session reached its maximum length"
    if now - last_seen_at >= limits.idle:
        return "session was idle too long"
    return None


# Lockout: after LOCK_AFTER consecutive failures from one client address the account is locked
# for that address, for a period that doubles with each further failure (back-off), up to a day.
# To a wrong password the answer is the same, locked or not (docs/security.md).
LOCK_AFTER = 5
_FIRST_LOCK = timedelta(minutes=15)
_LONGEST_LOCK = timedelta(hours=24)


def lock_duration(consecutive_failures: int, lock_after: int = LOCK_AFTER) -> timedelta | None:
    if consecutive_failures < lock_after:
        return None
    doublings = consecutive_failures - lock_after
    return min(_FIRST_LOCK * int(2**doublings), _LONGEST_LOCK)


class ThrottleScope(StrEnum):
    """What a run of failed sign-ins is counted against (docs/security.md)."""

    # One account from one client address: the attacker's own address is slowed, nobody else.
    PAIR = "account+address"
    # One account from every address: a spread-out guess; never applies at the usual address.
    ACCOUNT = "account"
    # One client address against every account (and unknown names): a sweep across accounts.
    ADDRESS = "address"


@dataclass(frozen=True)
class ThrottleRule:
    """After ``lock_after`` failures the scope is locked, with back-off; a run is forgotten after
    ``window`` without a failure (without a window, at the next successful sign-in only)."""

    lock_after: int
    window: timedelta | None

    def locked_until(self, failures: int, last_failure: datetime) -> datetime | None:
        duration = lock_duration(failures, self.lock_after)
        return None if duration is None else last_failure + duration

    def forgotten(self, last_failure: datetime, now: datetime) -> bool:
        """Whether a run whose last failure was at ``last_failure`` starts again from zero."""
        return self.window is not None and now - last_failure >= self.window


THROTTLES = {
    ThrottleScope.PAIR: ThrottleRule(LOCK_AFTER, timedelta(hours=24)),
    ThrottleScope.ACCOUNT: ThrottleRule(3 * LOCK_AFTER, None),
    ThrottleScope.ADDRESS: ThrottleRule(4 * LOCK_AFTER, timedelta(hours=1)),
}
# An address a person signed in from within this period is their usual address: the account-wide
# lock and the address throttle do not apply there, so nobody elsewhere can lock them out.
USUAL_ADDRESS_DAYS = 90


def lock_in_force(
    locks: Iterable[tuple[ThrottleScope, datetime | None]], now: datetime, *, usual_address: bool
) -> tuple[ThrottleScope, datetime] | None:
    """The lock that stops this attempt (the latest to end), or None.

    At the person's usual address only their own failures from there (``PAIR``) count.
    """
    applicable = [
        (scope, until)
        for scope, until in locks
        if until is not None and until > now and (scope == ThrottleScope.PAIR or not usual_address)
    ]
    return max(applicable, key=lambda lock: lock[1], default=None)


def locked_message(scope: ThrottleScope, until_local: str) -> str:
    """Shown only to whoever gave the right password and code (never to a wrong password)."""
    where = "from this address" if scope == ThrottleScope.ADDRESS else "for this account"
    return (
        f"Sign-in is locked {where} until {until_local} after repeated failed attempts. "
        "Try again then, sign in from where you usually do, or ask an administrator to unlock it."
    )


def training_current(expiry_dates: Iterable[date], today: date) -> bool:
    """DUP §4.1, §13 — at least one Department-approved training record not yet expired."""
    return any(expires >= today for expires in expiry_dates)


MAX_TOKEN_DAYS = 90


@dataclass(frozen=True)
class AccountUnlock:
    """Lifting someone's sign-in locks: never one's own (issue 19: no self-service privilege)."""

    user_id: int

    @property
    def audit_label(self) -> str:
        return f"person:{self.user_id}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del permission  # one rule whatever the permission
        if actor.id == self.user_id:
            return "You cannot unlock your own account; ask another administrator."
        return None
