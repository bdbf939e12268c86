"""People, classes of access, training and the restriction statement (administrators' use cases),
and building the ``Actor`` every other capability receives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyotp
from argon2 import PasswordHasher
from sqlalchemy import delete, func, select

from plateward.accounts import approvals
from plateward.accounts.approval_rules import ChangeKind, needs_second_person
from plateward.accounts.approvals import PendingChangeView
from plateward.accounts.models import (
    AccessClass,
    ApiToken,
    ClassMember,
    LoginSession,
    RestrictionStatement,
    TrainingRecord,
    User,
)
from plateward.accounts.rules import (
    CLASS_ROLES,
    AccountStatus,
    PersonChange,
    PersonResource,
    class_grant_refusal,
    training_current,
)
from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, ActorKind, Permission, Role
from plateward.core.sealing import seal
from plateward.sharing import service as agencies

_hasher = PasswordHasher()  # argon2id with the library's vetted defaults
MANAGE = Permission.ACCOUNTS_MANAGE
MIN_PASSWORD = 12
PERSON_ROLES = frozenset(Role) - {Role.SYSTEM, Role.WORKER, Role.PUBLIC, Role.CAMERA_SERVICE}


def hasher() -> PasswordHasher:
    return _hasher


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
    totp_secret: str | None  # set only for pre-enrolled (demo) accounts


@dataclass(frozen=True)
class PersonView:
    id: int
    username: str
    full_name: str
    badge: str | None
    unit: str
    role: str
    agency: str
    status: str
    enrolled: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None
    trained_until: date | None
    classes: tuple[str, ...]


def _check_spec(uow: UnitOfWork, spec: PersonSpec) -> None:
    # DUP §9 — every audit entry names the person, badge and unit: an account has both names.
    if not spec.full_name.strip() or not spec.unit.strip():
        raise InvalidInput("give the person's full name and unit")
    if spec.role not in PERSON_ROLES:
        raise InvalidInput(f"'{spec.role}' is not a role a person can hold")
    if len(spec.password) < MIN_PASSWORD:
        raise InvalidInput(f"passwords must be at least {MIN_PASSWORD} characters long")
    name = spec.username
    if not name.strip() or not name.isascii() or not name.isprintable() or " " in name:
        raise InvalidInput("usernames are ASCII without spaces")
    if uow.session.scalar(select(User.id).where(User.username == spec.username)):
        raise Conflict(f"username '{spec.username}' is taken")


def create_person(
    uow: UnitOfWork, actor: Actor, spec: PersonSpec, *, pre_enrolled: bool = False
) -> NewPerson | PendingChangeView:
    """An administrator creates an account; MFA is enrolled at first sign-in.

    A privileged account (administrator, auditor, DPO, command) waits for a second person's
    confirmation (``approval_rules``): the answer is then the pending change, not the account.
    ``pre_enrolled`` is for the demo only: the TOTP secret is set now so it can be printed.
    """
    authorize(uow, actor, MANAGE)
    _check_spec(uow, spec)
    agency = agencies.agency_by_ori(uow, spec.agency_ori)
    # DUP §10 (issue 16) — an outside agency's people hold the outside-agency role, whose reach
    # their agency's agreement decides; the department's own roles are the department's.
    if (spec.role == Role.EXTERNAL_AGENCY) == agency.is_home:
        raise InvalidInput(
            "people of an outside agency hold the role external_agency, and only they do"
        )
    fields = {
        "username": spec.username,
        "full_name": spec.full_name.strip(),
        "badge": spec.badge,
        "unit": spec.unit.strip(),
        "role": spec.role,
        "agency_id": agency.id,
        "password_hash": _hasher.hash(spec.password),
    }
    role = Role(spec.role)
    if needs_second_person(actor, ChangeKind.CREATE_PERSON, role):
        summary = f"create {role.value} account '{spec.username}' ({spec.full_name}, {spec.unit})"
        return approvals.propose(uow, actor, ChangeKind.CREATE_PERSON, summary, fields, role=role)
    created = _insert_person(uow, actor, fields, pre_enrolled=pre_enrolled)
    uow.commit()
    return created


def _insert_person(
    uow: UnitOfWork, actor: Actor, fields: dict[str, Any], *, pre_enrolled: bool = False
) -> NewPerson:
    secret = pyotp.random_base32() if pre_enrolled else None
    user = User(
        **fields,
        totp_secret=seal(uow.settings, secret) if secret else None,
        totp_confirmed_at=uow.now() if pre_enrolled else None,
        status=AccountStatus.ACTIVE,
        created_at=uow.now(),
        failed_sign_ins=0,
    )
    uow.session.add(user)
    uow.session.flush()
    _audit_account(uow, actor, AuditAction.ACCOUNT_CREATED, user, role=fields["role"])
    return NewPerson(user.id, user.username, secret)


def apply_new_person(
    uow: UnitOfWork, approver: Actor, fields: dict[str, Any], *, requested_by: str
) -> NewPerson:
    """A confirmed account request takes effect (the approver's transaction; no commit here)."""
    if uow.session.scalar(select(User.id).where(User.username == fields["username"])):
        raise Conflict(f"username '{fields['username']}' was taken meanwhile")
    return _insert_person(uow, approver, fields)


def _audit_account(
    uow: UnitOfWork, actor: Actor, action: AuditAction, user: User, **details: object
) -> None:
    audit.record(uow, actor, AuditEvent(action, details={"username": user.username, **details}))


def _user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("no such person")
    return user


def _changing(uow: UnitOfWork, actor: Actor, user_id: int, change: PersonChange) -> User:
    """The person ``actor`` may make ``change`` to: ``accounts:manage``, and never on oneself
    (the person's own policy, ``PersonResource``); a refusal is audited before anything changes."""
    found = uow.session.get(User, user_id)
    role = Role(found.role) if found is not None else None
    authorize(uow, actor, MANAGE, PersonResource(user_id, role, change))
    return _user(uow, user_id)


def set_status(
    uow: UnitOfWork, actor: Actor, user_id: int, status: str, reason: str
) -> PendingChangeView | None:
    """Suspend or re-enable an account; suspension ends every session at once."""
    user = _changing(uow, actor, user_id, PersonChange.STATUS)
    if status not in set(AccountStatus):
        raise InvalidInput(f"unknown account status '{status}'")
    if not reason.strip():
        raise InvalidInput("give a reason; it goes into the audit trail")
    role = Role(user.role)
    if (
        status == AccountStatus.SUSPENDED
        and user.status != AccountStatus.SUSPENDED
        and needs_second_person(actor, ChangeKind.SUSPEND_PRIVILEGED, role)
    ):
        # DUP §9 — the unit that audits, and the people who confirm privileged changes, cannot be
        # silenced by one administrator.
        summary = f"suspend {role.value} '{user.username}' ({user.full_name}): {reason.strip()}"
        payload = {"user_id": user.id, "reason": reason.strip()}
        return approvals.propose(
            uow,
            actor,
            ChangeKind.SUSPEND_PRIVILEGED,
            summary[:500],
            payload,
            role=role,
            target_user_id=user.id,
        )
    _set_status(uow, actor, user, status, reason.strip())
    uow.commit()
    return None


def apply_status(
    uow: UnitOfWork, approver: Actor, payload: dict[str, Any], *, requested_by: str
) -> None:
    """A confirmed suspension takes effect (the approver's transaction; no commit here)."""
    user = _user(uow, int(payload["user_id"]))
    _set_status(uow, approver, user, AccountStatus.SUSPENDED, payload["reason"], requested_by)


def _set_status(
    uow: UnitOfWork,
    actor: Actor,
    user: User,
    status: str,
    reason: str,
    requested_by: str | None = None,
) -> None:
    user.status = status
    extra: dict[str, object] = {"requested_by": requested_by} if requested_by else {}
    if status == AccountStatus.ACTIVE:
        user.failed_sign_ins, user.locked_until = 0, None
        action = AuditAction.ACCOUNT_REENABLED
    else:
        end_sessions(uow, user.id)
        # A suspended person's scripts stop with their sessions, and stay stopped if re-enabled.
        extra["tokens_revoked"] = revoke_tokens(uow, user.id)
        action = AuditAction.ACCOUNT_SUSPENDED
    _audit_account(uow, actor, action, user, reason=reason, **extra)


def revoke_tokens(uow: UnitOfWork, user_id: int) -> int:
    """Revoke every live personal API token of a person; how many were revoked."""
    live = uow.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        token.revoked_at = uow.now()
    return len(live)


def end_sessions(uow: UnitOfWork, user_id: int) -> int:
    sessions = uow.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
    ).all()
    for s in sessions:
        s.ended_at = uow.now()
    return len(sessions)


