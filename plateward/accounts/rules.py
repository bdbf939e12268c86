"""Pure account rules: token hashing, session lifetimes, training, and the policy on people."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plateward.core.permissions import Actor, Permission

from plateward.core.permissions import (
    PERMISSION_LABELS,
    Actor,
    Permission,
    Role,
    grantable,
    role_permissions,
)

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


class PersonChange(StrEnum):
    """What an administrator changes about a person: each is a privilege of that person."""

    TRAINING = "training"
    CLASSES = "classes"
    ROLE = "role"
    STATUS = "status"


# DUP §4.1, §13 (training) and §12 (administrative access control): nobody grants themselves
# anything. Another administrator makes the change, and a refusal is audited like any other.
_NOT_YOUR_OWN: dict[PersonChange, str] = {
    PersonChange.TRAINING: "You cannot record your own training",
    PersonChange.CLASSES: "You cannot change your own classes of access",
    PersonChange.ROLE: "You cannot change your own role",
    PersonChange.STATUS: "You cannot suspend or re-enable your own account",
}


@dataclass(frozen=True)
class PersonResource:
    """A person's account, as the target of an administrator's change (see ``core.authorization``).

    ``role`` is the person's current role (None when no such person exists: the use case answers
    that after authorization, so a refused caller learns nothing about who exists).
    """

    user_id: int
    role: Role | None
    change: PersonChange

    @property
    def audit_label(self) -> str:
        return f"person:{self.user_id}:{self.change.value}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        if actor.is_person and actor.id == self.user_id:
            return f"{_NOT_YOUR_OWN[self.change]}; another administrator must do it."
        return None


def refused_changes(actor: Actor, user_id: int, role: Role | None) -> dict[PersonChange, str]:
    """The changes to this person that ``actor`` may not make, with the reason (for the page that
    offers them; the service asks ``authorize`` again)."""
    refused = {
        change: PersonResource(user_id, role, change).refusal(actor, Permission.ACCOUNTS_MANAGE)
        for change in PersonChange
    }
    return {change: reason for change, reason in refused.items() if reason}


# --- classes of access --------------------------------------------------------------------------

# DUP §12.1-2 — a class adds permissions to its members' role, never beyond the role's ceiling.
CLASS_ROLES: tuple[Role, ...] = tuple(r for r in Role if grantable(r))


def grant_choices(role: Role | None) -> list[tuple[Permission, str]]:
    """What a class for ``role`` may add, with human names: within the role's ceiling, less what
    the role holds already (none until a role is chosen)."""
    offered = grantable(role) - role_permissions(role) if role is not None else frozenset()
    return [(p, PERMISSION_LABELS[p]) for p in sorted(offered)]


def _named(permissions: Iterable[Permission]) -> str:
    return ", ".join(f"“{PERMISSION_LABELS[p]}” ({p.value})" for p in sorted(permissions))


def class_grant_refusal(grants: Iterable[Permission], role: Role | None) -> str | None:
    """Why a class (for ``role``, or for whoever joins it) may not grant ``grants``, or None.

    With a role, the class grants only what that role can receive. Without one, it grants only what
    some person's role can receive through a class: what no role can receive is refused rather than
    stored as a grant that would never apply.
    """
    wanted = frozenset(grants)
    if role is not None:
        beyond = wanted - grantable(role)
        if beyond:
            who = role.value.replace("_", " ")
            return f"a class for {who} staff cannot grant {_named(beyond)}: the role cannot hold it"
        return None
    receivable = frozenset(p for r in CLASS_ROLES for p in grantable(r))
    beyond = wanted - receivable
    if beyond:
        return f"no person's role can receive {_named(beyond)} through a class"
    return None


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
