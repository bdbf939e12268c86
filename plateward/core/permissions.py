"""Who may do what: one Permission enum, one role table, the ``Actor`` and a pure ``allowed()``.

This module is pure. The one decision point that services call is
``core.authorization.authorize(uow, actor, permission, resource)``: it uses ``allowed()`` here,
asks the resource's own policy, and audits every refusal wherever it happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from plateward.core.errors import AcknowledgmentRequired, PermissionDenied, TrainingRequired


class ActorKind(StrEnum):
    """What kind of caller an ``Actor`` is; recorded in every audit entry."""

    PERSON = "person"  # a signed-in person (browser session or personal API token)
    SERVICE = "service"  # a camera or vendor system holding an ingest credential
    OPERATOR = "operator"  # the local operator at the command line (plateward ingest, demo)
    WORKER = "worker"  # a background job under its own narrow identity
    ANONYMOUS = "anonymous"  # nobody signed in


class Role(StrEnum):
    OFFICER = "officer"
    INVESTIGATOR = "investigator"
    LIEUTENANT = "lieutenant"
    COMMAND = "command"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"
    PRIVACY_OFFICER = "privacy_officer"
    EXTERNAL_AGENCY = "external_agency"
    RECORDS_CLERK = "records_clerk"  # assembles public-records packages (issue 18)
    IT_AUDITOR = "it_auditor"  # the City's IT department: quarterly compliance audits (U26)
    CAMERA_SERVICE = "camera_service"
    SYSTEM = "system"  # the local operator at the command line (plateward ingest, demo)
    WORKER = "worker"  # a background job: holds only the permissions its identity names
    PUBLIC = "public"  # anyone not signed in: the transparency portal, the sign-in page


class Permission(StrEnum):
    """``resource:action``, kept alphabetical."""

    ACCOUNTS_APPROVE = "accounts:approve"
    ACCOUNTS_MANAGE = "accounts:manage"
    AUDIT_EXPORT = "audit:export"
    AUDIT_READ = "audit:read"
    AUDIT_REVIEW = "audit:review"
    CAMERAS_MANAGE = "cameras:manage"
    CAMERAS_VIEW = "cameras:view"
    JOBS_VIEW = "jobs:view"
    QUARANTINE_VIEW = "quarantine:view"
    READS_INGEST = "reads:ingest"
    READS_EXPORT = "reads:export"
    READS_MONITOR = "reads:monitor"
    READS_SEARCH = "reads:search"
    SEARCHES_REVIEW = "searches:review"
    # Hot lists and alerts (issue 14)
    ALERTS_RECEIVE = "alerts:receive"
    HOTLISTS_APPROVE = "hotlists:approve"
    HOTLISTS_MANAGE = "hotlists:manage"
    HOTLISTS_PROPOSE = "hotlists:propose"
    # Retention, legal holds, backups and daily aggregates (issue 15)
    AGGREGATES_VIEW = "aggregates:view"
    HOLDS_APPROVE = "holds:approve"
    HOLDS_PLACE = "holds:place"
    RETENTION_MANAGE = "retention:manage"
    # Red-light review (issue 17)
    VIOLATIONS_REVIEW = "violations:review"
    # Oversight and transparency (issue 18)
    AUDITS_RUN = "audits:run"
    COMPLAINTS_MANAGE = "complaints:manage"
    COMPLIANCE_REPORT = "compliance:report"
    INCIDENTS_MANAGE = "incidents:manage"
    RECORDS_ASSEMBLE = "records:assemble"
    RECORDS_RELEASE = "records:release"
    REPORTS_AGGREGATES = "reports:aggregates"
    REPORTS_MANAGE = "reports:manage"
    # Sharing with California agencies (issue 16)
    SHARING_APPROVE = "sharing:approve"
    SHARING_MANAGE = "sharing:manage"
    SHARING_REQUEST = "sharing:request"
    SHARING_VIEW = "sharing:view"


_ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # DUP §12 — sworn personnel and authorized civilian staff (analysts) query the database for
    # an authorized purpose (§2); investigators and lieutenants also export results for a case.
    Role.OFFICER: frozenset({Permission.CAMERAS_VIEW, Permission.READS_SEARCH}),
    Role.INVESTIGATOR: frozenset(
        {Permission.CAMERAS_VIEW, Permission.READS_EXPORT, Permission.READS_SEARCH}
    ),
    # DUP update 2026 — ambiguous requests go to a supervisor, who approves or rejects them.
    Role.LIEUTENANT: frozenset(
        {
            Permission.CAMERAS_VIEW,
            Permission.READS_EXPORT,
            Permission.READS_SEARCH,
            Permission.SEARCHES_REVIEW,
        }
    ),
    # DUP §9, §12 — command staff confirm privileged changes an administrator asks for.
    Role.COMMAND: frozenset({Permission.ACCOUNTS_APPROVE, Permission.CAMERAS_VIEW}),
    # DUP §12 — administrative access controls cameras, classes and the data pipeline.
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.ACCOUNTS_MANAGE,
            Permission.CAMERAS_MANAGE,
            Permission.CAMERAS_VIEW,
            Permission.JOBS_VIEW,
            Permission.QUARANTINE_VIEW,
            Permission.READS_MONITOR,
        }
    ),
    # DUP §9 — the audit unit reads audit trails; it cannot search reads.
    Role.AUDITOR: frozenset(
        {Permission.AUDIT_EXPORT, Permission.AUDIT_READ, Permission.AUDIT_REVIEW}
    ),
    # DUP §9 — the Digital Privacy Officer confirms oversight accounts and statement changes.
    Role.PRIVACY_OFFICER: frozenset({Permission.ACCOUNTS_APPROVE, Permission.CAMERAS_VIEW}),
    Role.EXTERNAL_AGENCY: frozenset(),
    Role.RECORDS_CLERK: frozenset(),  # granted below (oversight)
    Role.IT_AUDITOR: frozenset(),  # granted below (oversight)
    # A camera or vendor system holds an ingest-only credential.
    Role.CAMERA_SERVICE: frozenset({Permission.READS_INGEST}),
    Role.SYSTEM: frozenset(
        {
            Permission.ACCOUNTS_MANAGE,
            Permission.CAMERAS_MANAGE,
            Permission.CAMERAS_VIEW,
            Permission.JOBS_VIEW,
            Permission.READS_INGEST,
        }
    ),
    Role.WORKER: frozenset(),
    Role.PUBLIC: frozenset(),
}

# Human names, for forms and refusals.
PERMISSION_LABELS: dict[Permission, str] = {
    Permission.ACCOUNTS_APPROVE: "Confirm privileged account and statement changes",
    Permission.ACCOUNTS_MANAGE: "Manage people, classes and credentials",
    Permission.AUDIT_EXPORT: "Export the audit trail",
    Permission.AUDIT_READ: "Read the audit trail",
    Permission.AUDIT_REVIEW: "Review misuse signals and record findings",
    Permission.CAMERAS_MANAGE: "Register and change cameras",
    Permission.CAMERAS_VIEW: "See the camera registry",
    Permission.JOBS_VIEW: "See how background jobs ran",
    Permission.QUARANTINE_VIEW: "Review quarantined ingest rows",
    Permission.READS_INGEST: "Push plate reads",
    Permission.READS_EXPORT: "Export search results",
    Permission.READS_MONITOR: "Watch the newest reads",
    Permission.READS_SEARCH: "Search reads for an authorized purpose",
    Permission.SEARCHES_REVIEW: "Approve or reject searches sent to supervisor review",
    Permission.ALERTS_RECEIVE: "Receive and work hot-list alerts",
    Permission.HOTLISTS_APPROVE: "Approve or reject department hot-list entries",
    Permission.HOTLISTS_MANAGE: "See hot-list captures, dispositions and accuracy",
    Permission.HOTLISTS_PROPOSE: "Propose department hot-list entries",
    Permission.AGGREGATES_VIEW: "Read daily counts of reads and hits by camera and location",
    Permission.HOLDS_APPROVE: "Approve or reject legal holds on reads",
    Permission.HOLDS_PLACE: "Place legal holds on reads for a case",
    Permission.RETENTION_MANAGE: "Set the retention period and follow purges and holds",
    Permission.VIOLATIONS_REVIEW: "Review red-light violations and decide on citations",
    # Oversight and transparency (issue 18)
    Permission.AUDITS_RUN: "Draw random audit samples, record findings, run compliance checks",
    Permission.COMPLAINTS_MANAGE: "Handle public comments and complaints",
    Permission.COMPLIANCE_REPORT: (
        "Run the quarterly compliance report of internal and external access"
    ),
    Permission.INCIDENTS_MANAGE: "Keep the incident register",
    Permission.RECORDS_ASSEMBLE: "Assemble public-records packages for review",
    Permission.RECORDS_RELEASE: "Review and release public-records packages (a second person)",
    Permission.REPORTS_AGGREGATES: "Read aggregate reads data by location (no plates)",
    Permission.REPORTS_MANAGE: "Edit, receive and publish the Annual Data Usage Report",
    Permission.SHARING_APPROVE: "Approve or deny outside agencies' first-access requests",
    Permission.SHARING_MANAGE: "Manage outside agencies, sharing agreements and sharing settings",
    Permission.SHARING_REQUEST: "File a first-access request for your agency",
    Permission.SHARING_VIEW: "See outside agencies' access and activity",
}


# Permissions that touch ALPR data. DUP §4.1, §13 — nobody without current Department-approved
# training may use them, whatever their role or class.
DATA_PERMISSIONS = frozenset(
    {
        Permission.QUARANTINE_VIEW,
        Permission.READS_EXPORT,
        Permission.READS_MONITOR,
        Permission.READS_SEARCH,
        Permission.SEARCHES_REVIEW,
        Permission.ALERTS_RECEIVE,
        Permission.HOTLISTS_APPROVE,
        Permission.HOTLISTS_MANAGE,
        Permission.HOTLISTS_PROPOSE,
        Permission.VIOLATIONS_REVIEW,
    }
)

# DUP §12.1-2 — administrators decide, class by class, what users may reach; a class can grant
# no more than its members' role allows. Auditors are never granted data (DUP §9).
_ROLE_CEILING: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset({Permission.CAMERAS_VIEW, Permission.READS_MONITOR}),
    Role.INVESTIGATOR: frozenset(
        {Permission.CAMERAS_VIEW, Permission.READS_MONITOR, Permission.QUARANTINE_VIEW}
    ),
    Role.LIEUTENANT: frozenset(
        {Permission.CAMERAS_VIEW, Permission.READS_MONITOR, Permission.QUARANTINE_VIEW}
    ),
    Role.COMMAND: frozenset(
        {
            Permission.CAMERAS_VIEW,
            Permission.READS_MONITOR,
            Permission.QUARANTINE_VIEW,
            Permission.READS_SEARCH,
        }
    ),
    Role.PRIVACY_OFFICER: frozenset(
        {Permission.CAMERAS_VIEW, Permission.AUDIT_READ, Permission.AUDIT_REVIEW}
    ),
}


# Hot lists (issue 14). DUP §4.2-4.5 — officers receive and work alerts; investigators propose
# entries (an officer designee through a class); lieutenants enter and approve them (never their
# own entry); the system administrator receives each capture and its disposition (§4.7).
# Investigators and lieutenants may receive alerts through a class of access.
_HOTLIST_ROLES: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset({Permission.ALERTS_RECEIVE}),
    Role.INVESTIGATOR: frozenset({Permission.HOTLISTS_PROPOSE}),
    Role.LIEUTENANT: frozenset({Permission.HOTLISTS_APPROVE, Permission.HOTLISTS_PROPOSE}),
    Role.ADMINISTRATOR: frozenset({Permission.HOTLISTS_MANAGE}),
}
_HOTLIST_CEILING: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset({Permission.HOTLISTS_PROPOSE}),
    Role.INVESTIGATOR: frozenset({Permission.ALERTS_RECEIVE}),
    Role.LIEUTENANT: frozenset({Permission.ALERTS_RECEIVE}),
}
for _role, _granted in _HOTLIST_ROLES.items():
    _ROLE_PERMISSIONS[_role] = _ROLE_PERMISSIONS[_role] | _granted
for _role, _granted in _HOTLIST_CEILING.items():
    _ROLE_CEILING[_role] = _ROLE_CEILING.get(_role, frozenset()) | _granted

# Retention and legal holds (issue 15). DUP §7 — investigators (and lieutenants) hold the reads a
# case needs past retention; a lieutenant other than the one who placed it approves the hold;
# administrators set the period within the protocol's bounds and follow purges and holds (no
# plates); the Digital Privacy Officer and administrators read the daily counts by location that
# outlive the reads (DUP §8, the annual report's aggregates).
_RETENTION_ROLES: dict[Role, frozenset[Permission]] = {
    Role.INVESTIGATOR: frozenset({Permission.HOLDS_PLACE}),
    Role.LIEUTENANT: frozenset({Permission.HOLDS_APPROVE, Permission.HOLDS_PLACE}),
    Role.ADMINISTRATOR: frozenset({Permission.AGGREGATES_VIEW, Permission.RETENTION_MANAGE}),
    Role.PRIVACY_OFFICER: frozenset({Permission.AGGREGATES_VIEW}),
    # The local operator runs ``plateward purge`` and ``plateward backup`` on the host.
    Role.SYSTEM: frozenset({Permission.RETENTION_MANAGE}),
}
for _role, _granted in _RETENTION_ROLES.items():
    _ROLE_PERMISSIONS[_role] = _ROLE_PERMISSIONS[_role] | _granted
# Holds copy reads and show them: ALPR data, closed without current training.
DATA_PERMISSIONS = DATA_PERMISSIONS | {Permission.HOLDS_APPROVE, Permission.HOLDS_PLACE}


# Red-light review (issue 17). DUP §3.4 — no automated citation without manual review by SJPD
# staff: lieutenants review violation events and decide, by name.
_ROLE_PERMISSIONS[Role.LIEUTENANT] |= {Permission.VIOLATIONS_REVIEW}


# Oversight and transparency (issue 18). DUP §9 — random and quarterly audits by the audit unit
# (not CDIC); §11, §14 — the Digital Privacy Officer handles complaints, receives and publishes the
# annual report and may reach aggregate reads data by location; §12 — suspected breaches are
# registered by administrators and the DPO; public-records packages are assembled by a records
# clerk (or an administrator or the DPO) and released by a second person, an administrator or the
# DPO, after review. DUP update 2026, §9 — the City's IT department audits internal and external
# access each quarter: its auditor runs the compliance report (figures from the trail) and nothing
# else; the records clerk assembles packages and nothing else. Neither searches reads.
_OVERSIGHT_ROLES: dict[Role, frozenset[Permission]] = {
    Role.AUDITOR: frozenset({Permission.AUDITS_RUN, Permission.COMPLIANCE_REPORT}),
    Role.PRIVACY_OFFICER: frozenset(
        {
            Permission.COMPLAINTS_MANAGE,
            Permission.INCIDENTS_MANAGE,
            Permission.RECORDS_ASSEMBLE,
            Permission.RECORDS_RELEASE,
            Permission.REPORTS_AGGREGATES,
            Permission.REPORTS_MANAGE,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {Permission.INCIDENTS_MANAGE, Permission.RECORDS_ASSEMBLE, Permission.RECORDS_RELEASE}
    ),
    Role.RECORDS_CLERK: frozenset({Permission.RECORDS_ASSEMBLE}),
    Role.IT_AUDITOR: frozenset({Permission.COMPLIANCE_REPORT}),
    # The operator on the host builds the annual report and exports the trail the agency owns
    # (`plateward report annual`, `plateward audit export`).
    Role.SYSTEM: frozenset({Permission.AUDIT_EXPORT, Permission.REPORTS_MANAGE}),
}
for _role, _granted in _OVERSIGHT_ROLES.items():
    _ROLE_PERMISSIONS[_role] = _ROLE_PERMISSIONS[_role] | _granted


# Sharing (issue 16). DUP §10 — administrators keep the agency registry and the agreements;
# command staff decide first-access requests; an outside agency's people file them (search opens
# to them only through their agency's agreement in force, sharing/rules.py); administrators and
# auditors see every outside access.
_SHARING_ROLES: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset({Permission.SHARING_MANAGE, Permission.SHARING_VIEW}),
    Role.COMMAND: frozenset({Permission.SHARING_APPROVE}),
    Role.AUDITOR: frozenset({Permission.SHARING_VIEW}),
    Role.EXTERNAL_AGENCY: frozenset({Permission.SHARING_REQUEST}),
    Role.SYSTEM: frozenset({Permission.SHARING_MANAGE}),  # the local operator (demo, setup)
}
for _role, _granted in _SHARING_ROLES.items():
    _ROLE_PERMISSIONS[_role] = _ROLE_PERMISSIONS[_role] | _granted


def role_permissions(role: Role) -> frozenset[Permission]:
    return _ROLE_PERMISSIONS[role]


def grantable(role: Role) -> frozenset[Permission]:
    """What a class may add for members of this role."""
    return _ROLE_CEILING.get(role, frozenset())


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: a person signed in, a service credential, or the local operator.

    Carries what the audit trail must record about them (DUP §9: name, badge, department).
    """

    kind: ActorKind
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
    class_grants: frozenset[Permission] = field(default_factory=frozenset)
    # Camera codes whose data this actor may reach; None means every camera.
    camera_scope: frozenset[str] | None = None
    trained: bool = True
    acknowledged: bool = True
    # A personal API token narrows its holder's permissions to the token's scopes.
    token_scopes: frozenset[Permission] | None = None

    @property
    def is_person(self) -> bool:
        return self.kind == ActorKind.PERSON

    @property
    def permissions(self) -> frozenset[Permission]:
        held = (
            role_permissions(self.role)
            | (self.class_grants & grantable(self.role))
            | self.extra_permissions
        )
        if self.token_scopes is not None:
            held &= self.token_scopes
        if self.is_person and not self.acknowledged:
            return frozenset()  # DUP update 2026 — no query before the restrictions are accepted
        if self.is_person and not self.trained:
            held -= DATA_PERMISSIONS
        return held

    @classmethod
    def anonymous(cls, username: str = "", client_address: str | None = None) -> Actor:
        return cls(
            kind=ActorKind.ANONYMOUS,
            id=None,
            username=username[:120],
            name="(not signed in)",
            role=Role.PUBLIC,
            client_address=client_address,
        )

    @classmethod
    def system(cls, username: str = "operator") -> Actor:
        """The local operator at the command line: whoever runs ``plateward`` on the host."""
        return cls(
            kind=ActorKind.OPERATOR,
            id=None,
            username=username,
            name="Local operator",
            role=Role.SYSTEM,
        )

    @classmethod
    def worker(cls, job: str, *permissions: Permission) -> Actor:
        """A background job's narrow identity: only the permissions its work needs."""
        return cls(
            kind=ActorKind.WORKER,
            id=None,
            username=f"job:{job}",
            name=f"Background job {job}",
            role=Role.WORKER,
            extra_permissions=frozenset(permissions),
        )