def record_training(
    uow: UnitOfWork, actor: Actor, user_id: int, course: str, completed_on: date, expires_on: date
) -> None:
    # DUP §4.1, §13 — training opens data access: never recorded by the person it opens it for.
    user = _changing(uow, actor, user_id, PersonChange.TRAINING)
    if not course.strip():
        raise InvalidInput("name the course")
    if expires_on <= completed_on:
        raise InvalidInput("training must expire after it was completed")
    if completed_on > uow.now().date():
        raise InvalidInput("training cannot be completed in the future")
    uow.session.add(
        TrainingRecord(
            user_id=user.id,
            course=course.strip(),
            completed_on=completed_on,
            expires_on=expires_on,
            recorded_by=actor.username,
            recorded_at=uow.now(),
        )
    )
    _audit_account(
        uow,
        actor,
        AuditAction.TRAINING_RECORDED,
        user,
        course=course.strip(),
        expires_on=expires_on.isoformat(),
    )
    uow.commit()


def trained_until(uow: UnitOfWork, user_id: int) -> date | None:
    return uow.session.scalar(
        select(TrainingRecord.expires_on)
        .where(TrainingRecord.user_id == user_id)
        .order_by(TrainingRecord.expires_on.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class ClassView:
    id: int
    name: str
    description: str
    grants: tuple[str, ...]
    camera_codes: tuple[str, ...] | None
    members: tuple[str, ...]


def create_class(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    description: str,
    grants: list[str],
    camera_codes: list[str] | None,
    role: str | None = None,
) -> ClassView:
    """A class of access (DUP §12.1-2). ``role`` names whom it is for: it may then grant only what
    that role can receive; without a role, only what some person's role can receive. (The role is
    checked here and recorded in the audit entry; membership stays open to every role, and a
    member never holds more than their own role's ceiling.)"""
    authorize(uow, actor, MANAGE)
    unknown = set(grants) - {p.value for p in Permission}
    if unknown:
        raise InvalidInput(f"unknown permission(s): {', '.join(sorted(unknown))}")
    for_role = _class_role(role)
    refused = class_grant_refusal((Permission(g) for g in grants), for_role)
    if refused:
        raise InvalidInput(refused)
    if not name.strip():
        raise InvalidInput("a class needs a name")
    if uow.session.scalar(select(AccessClass.id).where(AccessClass.name == name.strip())):
        raise Conflict(f"a class named '{name.strip()}' exists")
    access_class = AccessClass(
        name=name.strip(),
        description=description.strip(),
        grants=json.dumps(sorted(grants)),
        camera_codes=None if camera_codes is None else json.dumps(sorted(set(camera_codes))),
        created_at=uow.now(),
    )
    uow.session.add(access_class)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.CLASS_CREATED,
            details={
                "class": access_class.name,
                "grants": sorted(grants),
                "cameras": camera_codes,
                "for_role": for_role.value if for_role else None,
            },
        ),
    )
    uow.commit()
    return _class_view(uow, access_class)


