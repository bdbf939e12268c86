"""Pure account rules: token hashing and session lifetimes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

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


# Lockout: after LOCK_AFTER consecutive failures the account is locked, for a period that doubles
# with each further failure (back-off), up to a day. Locked or not, the answer is the same.
LOCK_AFTER = 5
_FIRST_LOCK = timedelta(minutes=15)
_LONGEST_LOCK = timedelta(hours=24)


def lock_duration(consecutive_failures: int) -> timedelta | None:
    if consecutive_failures < LOCK_AFTER:
        return None
    doublings = consecutive_failures - LOCK_AFTER
    return min(_FIRST_LOCK * int(2**doublings), _LONGEST_LOCK)


def training_current(expiry_dates: Iterable[date], today: date) -> bool:
    """DUP §4.1, §13 — at least one Department-approved training record not yet expired."""
    return any(expires >= today for expires in expiry_dates)


MAX_TOKEN_DAYS = 90