def allowed(actor: Actor | None, permission: Permission) -> bool:
    return actor is not None and permission in actor.permissions


# How a refusal names the people of each role.
_ROLE_PEOPLE: dict[Role, str] = {
    Role.OFFICER: "officers",
    Role.INVESTIGATOR: "investigators",
    Role.LIEUTENANT: "lieutenants",
    Role.COMMAND: "command staff",
    Role.ADMINISTRATOR: "administrators",
    Role.AUDITOR: "auditors",
    Role.PRIVACY_OFFICER: "the Digital Privacy Officer",
    Role.EXTERNAL_AGENCY: "outside agency users",
    Role.RECORDS_CLERK: "records clerks",
    Role.IT_AUDITOR: "the City IT department's auditors",
}


def _people(roles: list[Role]) -> str:
    names = [_ROLE_PEOPLE.get(r, r.value) for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def who_grants(permission: Permission) -> str:
    """Where a missing permission comes from, for the refusal a person reads."""
    roles = [r for r in Role if permission in _ROLE_PERMISSIONS[r] and r not in _NOT_PEOPLE]
    via_class = [
        r for r, ceiling in _ROLE_CEILING.items() if permission in ceiling and r not in roles
    ]
    parts = []
    if roles:
        parts.append(f"{_people(roles)} hold it by their role")
    if via_class:
        parts.append(
            f"an administrator can grant it to {_people(via_class)} through a class of access"
        )
    return "; ".join(parts) if parts else "no person's account can hold it"


_NOT_PEOPLE = frozenset({Role.SYSTEM, Role.WORKER, Role.PUBLIC, Role.CAMERA_SERVICE})


def missing(permission: Permission) -> str:
    """The refusal a person reads: which permission is missing, and who grants it."""
    label = PERMISSION_LABELS.get(permission, permission.value)
    return f"You need the permission “{label}” ({permission.value}): {who_grants(permission)}."


def require(actor: Actor | None, permission: Permission) -> Actor:
    """The actor, if it holds ``permission``; otherwise the reason it may not, as an error."""
    if actor is not None and allowed(actor, permission):
        return actor
    if actor is not None and actor.is_person and not actor.acknowledged:
        raise AcknowledgmentRequired("Accept the legal restrictions before any query.")
    if (
        actor is not None
        and actor.is_person
        and not actor.trained
        and permission in DATA_PERMISSIONS
        and permission in (role_permissions(actor.role) | actor.class_grants)
    ):
        raise TrainingRequired(
            "Your ALPR training is not current. Data access stays closed until an "
            "administrator records Department-approved training."
        )
    raise PermissionDenied(missing(permission))