def _class_role(role: str | None) -> Role | None:
    if not role:
        return None
    if role not in {r.value for r in CLASS_ROLES}:
        raise InvalidInput(f"'{role}' is not a role a class can be for")
    return Role(role)


def set_classes(uow: UnitOfWork, actor: Actor, user_id: int, class_ids: list[int]) -> None:
    # DUP §12 — classes decide what a person reaches: nobody grants themselves a class.
    user = _changing(uow, actor, user_id, PersonChange.CLASSES)
    classes = uow.session.scalars(select(AccessClass).where(AccessClass.id.in_(class_ids))).all()
    if len(classes) != len(set(class_ids)):
        raise NotFound("no such class")
    uow.session.execute(delete(ClassMember).where(ClassMember.user_id == user.id))
    uow.session.add_all(ClassMember(class_id=c.id, user_id=user.id) for c in classes)
    _audit_account(
        uow,
        actor,
        AuditAction.CLASS_MEMBERSHIP_CHANGED,
        user,
        classes=sorted(c.name for c in classes),
    )
    uow.commit()


def _class_view(uow: UnitOfWork, c: AccessClass) -> ClassView:
    members = uow.session.scalars(
        select(User.username)
        .join(ClassMember, ClassMember.user_id == User.id)
        .where(ClassMember.class_id == c.id)
        .order_by(User.username)
    ).all()
    cameras = tuple(json.loads(c.camera_codes)) if c.camera_codes is not None else None
    return ClassView(
        c.id, c.name, c.description, tuple(json.loads(c.grants)), cameras, tuple(members)
    )


