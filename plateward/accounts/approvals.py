"""Privileged changes wait for a second person (DUP §9, §12): propose, approve, reject, list.

The rule of who confirms what is in ``approval_rules.py``. A proposal is stored with what applying
it needs and audited as ``change.requested``; the confirmation applies it in the approver's
transaction, audited as ``change.approved`` next to the change's own entry (``account.created``,
``account.suspended``, ``statement.published``). Auditors, approvers and administrators see what
is pending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from plateward.accounts.approval_rules import (
    ChangeKind,
    ChangeState,
    PendingChangeResource,
)
from plateward.accounts.models import PendingChange
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission, Role, allowed


@dataclass(frozen=True)
class PendingChangeView:
    id: int
    kind: str
    role: str | None
    summary: str
    state: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


def _view(row: PendingChange) -> PendingChangeView:
    return PendingChangeView(
        row.id,
        row.kind,
        row.role,
        row.summary,
        row.state,
        row.requested_by,
        row.requested_at,
        row.decided_by,
        row.decided_at,
        row.decision_reason,
    )


def propose(
    uow: UnitOfWork,
    actor: Actor,
    kind: ChangeKind,
    summary: str,
    payload: dict[str, Any],
    *,
    role: Role | None = None,
    target_user_id: int | None = None,
) -> PendingChangeView:
    """Store a privileged change for a second person; the caller has authorized the actor."""
    duplicate = uow.session.scalar(
        select(PendingChange.id).where(
            PendingChange.state == ChangeState.PENDING,
            PendingChange.kind == kind,
            PendingChange.summary == summary,
        )
    )
    if duplicate is not None:
        raise Conflict(f"the same change is already waiting for confirmation (#{duplicate})")
    row = PendingChange(
        kind=kind,
        role=role,
        target_user_id=target_user_id,
        summary=summary,
        payload=json.dumps(payload),
        state=ChangeState.PENDING,
        requested_by_id=actor.id,
        requested_by=actor.username,
        requested_at=uow.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.CHANGE_REQUESTED,
            details={"change": row.id, "kind": kind.value, "summary": summary},
        ),
    )
    uow.commit()
    return _view(row)


def _pending(uow: UnitOfWork, change_id: int) -> tuple[PendingChange, PendingChangeResource]:
    row = uow.session.get(PendingChange, change_id)
    if row is None:
        raise NotFound("no such change")
    resource = PendingChangeResource(
        row.id,
        ChangeKind(row.kind),
        Role(row.role) if row.role else None,
        row.requested_by_id,
        ChangeState(row.state),
    )
    return row, resource


def _decide(row: PendingChange, actor: Actor, state: ChangeState, at: datetime) -> None:
    row.state, row.decided_by, row.decided_at = state, actor.username, at


def approve(uow: UnitOfWork, actor: Actor, change_id: int) -> PendingChangeView:
    """A second person confirms: the change takes effect now, in this transaction."""
    authorize(uow, actor, Permission.ACCOUNTS_APPROVE)  # before saying whether the change exists
    row, resource = _pending(uow, change_id)
    authorize(uow, actor, Permission.ACCOUNTS_APPROVE, resource)
    _decide(row, actor, ChangeState.APPROVED, uow.now())
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.CHANGE_APPROVED,
            details={"change": row.id, "kind": row.kind, "requested_by": row.requested_by},
        ),
    )
    _apply(uow, actor, row)
    uow.commit()
    return _view(row)


def reject(uow: UnitOfWork, actor: Actor, change_id: int, reason: str) -> PendingChangeView:
    authorize(uow, actor, Permission.ACCOUNTS_APPROVE)
    row, resource = _pending(uow, change_id)
    authorize(uow, actor, Permission.ACCOUNTS_APPROVE, resource)
    if not reason.strip():
        raise InvalidInput("give a reason; it goes into the audit trail")
    _decide(row, actor, ChangeState.REJECTED, uow.now())
    row.decision_reason = reason.strip()[:500]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.CHANGE_REJECTED,
            reason=reason.strip()[:500],
            details={"change": row.id, "kind": row.kind, "requested_by": row.requested_by},
        ),
    )
    uow.commit()
    return _view(row)


def may_decide(actor: Actor) -> bool:
    """Whether the page offers the Confirm and Turn down buttons (the service decides again)."""
    return allowed(actor, Permission.ACCOUNTS_APPROVE)


# Who may see the list: approvers act on it, auditors watch it, administrators follow their own.
_WATCHERS = (Permission.ACCOUNTS_APPROVE, Permission.AUDIT_READ, Permission.ACCOUNTS_MANAGE)


def changes(uow: UnitOfWork, actor: Actor, limit: int = 200) -> list[PendingChangeView]:
    """Pending changes first, then the latest decisions."""
    permission = next((p for p in _WATCHERS if allowed(actor, p)), Permission.ACCOUNTS_APPROVE)
    authorize(uow, actor, permission)
    rows = uow.session.scalars(
        select(PendingChange)
        .order_by((PendingChange.state == ChangeState.PENDING).desc(), PendingChange.id.desc())
        .limit(limit)
    ).all()
    return [_view(r) for r in rows]


def _apply(uow: UnitOfWork, approver: Actor, row: PendingChange) -> None:
    from plateward.accounts import service as people

    payload = json.loads(row.payload)
    kind = ChangeKind(row.kind)
    if kind is ChangeKind.CREATE_PERSON:
        people.apply_new_person(uow, approver, payload, requested_by=row.requested_by)
    elif kind is ChangeKind.SUSPEND_PRIVILEGED:
        people.apply_status(uow, approver, payload, requested_by=row.requested_by)
    else:
        people.apply_statement(uow, approver, payload, requested_by=row.requested_by)
