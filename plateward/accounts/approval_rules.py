"""Separation of duties for privileged changes (pure).

DUP §9 — audits are done by a unit other than the Crime Data Intelligence Center, at the direction
of the Deputy Chief; the City's Digital Privacy Officer may call further audits. DUP §12 — only
authorized staff administer the system. So an administrator alone can neither make an auditor
(and read the trail as one), nor silence the real one or the people who confirm such changes, nor
make another administrator or change the legal restrictions everyone accepts. Each such change
waits for a second, different person:

| change                                            | who confirms                         |
|---------------------------------------------------|--------------------------------------|
| an account created with the auditor or DPO role   | command staff or the DPO             |
| an account created as administrator or command    | command staff                        |
| a privileged account suspended (auditor, DPO,     | command staff or the DPO             |
|   command staff, administrator)                   |                                      |
| a new restriction statement published             | command staff or the DPO             |

Nobody confirms their own request, and the local operator at the host (the bootstrap of an
installation, ``plateward demo``) is outside this rule: host access is its own trust tier
(docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from plateward.core.permissions import Actor, ActorKind, Permission, Role

PRIVILEGED_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.AUDITOR, Role.IT_AUDITOR, Role.PRIVACY_OFFICER, Role.COMMAND}
)
# Oversight roles: the people who watch the administrators (the City IT department's auditor too).
OVERSIGHT_ROLES = frozenset({Role.AUDITOR, Role.IT_AUDITOR, Role.PRIVACY_OFFICER})


class ChangeKind(StrEnum):
    CREATE_PERSON = "create_person"
    SUSPEND_PRIVILEGED = "suspend_privileged"
    PUBLISH_STATEMENT = "publish_statement"


class ChangeState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def approver_roles(kind: ChangeKind, role: Role | None = None) -> frozenset[Role]:
    """Whose confirmation a change needs; empty when it needs none."""
    if kind is ChangeKind.SUSPEND_PRIVILEGED:
        # Silencing an auditor or an approver would let one administrator remove the oversight.
        return (
            frozenset({Role.COMMAND, Role.PRIVACY_OFFICER})
            if role in PRIVILEGED_ROLES
            else frozenset()
        )
    if kind is ChangeKind.CREATE_PERSON:
        if role in OVERSIGHT_ROLES:
            return frozenset({Role.COMMAND, Role.PRIVACY_OFFICER})
        if role in PRIVILEGED_ROLES:
            return frozenset({Role.COMMAND})
        return frozenset()
    return frozenset({Role.COMMAND, Role.PRIVACY_OFFICER})


def needs_second_person(actor: Actor, kind: ChangeKind, role: Role | None = None) -> bool:
    """A person's privileged change waits for a confirmation; the host operator's does not."""
    return actor.kind is ActorKind.PERSON and bool(approver_roles(kind, role))


@dataclass(frozen=True)
class PendingChangeResource:
    """A change waiting for its second person: the resource policy ``authorize`` consults."""

    id: int
    kind: ChangeKind
    role: Role | None
    requested_by_id: int | None
    state: ChangeState

    @property
    def audit_label(self) -> str:
        return f"pending_change:{self.id}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        if self.state is not ChangeState.PENDING:
            return f"this change was already {self.state.value}"
        if actor.id is not None and actor.id == self.requested_by_id:
            return "a second person must confirm this change: you requested it"
        allowed = approver_roles(self.kind, self.role)
        if actor.role not in allowed:
            names = " or ".join(sorted(r.value.replace("_", " ") for r in allowed))
            return f"this change needs confirmation by {names}"
        return None