def list_classes(uow: UnitOfWork, actor: Actor) -> list[ClassView]:
    authorize(uow, actor, MANAGE)
    rows = uow.session.scalars(select(AccessClass).order_by(AccessClass.name)).all()
    return [_class_view(uow, c) for c in rows]


def _classes_of(uow: UnitOfWork, user_id: int) -> list[AccessClass]:
    return list(
        uow.session.scalars(
            select(AccessClass)
            .join(ClassMember, ClassMember.class_id == AccessClass.id)
            .where(ClassMember.user_id == user_id)
            .order_by(AccessClass.name)
        )
    )


def _person_view(uow: UnitOfWork, user: User) -> PersonView:
    agency = agencies.agency_by_id(uow, user.agency_id)
    return PersonView(
        user.id,
        user.username,
        user.full_name,
        user.badge,
        user.unit,
        user.role,
        agency.name,
        user.status,
        user.totp_confirmed_at is not None,
        user.locked_until,
        user.last_sign_in_at,
        trained_until(uow, user.id),
        tuple(c.name for c in _classes_of(uow, user.id)),
    )


def list_people(uow: UnitOfWork, actor: Actor) -> list[PersonView]:
    authorize(uow, actor, MANAGE)
    users = uow.session.scalars(select(User).order_by(User.username)).all()
    return [_person_view(uow, u) for u in users]


def person(uow: UnitOfWork, actor: Actor, user_id: int) -> PersonView:
    authorize(uow, actor, MANAGE)
    return _person_view(uow, _user(uow, user_id))


@dataclass(frozen=True)
class Statement:
    version: str
    text: str
    published_at: datetime


def current_statement(uow: UnitOfWork) -> Statement:
    row = uow.session.scalar(
        select(RestrictionStatement).order_by(RestrictionStatement.id.desc()).limit(1)
    )
    if row is None:
        raise NotFound("no restriction statement is published")
    return Statement(row.version, row.text, row.published_at)


