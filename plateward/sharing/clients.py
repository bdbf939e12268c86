"""Machine-API credentials for an outside agency's own system (issue 16).

An administrator issues one to an agency under an agreement, naming the person of that agency who
answers for it: scoped (``reads:search`` only), expiring (at most 90 days), revocable, audited.
The system then searches through the same API, service and guard as a person, with crime type,
case number and justification, and every search is audited under that person with the
credential's name. What it may do is read afresh at every call: a suspended or revoked
agreement, a suspended person, a revoked or expired credential close it at once.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import User
from plateward.accounts.rules import MAX_TOKEN_DAYS, AccountStatus, token_digest
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotAuthenticated, NotFound
from plateward.core.permissions import Actor, Permission, Role
from plateward.sharing import service as agencies
from plateward.sharing.agreements import AgreementTarget
from plateward.sharing.models import AgencyClient

PREFIX = "pwa_"
UNKNOWN = "missing, unknown, expired or revoked token"


@dataclass(frozen=True)
class ClientView:
    id: int
    agency: str
    ori: str
    person: str
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def _view(uow: UnitOfWork, c: AgencyClient) -> ClientView:
    agency = agencies.agency_by_id(uow, c.agency_id)
    user = uow.session.get(User, c.user_id)
    return ClientView(
        c.id,
        agency.name,
        agency.ori,
        user.full_name if user else f"person {c.user_id}",
        c.name,
        c.token_prefix,
        tuple(json.loads(c.scopes)),
        c.created_at,
        c.expires_at,
        c.revoked_at,
        c.last_used_at,
    )


def issue_client(
    uow: UnitOfWork, actor: Actor, *, ori: str, username: str, name: str, days: int
) -> tuple[ClientView, str]:
    """Issue an agency's system a credential (sharing:manage); the secret is shown once."""
    agency = agencies.agency_by_ori(uow, ori.strip().upper())
    target = AgreementTarget(agencies.facts(agency))
    authorize(uow, actor, Permission.SHARING_MANAGE, target, target="sharing:clients")
    user = uow.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or user.agency_id != agency.id or user.role != Role.EXTERNAL_AGENCY:
        raise InvalidInput(f"name a person of {agency.name} who answers for this system")
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise InvalidInput("name the system (at most 120 characters)")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a credential lasts between 1 and {MAX_TOKEN_DAYS} days")
    secret = PREFIX + secrets.token_urlsafe(32)
    scopes = [Permission.READS_SEARCH.value]  # an agency system searches; alerts are people's
    client = AgencyClient(
        agency_id=agency.id,
        user_id=user.id,
        name=name,
        token_prefix=secret[:10],
        token_hash=token_digest(secret),
        scopes=json.dumps(scopes),
        statement_version=people.current_statement(uow).version,
        created_at=uow.now(),
        created_by=actor.name,
        expires_at=uow.now() + timedelta(days=days),
    )
    uow.session.add(client)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AGENCY_CLIENT_ISSUED,
            details={
                "client_id": client.id,
                "agency": agency.ori,
                "person": user.username,
                "name": name,
                "scopes": scopes,
                "days": days,
            },
        ),
    )
    uow.commit()
    return _view(uow, client), secret


def revoke_client(uow: UnitOfWork, actor: Actor, client_id: int) -> ClientView:
    authorize(uow, actor, Permission.SHARING_MANAGE, target=f"sharing:client:{client_id}")
    client = uow.session.get(AgencyClient, client_id) if 0 < client_id < 2**31 else None
    if client is None:
        raise NotFound(f"no agency client {client_id}")
    if client.revoked_at is None:
        client.revoked_at, client.revoked_by = uow.now(), actor.name
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.AGENCY_CLIENT_REVOKED,
                details={"client_id": client.id, "name": client.name},
            ),
        )
    uow.commit()
    return _view(uow, client)


def list_clients(uow: UnitOfWork, actor: Actor) -> list[ClientView]:
    authorize(uow, actor, Permission.SHARING_MANAGE, target="sharing:clients")
    rows = uow.session.scalars(select(AgencyClient).order_by(AgencyClient.id.desc()))
    return [_view(uow, c) for c in rows]


def client_actor(uow: UnitOfWork, secret: str, client_address: str | None) -> Actor:
    """The person who answers for this credential, acting through it: narrowed to its scopes,
    named with the system in the audit trail. Unknown, expired or revoked: not authenticated."""
    client = uow.session.scalar(
        select(AgencyClient).where(AgencyClient.token_hash == token_digest(secret))
    )
    if client is None or client.revoked_at is not None or client.expires_at <= uow.now():
        raise NotAuthenticated(UNKNOWN)
    user = uow.session.get(User, client.user_id)
    if user is None or user.status != AccountStatus.ACTIVE or user.agency_id != client.agency_id:
        raise NotAuthenticated(UNKNOWN)
    client.last_used_at = uow.now()
    actor = people.actor_for(
        uow,
        user,
        client_address=client_address,
        acknowledged_version=client.statement_version,
        token_scopes=frozenset(Permission(s) for s in json.loads(client.scopes)),
    )
    return replace(actor, name=f"{actor.name} (agency system: {client.name})"[:200])
