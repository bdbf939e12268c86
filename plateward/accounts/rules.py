"""Pure account rules: token hashing and session lifetimes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
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
