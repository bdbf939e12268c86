"""Tokens: camera/vendor ingest credentials, and people's personal API tokens."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import ApiToken, ServiceCredential, User
from plateward.accounts.rules import MAX_TOKEN_DAYS, AccountStatus, token_digest
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize, authorize_in_session
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotAuthenticated, NotFound
from plateward.core.permissions import Actor, ActorKind, Permission, Role
from plateward.sharing import service as agencies

INGEST_SCOPE = "reads:ingest"
SERVICE_PREFIX, PERSONAL_PREFIX = "pwi_", "pwp_"


def issue_service_credential(uow: UnitOfWork, actor: Actor, name: str, agency_ori: str) -> str:
    """Create an ingest-only token for a camera or vendor system. The token is shown once."""
    authorize(uow, actor, Permission.ACCOUNTS_MANAGE)
    if not name.strip():
        raise InvalidInput("a service credential needs a name")
    agency = agencies.agency_by_ori(uow, agency_ori)
    existing = uow.session.scalar(select(ServiceCredential).where(ServiceCredential.name == name))
    if existing is not None and existing.revoked_at is None:
        existing.revoked_at = uow.now()  # re-issuing replaces the old token
        existing.name = f"{name} (revoked {existing.id})"
        uow.session.flush()
    token = SERVICE_PREFIX + secrets.token_urlsafe(32)
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


def _service_actor(uow: UnitOfWork, token: str, client: str | None) -> Actor:
    credential = uow.session.scalar(
        select(ServiceCredential).where(ServiceCredential.token_hash == token_digest(token))
    )
    if credential is None or credential.revoked_at is not None:
        raise NotAuthenticated("missing, unknown or revoked token")
    credential.last_used_at = uow.now()
    agency = agencies.agency_by_id(uow, credential.agency_id)
    return Actor(
        kind=ActorKind.SERVICE,
        id=credential.id,
        username=f"service:{credential.name}",
        name=credential.name,
        role=Role.CAMERA_SERVICE,
        agency_id=agency.id,
        agency_ori=agency.ori,
        agency_name=agency.name,
        client_address=client,
    )


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def issue_personal_token(
    uow: UnitOfWork, actor: Actor, name: str, scopes: list[str], days: int
) -> str:
    """A person signed in with MFA issues a token for scripts: scoped, expiring, revocable."""
    authorize_in_session(uow, actor)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"tokens last between 1 and {MAX_TOKEN_DAYS} days")
    if not scopes or not name.strip():
        raise InvalidInput("name the token and choose at least one scope")
    beyond = set(scopes) - {p.value for p in actor.permissions}
    if beyond:
        raise InvalidInput(f"you cannot grant what you do not hold: {', '.join(sorted(beyond))}")
    token = PERSONAL_PREFIX + secrets.token_urlsafe(32)
    uow.session.add(
        ApiToken(
            user_id=actor.id,
            name=name.strip(),
            token_prefix=token[:10],
            token_hash=token_digest(token),
            scopes=json.dumps(sorted(scopes)),
            statement_version=people.current_statement(uow).version,
            created_at=uow.now(),
            expires_at=uow.now() + timedelta(days=days),
        )
    )
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.API_TOKEN_ISSUED,
            details={"name": name.strip(), "scopes": sorted(scopes), "days": days},
        ),
    )
    uow.commit()
    return token


def personal_tokens(uow: UnitOfWork, actor: Actor) -> list[TokenView]:
    rows = uow.session.scalars(
        select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())
    )
    return [
        TokenView(
            t.id,
            t.name,
            t.token_prefix,
            tuple(json.loads(t.scopes)),
            t.created_at,
            t.expires_at,
            t.revoked_at,
            t.last_used_at,
        )
        for t in rows
    ]


def revoke_personal_token(uow: UnitOfWork, actor: Actor, token_id: int) -> None:
    token = uow.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = uow.now()
        audit.record(
            uow, actor, AuditEvent(AuditAction.API_TOKEN_REVOKED, details={"name": token.name})
        )
    uow.commit()


def _personal_actor(uow: UnitOfWork, token: str, client: str | None) -> Actor:
    row = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= uow.now():
        raise NotAuthenticated("missing, unknown, expired or revoked token")
    user = uow.session.get(User, row.user_id)
    if user is None or user.status != AccountStatus.ACTIVE:
        raise NotAuthenticated("missing, unknown, expired or revoked token")
    row.last_used_at = uow.now()
    return people.actor_for(
        uow,
        user,
        client_address=client,
        acknowledged_version=row.statement_version,
        token_scopes=frozenset(Permission(s) for s in json.loads(row.scopes)),
    )


def bearer_actor(uow: UnitOfWork, token: str, client: str | None) -> Actor:
    """Whoever holds this bearer token: a camera system, a person's personal token, or an
    outside agency's system (issue 16: its credential answers for a person of that agency)."""
    if token.startswith(PERSONAL_PREFIX):
        return _personal_actor(uow, token, client)
    from plateward.sharing import clients  # imported here: sharing's clients use accounts

    if token.startswith(clients.PREFIX):
        return clients.client_actor(uow, token, client)
    return _service_actor(uow, token, client)
