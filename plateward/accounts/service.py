"""Account use cases: people, sign-in sessions and service credentials."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from plateward.accounts.models import LoginSession, ServiceCredential, User
from plateward.accounts.rules import (
    SIGN_IN_FAILED,
    AccountStatus,
    SessionLimits,
    session_end_reason,
    token_digest,
)
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotAuthenticated
from plateward.core.permissions import Actor, Permission, Role, require
from plateward.sharing import service as agencies

_hasher = PasswordHasher()  # argon2id with the library's vetted defaults
# Verified when the username is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("plateward-no-such-user")
INGEST_SCOPE = "reads:ingest"


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    role: str
    unit: str
    agency_ori: str
    password: str
    badge: str | None = None


@dataclass(frozen=True)
class NewPerson:
    id: int
    username: str
    totp_secret: str


@dataclass(frozen=True)
class SignedIn:
    token: str
    csrf_token: str
    actor: Actor


def _actor(uow: UnitOfWork, user: User, client_address: str | None = None) -> Actor:
    agency = agencies.agency_by_id(uow, user.agency_id)
    return Actor(
        kind="person",
        id=user.id,
        username=user.username,
        name=user.full_name,
        role=Role(user.role),
        badge=user.badge,
        unit=user.unit,
        agency_id=agency.id,
        agency_ori=agency.ori,
        agency_name=agency.name,
        client_address=client_address,
    )


def create_person(uow: UnitOfWork, actor: Actor, spec: PersonSpec) -> NewPerson:
    require(actor, Permission.ACCOUNTS_MANAGE)
    if spec.role not in set(Role) or spec.role in {Role.SYSTEM, Role.PUBLIC, Role.CAMERA_SERVICE}:
        raise InvalidInput(f"'{spec.role}' is not a role a person can hold")
    if len(spec.password) < 12:
        raise InvalidInput("passwords must be at least 12 characters long")
    if uow.session.scalar(select(User.id).where(User.username == spec.username)):
        raise Conflict(f"username '{spec.username}' is taken")
    agency = agencies.agency_by_ori(uow, spec.agency_ori)
    user = User(
        username=spec.username,
        full_name=spec.full_name,
        badge=spec.badge,
        unit=spec.unit,
        role=spec.role,
        agency_id=agency.id,
        password_hash=_hasher.hash(spec.password),
        totp_secret=pyotp.random_base32(),
        status=AccountStatus.ACTIVE,
        created_at=uow.now(),
    )
    uow.session.add(user)
    uow.session.flush()
    return NewPerson(user.id, user.username, user.totp_secret or "")


def _password_ok(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and bool(user)
    except (VerificationError, InvalidHashError):
        return False


def _code_ok(user: User, code: str, uow: UnitOfWork) -> bool:
    if not user.totp_secret:
        return False
    # One step of drift either way, as RFC 6238 recommends for clock skew.
    return pyotp.TOTP(user.totp_secret).verify(code.strip(), for_time=uow.now(), valid_window=1)


def sign_in(
    uow: UnitOfWork, username: str, password: str, code: str, client_address: str | None
) -> SignedIn:
    """Password and TOTP code together (MFA for all access, DUP update 2026)."""
    user = uow.session.scalar(select(User).where(User.username == username))
    ok = _password_ok(user, password) and user is not None and _code_ok(user, code, uow)
    if not ok or user is None or user.status != AccountStatus.ACTIVE:
        audit.record(
            uow,
            Actor.anonymous(username, client_address),
            AuditEvent(AuditAction.LOGIN_FAILED, Outcome.DENIED, reason="bad credentials"),
        )
        uow.commit()
        raise NotAuthenticated(SIGN_IN_FAILED)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = uow.now()
    uow.session.add(
        LoginSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            client_address=client_address,
        )
    )
    actor = _actor(uow, user, client_address)
    audit.record(uow, actor, AuditEvent(AuditAction.LOGIN_SUCCEEDED))
    uow.commit()
    return SignedIn(token, csrf, actor)


@dataclass(frozen=True)
class SessionState:
    actor: Actor
    csrf_token: str


def session_state(uow: UnitOfWork, token: str, client_address: str | None) -> SessionState | None:
    """The person behind a session cookie, or None if the session is unknown or has ended."""
    session = uow.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == token_digest(token))
    )
    if session is None or session.ended_at is not None:
        return None
    now = uow.now()
    limits = SessionLimits(
        timedelta(minutes=uow.settings.session_idle_minutes),
        timedelta(hours=uow.settings.session_absolute_hours),
    )
    user = uow.session.get(User, session.user_id)
    if session_end_reason(session.created_at, session.last_seen_at, now, limits) or (
        user is None or user.status != AccountStatus.ACTIVE
    ):
        session.ended_at = now
        uow.commit()
        return None
    session.last_seen_at = now
    uow.commit()
    return SessionState(_actor(uow, user, client_address), session.csrf_token)


def sign_out(uow: UnitOfWork, token: str) -> None:
    session = uow.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == token_digest(token))
    )
    if session is None or session.ended_at is not None:
        return
    session.ended_at = uow.now()
    user = uow.session.get(User, session.user_id)
    if user is not None:
        audit.record(uow, _actor(uow, user), AuditEvent(AuditAction.LOGOUT))
    uow.commit()


def issue_service_credential(uow: UnitOfWork, actor: Actor, name: str, agency_ori: str) -> str:
    """Create an ingest-only token for a camera or vendor system. The token is shown once."""
    require(actor, Permission.ACCOUNTS_MANAGE)
    if not name.strip():
        raise InvalidInput("a service credential needs a name")
    agency = agencies.agency_by_ori(uow, agency_ori)
    existing = uow.session.scalar(select(ServiceCredential).where(ServiceCredential.name == name))
    if existing is not None and existing.revoked_at is None:
        existing.revoked_at = uow.now()  # re-issuing replaces the old token
        existing.name = f"{name} (revoked {existing.id})"
        uow.session.flush()
    token = "pwi_" + secrets.token_urlsafe(32)
    uow.session.add(
        ServiceCredential(
            name=name,
            token_prefix=token[:10],
            token_hash=token_digest(token),
            scope=INGEST_SCOPE,
            agency_id=agency.id,
            created_at=uow.now(),
        )
    )
    audit.record(
        uow, actor, AuditEvent(AuditAction.SERVICE_CREDENTIAL_ISSUED, details={"name": name})
    )
    return token


def service_actor(uow: UnitOfWork, token: str, client_address: str | None) -> Actor:
    credential = uow.session.scalar(
        select(ServiceCredential).where(ServiceCredential.token_hash == token_digest(token))
    )
    if credential is None or credential.revoked_at is not None:
        raise NotAuthenticated("missing, unknown or revoked service token")
    credential.last_used_at = uow.now()
    agency = agencies.agency_by_id(uow, credential.agency_id)
    return Actor(
        kind="service",
        id=credential.id,
        username=f"service:{credential.name}",
        name=credential.name,
        role=Role.CAMERA_SERVICE,
        agency_id=agency.id,
        agency_ori=agency.ori,
        agency_name=agency.name,
        client_address=client_address,
    )


def demo_totp_code(uow: UnitOfWork, username: str) -> str:
    user = uow.session.scalar(select(User).where(User.username == username))
    if user is None or not user.totp_secret:
        raise InvalidInput(f"no demo account '{username}'")
    return pyotp.TOTP(user.totp_secret).at(uow.now())
