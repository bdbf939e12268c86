"""The one decision point for access: ``authorize(uow, actor, permission, resource)``.

Services call it before they touch anything; routes reach it through ``web/deps.py``; the CLI and
background jobs call it through the same services. It asks two questions, in order:

1. does the actor hold the permission (role, classes, training, acknowledgment, token scopes —
   ``core.permissions.allowed``), and
2. if a resource is named, does that resource's own policy let this actor act on it (a camera
   outside the actor's class, a person changing their own privileges, an agency without an
   agreement). Each capability writes its policy as a pure ``refusal()`` method on its resource
   object in its ``rules.py``; this module knows none of them.

A refusal is written to the audit trail here, whoever asked (DUP §9: refused attempts are logged
like granted ones), and committed before the error is raised, so the trace survives the rollback
of the refused use case. Call it before changing anything: the commit keeps what the unit of work
holds at that point.
"""

from __future__ import annotations

from typing import Protocol

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.database import UnitOfWork
from plateward.core.errors import AcknowledgmentRequired, PermissionDenied
from plateward.core.permissions import Actor, Permission, allowed, require

SESSION_ONLY = "Personal tokens are issued from a signed-in session only."


class Resource(Protocol):
    """Something an actor acts on that has a policy of its own (pure; no I/O)."""

    @property
    def audit_label(self) -> str:
        """How the audit entry names it, e.g. ``person:12`` or ``camera:SJ-FX-001``."""
        ...

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        """Why ``actor`` may not use ``permission`` on this resource, or None when it may.

        The reason is shown to the person and written to the audit trail: it must not reveal
        data the actor could not otherwise see.
        """
        ...


def authorize(
    uow: UnitOfWork,
    actor: Actor,
    permission: Permission,
    resource: Resource | None = None,
    *,
    target: str | None = None,
) -> Actor:
    """The actor, when it may use ``permission`` (on ``resource``); otherwise audit and raise.

    ``target`` names what was attempted in the audit entry (a route's path, a CLI command);
    without it the caller's permission stands for it.
    """
    held = allowed(actor, permission)
    reason = None if held else f"lacks {permission.value}"
    if held and resource is not None:
        reason = resource.refusal(actor, permission)
    if reason is None:
        return actor
    if actor.is_person and not actor.acknowledged:
        # Before accepting the restrictions a person is sent to the prompt, not refused.
        require(actor, permission)
    record_refusal(uow, actor, permission, reason, target=target, resource=resource)
    if not held:
        require(actor, permission)  # raises the precise refusal (training, missing permission)
    raise PermissionDenied(reason)


def authorize_in_session(uow: UnitOfWork, actor: Actor, *, target: str | None = None) -> Actor:
    """The actor, when it is a person acting from their own signed-in session (not a token, not
    a service) who has accepted the current restrictions: what a person's use of their own account
    needs (issuing a personal token), which no permission grants.

    DUP update 2026 — nothing before the login prompt is accepted: the person is sent to it
    (``AcknowledgmentRequired``), as ``authorize`` does. Any other caller is refused and audited.
    """
    if not actor.is_person or actor.token_scopes is not None:
        record_refusal(uow, actor, None, SESSION_ONLY, target=target)
        raise PermissionDenied(SESSION_ONLY)
    if not actor.acknowledged:
        raise AcknowledgmentRequired("Accept the legal restrictions before any query.")
    return actor


def record_refusal(
    uow: UnitOfWork,
    actor: Actor,
    permission: Permission | None,
    reason: str,
    *,
    target: str | None = None,
    resource: Resource | None = None,
) -> None:
    """Write one ``access.refused`` entry and commit it (the refused use case will roll back)."""
    details: dict[str, object] = {}
    if permission is not None:
        details["permission"] = permission.value
    if target:
        details["target"] = target[:200]
    if resource is not None:
        details["resource"] = resource.audit_label
    audit.record(
        uow,
        actor,
        AuditEvent(AuditAction.ACCESS_REFUSED, Outcome.DENIED, reason=reason, details=details),
    )
    uow.commit()
