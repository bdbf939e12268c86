"""Who may do what: one Permission enum, one role table, one ``allowed()``.

Routes declare the permission they need (web/deps.py); services call ``require()`` before they
touch data. Nothing else decides access.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from plateward.core.errors import PermissionDenied


class Role(StrEnum):
    OFFICER = "officer"
    INVESTIGATOR = "investigator"
    LIEUTENANT = "lieutenant"
    COMMAND = "command"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"
    PRIVACY_OFFICER = "privacy_officer"
    EXTERNAL_AGENCY = "external_agency"
    CAMERA_SERVICE = "camera_service"
    SYSTEM = "system"  # the local operator at the command line (plateward ingest, demo)
    PUBLIC = "public"  # anyone not signed in: the transparency portal, the sign-in page


class Permission(StrEnum):
    """``resource:action``, kept alphabetical."""

    ACCOUNTS_MANAGE = "accounts:manage"
    AUDIT_READ = "audit:read"
    CAMERAS_MANAGE = "cameras:manage"
    CAMERAS_VIEW = "cameras:view"
    QUARANTINE_VIEW = "quarantine:view"
    READS_INGEST = "reads:ingest"
    READS_MONITOR = "reads:monitor"


_ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset({Permission.CAMERAS_VIEW}),
    Role.INVESTIGATOR: frozenset({Permission.CAMERAS_VIEW}),
    Role.LIEUTENANT: frozenset({Permission.CAMERAS_VIEW}),
    Role.COMMAND: frozenset({Permission.CAMERAS_VIEW}),
    # DUP §12 — administrative access controls cameras, classes and the data pipeline.
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.ACCOUNTS_MANAGE,
            Permission.CAMERAS_MANAGE,
            Permission.CAMERAS_VIEW,
            Permission.QUARANTINE_VIEW,
            Permission.READS_MONITOR,
        }
    ),
    # DUP §9 — the audit unit reads audit trails; it cannot search reads.
    Role.AUDITOR: frozenset({Permission.AUDIT_READ}),
    Role.PRIVACY_OFFICER: frozenset({Permission.CAMERAS_VIEW}),
    Role.EXTERNAL_AGENCY: frozenset(),
    # A camera or vendor system holds an ingest-only credential.
    Role.CAMERA_SERVICE: frozenset({Permission.READS_INGEST}),
    Role.SYSTEM: frozenset(
        {
            Permission.ACCOUNTS_MANAGE,
            Permission.CAMERAS_MANAGE,
            Permission.CAMERAS_VIEW,
            Permission.READS_INGEST,
        }
    ),
    Role.PUBLIC: frozenset(),
}


def role_permissions(role: Role) -> frozenset[Permission]:
    return _ROLE_PERMISSIONS[role]


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: a person signed in, a service credential, or the local operator.

    Carries what the audit trail must record about them (DUP §9: name, badge, department).
    """

    kind: str  # "person" | "service" | "system"
    id: int | None
    username: str
    name: str
    role: Role
    badge: str | None = None
    unit: str | None = None
    agency_id: int | None = None
    agency_ori: str | None = None
    agency_name: str | None = None
    client_address: str | None = None
    extra_permissions: frozenset[Permission] = field(default_factory=frozenset)

    @property
    def permissions(self) -> frozenset[Permission]:
        return role_permissions(self.role) | self.extra_permissions

    @classmethod
    def anonymous(cls, username: str = "", client_address: str | None = None) -> Actor:
        return cls(
            kind="anonymous",
            id=None,
            username=username[:120],
            name="(not signed in)",
            role=Role.PUBLIC,
            client_address=client_address,
        )

    @classmethod
    def system(cls, username: str = "operator") -> Actor:
        return cls(
            kind="system", id=None, username=username, name="Local operator", role=Role.SYSTEM
        )


def allowed(actor: Actor | None, permission: Permission) -> bool:
    return actor is not None and permission in actor.permissions


def require(actor: Actor | None, permission: Permission) -> Actor:
    if actor is None or not allowed(actor, permission):
        raise PermissionDenied("You are not authorized to do this.")
    return actor
