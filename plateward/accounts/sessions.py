"""Signing in: password and TOTP, enrolment at first sign-in, throttling (accounts/throttle.py),
sessions, consent."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts import throttle
from plateward.accounts.models import LoginSession, User
from plateward.accounts.rules import (
    SIGN_IN_FAILED,
    AccountStatus,
    SessionLimits,
    locked_message,
    session_end_reason,
    token_digest,
)
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotAuthenticated
from plateward.core.permissions import Actor
from plateward.core.sealing import seal, unseal

ISSUER = "Plateward"
ENROL, ACTIVE = "enrol", "active"
# Verified when the username is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH = people.hasher().hash("plateward-no-such-user")


@dataclass(frozen=True)
class SignedIn:
    token: str
    csrf_token: str
    stage: str


@dataclass(frozen=True)
class SessionState:
    actor: Actor
    csrf_token: str
    stage: str
    token: str


def _password_ok(user: User | None, password: str) -> bool:
    try:
        people.hasher().verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def totp_secret(uow: UnitOfWork, user: User) -> str | None:
    """The person's authenticator secret, unsealed (it is stored sealed)."""
    return unseal(uow.settings, user.totp_secret) if user.totp_secret else None


def _accept_code(uow: UnitOfWork, user: User, code: str) -> bool:
    """A code from the user's authenticator, not used before (RFC 6238 §5.2: no replay)."""
    secret = totp_secret(uow, user)
    if secret is None:
        return False
    totp = pyotp.TOTP(secret)
    now = uow.now()
    # One step of drift either way, as RFC 6238 recommends for clock skew.
    for drift in (-1, 0, 1):
        step = totp.timecode(now) + drift
        fresh = step > (user.totp_last_step or -1)
        if fresh and hmac.compare_digest(totp.generate_otp(step), code.strip()):
            user.totp_last_step = step
            return True
    return False


def _refuse(
    uow: UnitOfWork, user: User | None, username: str, client: str | None, why: str
) -> NoReturn:
    """Count the failure (by account and by client address), audit, give the uniform answer."""
    throttle.count_failure(uow, user, username, client)
    _audit_failure(uow, username, client, why)
    raise NotAuthenticated(SIGN_IN_FAILED)


def _audit_failure(uow: UnitOfWork, username: str, client: str | None, why: str) -> None:
    audit.record(
        uow,
        Actor.anonymous(username, client),
        AuditEvent(AuditAction.LOGIN_FAILED, Outcome.DENIED, reason=why),
    )
    uow.commit()


def _refuse_locked(
    uow: UnitOfWork,
    user: User | None,
    credentials: tuple[str, str, str],
    client: str | None,
    lock: throttle.Lock,
) -> NoReturn:
    """A locked attempt is not counted. Only the right password and code learn of the lock:
    anyone else gets the uniform answer, so a lock reveals nothing to a guesser."""
    username, password, code = credentials
    knows_all = (
        _password_ok(user, password)
        and user is not None
        and user.status == AccountStatus.ACTIVE
        and user.totp_confirmed_at is not None
        and _accept_code(uow, user, code)
    )
    _audit_failure(uow, username, client, "locked")
    if knows_all:
        raise NotAuthenticated(locked_message(lock.scope, throttle.local_time(uow, lock.until)))
    raise NotAuthenticated(SIGN_IN_FAILED)