def publish_statement(
    uow: UnitOfWork, actor: Actor, version: str, text: str
) -> Statement | PendingChangeView:
    """A new version: everyone must accept it again at their next query."""
    authorize(uow, actor, MANAGE)
    if not version.strip() or not text.strip():
        raise InvalidInput("a statement needs a version and its text")
    exists = uow.session.scalar(
        select(RestrictionStatement.id).where(RestrictionStatement.version == version.strip())
    )
    if exists:
        raise Conflict(f"version '{version.strip()}' is already published")
    payload = {"version": version.strip(), "text": text.strip()}
    if needs_second_person(actor, ChangeKind.PUBLISH_STATEMENT):
        summary = f"publish restriction statement version '{version.strip()}'"
        return approvals.propose(uow, actor, ChangeKind.PUBLISH_STATEMENT, summary, payload)
    _insert_statement(uow, actor, payload, actor.username)
    uow.commit()
    return current_statement(uow)


def apply_statement(
    uow: UnitOfWork, approver: Actor, payload: dict[str, Any], *, requested_by: str
) -> None:
    """A confirmed statement is published (the approver's transaction; no commit here)."""
    exists = uow.session.scalar(
        select(RestrictionStatement.id).where(RestrictionStatement.version == payload["version"])
    )
    if exists:
        raise Conflict(f"version '{payload['version']}' was published meanwhile")
    _insert_statement(uow, approver, payload, requested_by)


def _insert_statement(
    uow: UnitOfWork, actor: Actor, payload: dict[str, Any], published_by: str
) -> None:
    uow.session.add(
        RestrictionStatement(
            version=payload["version"],
            text=payload["text"],
            published_at=uow.now(),
            published_by=published_by,
        )
    )
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.STATEMENT_PUBLISHED,
            details={"version": payload["version"], "requested_by": published_by},
        ),
    )


def actor_for(
    uow: UnitOfWork,
    user: User,
    *,
    client_address: str | None = None,
    acknowledged_version: str | None = None,
    token_scopes: frozenset[Permission] | None = None,
) -> Actor:
    """Everything a service needs to know about a person: role, classes, training, consent."""
    agency = agencies.agency_by_id(uow, user.agency_id)
    classes = _classes_of(uow, user.id)
    grants = frozenset(Permission(g) for c in classes for g in json.loads(c.grants))
    scopes = [json.loads(c.camera_codes) for c in classes if c.camera_codes is not None]
    # With no class restricting cameras, every camera; otherwise the cameras any class allows.
    restricted = bool(scopes) and len(scopes) == len(classes)
    scope = frozenset(code for codes in scopes for code in codes) if restricted else None
    expiry = trained_until(uow, user.id)
    # DUP §10 — an outside agency's person holds what their agency's agreement in force opens
    # (or an approved first-access request), read afresh at every request (sharing/service.py).
    outside: frozenset[Permission] = frozenset()
    if user.role == Role.EXTERNAL_AGENCY:
        outside = agencies.outside_permissions(uow, agency.id, user.id)
        # ... and only the home department's cameras: data other agencies' cameras send here is
        # theirs to share, not San José's (no transitive sharing).
        home = agencies.home_agency_id(uow)
        own = cameras.codes_of_agency(uow, home) if home is not None else frozenset()
        scope = own if scope is None else scope & own
    return Actor(
        kind=ActorKind.PERSON,
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
        extra_permissions=outside,
        class_grants=grants,
        camera_scope=scope,
        trained=training_current([expiry] if expiry else [], uow.now().date()),
        acknowledged=acknowledged_version == current_statement(uow).version,
        token_scopes=token_scopes,
    )


# --- for oversight (issue 18): who has access, as a figure ----------------------------------------


def agencies_with_active_accounts(uow: UnitOfWork) -> dict[int, int]:
    """Agency id → how many active personal accounts it holds: the agencies whose people can
    sign in today (the public portal lists them; the sharing capability adds its agreements)."""
    rows = uow.session.execute(
        select(User.agency_id, func.count())
        .where(User.status == "active", User.role.not_in([str(Role.CAMERA_SERVICE)]))
        .group_by(User.agency_id)
    )
    return {int(agency_id): int(count) for agency_id, count in rows}