def _open_session(
    uow: UnitOfWork, user: User, stage: str, client: str | None, action: AuditAction
) -> SignedIn:
    """Start a session at ``stage``, audit it as ``action`` and commit."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = uow.now()
    uow.session.add(
        LoginSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            client_address=client,
            stage=stage,
        )
    )
    audit.record(uow, people.actor_for(uow, user, client_address=client), AuditEvent(action))
    uow.commit()
    return SignedIn(token, csrf, stage)


def sign_in(
    uow: UnitOfWork, username: str, password: str, code: str, client: str | None
) -> SignedIn:
    """Password and authenticator code together (DUP update 2026: MFA for all access).

    An account that has never enrolled gets only an enrolment session after its password.
    """
    # A username with control characters names nobody (and PostgreSQL text refuses NUL).
    known = username.isprintable()
    user = uow.session.scalar(select(User).where(User.username == username)) if known else None
    now = uow.now()
    lock = throttle.lock_for(uow, user, client)
    if lock is not None:
        _refuse_locked(uow, user, (username, password, code), client, lock)
    if not _password_ok(user, password) or user is None:
        _refuse(uow, user, username, client, "bad credentials")
    if user.status != AccountStatus.ACTIVE:
        _refuse(uow, user, username, client, f"account {user.status}")
    if user.totp_confirmed_at is None:
        user.totp_secret = user.totp_secret or seal(uow.settings, pyotp.random_base32())
        return _open_session(uow, user, ENROL, client, AuditAction.MFA_ENROLMENT_STARTED)
    if not _accept_code(uow, user, code):
        _refuse(uow, user, username, client, "bad authenticator code")
    throttle.forget_failures(uow, user, client)
    user.last_sign_in_at = now
    return _open_session(uow, user, ACTIVE, client, AuditAction.LOGIN_SUCCEEDED)


def _session(uow: UnitOfWork, token: str) -> LoginSession | None:
    return uow.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == token_digest(token))
    )


def session_state(uow: UnitOfWork, token: str, client: str | None) -> SessionState | None:
    """The person behind a session cookie, or None if it is unknown or has ended."""
    session = _session(uow, token)
    if session is None or session.ended_at is not None:
        return None
    now = uow.now()
    limits = SessionLimits(
        timedelta(minutes=uow.settings.session_idle_minutes),
        timedelta(hours=uow.settings.session_absolute_hours),
    )
    user = uow.session.get(User, session.user_id)
    ended = session_end_reason(session.created_at, session.last_seen_at, now, limits)
    if ended or user is None or user.status != AccountStatus.ACTIVE:
        session.ended_at = now
        uow.commit()
        return None
    session.last_seen_at = now
    uow.commit()
    actor = people.actor_for(
        uow, user, client_address=client, acknowledged_version=session.acknowledged_version
    )
    return SessionState(actor, session.csrf_token, session.stage, token)


@dataclass(frozen=True)
class Enrolment:
    username: str
    secret: str
    uri: str


def enrolment(uow: UnitOfWork, state: SessionState) -> Enrolment:
    session = _session(uow, state.token)
    user = uow.session.get(User, state.actor.id)
    secret = totp_secret(uow, user) if user is not None else None
    if session is None or session.stage != ENROL or user is None or secret is None:
        raise InvalidInput("there is no authenticator enrolment in progress")
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return Enrolment(user.username, secret, uri)


def confirm_enrolment(uow: UnitOfWork, state: SessionState, code: str) -> None:
    """The first code from the new authenticator proves it works; the session becomes active."""
    session = _session(uow, state.token)
    user = uow.session.get(User, state.actor.id)
    if session is None or session.stage != ENROL or user is None:
        raise InvalidInput("there is no authenticator enrolment in progress")
    if not _accept_code(uow, user, code):
        audit.record(uow, state.actor, AuditEvent(AuditAction.MFA_ENROLMENT_FAILED, Outcome.DENIED))
        uow.commit()
        raise InvalidInput("That code did not match. Check the authenticator and try again.")
    user.totp_confirmed_at = uow.now()
    user.last_sign_in_at = uow.now()
    session.stage = ACTIVE
    audit.record(uow, state.actor, AuditEvent(AuditAction.MFA_ENROLLED))
    audit.record(uow, state.actor, AuditEvent(AuditAction.LOGIN_SUCCEEDED))
    uow.commit()


def acknowledge(
    uow: UnitOfWork, state: SessionState, version: str, *, accepted: bool = True
) -> None:
    """DUP update 2026 — the login prompt: the restrictions are accepted before any query."""
    if not accepted:
        raise InvalidInput("You must accept the restrictions to use the system.")
    current = people.current_statement(uow)
    if version != current.version:
        raise InvalidInput("the statement changed while you read it; please read it again")
    session = _session(uow, state.token)
    if session is None or session.stage != ACTIVE:
        raise NotAuthenticated("Please sign in.")
    session.acknowledged_version = current.version
    audit.record(
        uow,
        state.actor,
        AuditEvent(AuditAction.STATEMENT_ACCEPTED, details={"version": current.version}),
    )
    uow.commit()


def sign_out(uow: UnitOfWork, state: SessionState) -> None:
    session = _session(uow, state.token)
    if session is None or session.ended_at is not None:
        return
    session.ended_at = uow.now()
    audit.record(uow, state.actor, AuditEvent(AuditAction.LOGOUT))
    uow.commit()


def sign_out_everywhere(
    uow: UnitOfWork, state: SessionState, *, revoke_tokens: bool = False
) -> int:
    """End every session of this person, on every device, and their tokens too if they ask:
    a stolen laptop's scripts stop with its browser."""
    ended = people.end_sessions(uow, state.actor.id or 0)
    revoked = people.revoke_tokens(uow, state.actor.id or 0) if revoke_tokens else 0
    audit.record(
        uow,
        state.actor,
        AuditEvent(AuditAction.SESSIONS_ENDED, details={"ended": ended, "tokens_revoked": revoked}),
    )
    uow.commit()
    return ended


def demo_totp_code(uow: UnitOfWork, username: str) -> str:
    user = uow.session.scalar(select(User).where(User.username == username))
    secret = totp_secret(uow, user) if user is not None else None
    if secret is None:
        raise InvalidInput(f"no demo account '{username}'")
    return pyotp.TOTP(secret).at(uow.now())
