"""What a signed-in person can do, by their permissions: one table for the home page and the menu.

Each capability that opens a page adds its row here; the home page and the header's menu are both
computed from it by ``features_for`` (pure), never decided in a template.
"""

from __future__ import annotations

from dataclasses import dataclass

from plateward.core.permissions import Actor, Permission


@dataclass(frozen=True)
class Feature:
    """A page a permission opens. ``permission`` None: every signed-in person has it."""

    permission: Permission | None
    label: str  # the page's name, in the menu and as the home page's heading
    link: str
    summary: str  # what it is for, on the home page
    action: str  # the home page's link text
    in_menu: bool = False  # also a link in the header on every page
    # Left out for whoever holds this permission: another row opens the same work more fully.
    unless: Permission | None = None


FEATURES: tuple[Feature, ...] = (
    Feature(
        Permission.READS_SEARCH,
        "Search",
        "/search",
        "Search plate reads for a case: state its purpose, then see the reads as a table, on a "
        "map and on a timeline, and open each read with its image (DUP §2, §9).",
        "Search reads",
        in_menu=True,
    ),
    Feature(
        Permission.SEARCHES_REVIEW,
        "Search reviews",
        "/search/reviews",
        "Approve or reject the searches the prohibited-use guard could not decide and sent to "
        "supervisor review (DUP §2, update 2026).",
        "Review waiting searches",
        in_menu=True,
    ),
    Feature(
        Permission.READS_MONITOR,
        "Reads",
        "/reads",
        "The newest plate reads from the cameras in your scope, and the rows ingest refused.",
        "Watch the reads",
        in_menu=True,
    ),
    Feature(
        Permission.ACCOUNTS_MANAGE,
        "People",
        "/admin/people",
        "Create accounts, record training, suspend and re-enable them.",
        "Manage people",
        in_menu=True,
    ),
    Feature(
        Permission.ACCOUNTS_MANAGE,
        "Classes",
        "/admin/classes",
        "Decide what each class of staff may reach, within their role, and which cameras.",
        "Manage classes of access",
    ),
    Feature(
        Permission.ACCOUNTS_MANAGE,
        "Requests",
        "/approvals",
        "Your privileged changes waiting for command staff or the DPO to confirm them.",
        "Follow your requests",
        unless=Permission.ACCOUNTS_APPROVE,
    ),
    Feature(
        Permission.JOBS_VIEW,
        "Jobs",
        "/admin/jobs",
        "Background jobs: partitions, signed checkpoints; when each last ran and how it went.",
        "Check the background jobs",
        in_menu=True,
    ),
    Feature(
        Permission.ACCOUNTS_MANAGE,
        "Statement",
        "/admin/statement",
        "Publish the statement of legal restrictions every person accepts at sign-in.",
        "Publish the restriction statement",
    ),
    Feature(
        Permission.ACCOUNTS_APPROVE,
        "Approvals",
        "/approvals",
        "Confirm or turn down the privileged changes an administrator asked for: privileged "
        "accounts, suspending an auditor, a new restriction statement (DUP §9, §12).",
        "Review changes awaiting you",
        in_menu=True,
    ),
    Feature(
        Permission.AUDIT_READ,
        "Pending changes",
        "/approvals",
        "The privileged changes waiting for a second person, and who decided the others.",
        "See pending privileged changes",
        unless=Permission.ACCOUNTS_APPROVE,
    ),
    Feature(
        Permission.AUDIT_READ,
        "Audit trail",
        "/audit",
        "Search every access and refusal, open an entry, check the chain's integrity.",
        "Search the audit trail",
        in_menu=True,
    ),
    Feature(
        Permission.AUDIT_READ,
        "Misuse signals",
        "/audit/signals",
        "Patterns in the searches worth a look (one plate across cases, boilerplate "
        "justifications, sensitive sites, off-hours…), the searches behind each, your findings, "
        "and the quarterly figures (DUP §9).",
        "Review misuse signals",
        in_menu=True,
    ),
    Feature(
        Permission.AUDIT_EXPORT,
        "Audit export",
        "/audit/export.csv",
        "Download the whole audit trail as CSV (the export is itself audited).",
        "Export the audit trail",
    ),
    Feature(
        Permission.CAMERAS_MANAGE,
        "Cameras",
        "/admin/cameras",
        "Register, edit, retire and reactivate cameras; see silent ones and release the reads "
        "of unknown cameras from the quarantine.",
        "Run the camera registry",
        in_menu=True,
    ),
    Feature(
        Permission.CAMERAS_VIEW,
        "Cameras",
        "/cameras",
        "The camera registry: where each camera stands and whether it takes reads.",
        "See the cameras",
        in_menu=True,
        unless=Permission.CAMERAS_MANAGE,  # administrators have the registry page itself
    ),
    # Hot lists and alerts (issue 14)
    Feature(
        Permission.ALERTS_RECEIVE,
        "Alerts",
        "/alerts",
        "Hot-list alerts as they happen. The department's officers confirm the plate, verify "
        "through CLETS and record the disposition (DUP §4.2-4.4); an outside agency sees and "
        "acknowledges the alerts of the hot lists San José shares with it.",
        "Watch for alerts",
        in_menu=True,
    ),
    Feature(
        Permission.HOTLISTS_PROPOSE,
        "Hot lists",
        "/hotlists",
        "Enter a vehicle for your case; it alerts once a lieutenant approves it (DUP §4.5), "
        "and can then be checked against stored reads (a search, audited).",
        "Propose a hot-list entry",
        in_menu=True,
    ),
    Feature(
        Permission.HOTLISTS_APPROVE,
        "Hot-list approvals",
        "/hotlists/queue",
        "Approve or reject the hot-list entries investigators proposed (never your own).",
        "Review hot-list entries",
        in_menu=True,
    ),
    Feature(
        Permission.HOTLISTS_MANAGE,
        "Captures",
        "/admin/hotlists",
        "Every hot-list capture and its disposition, with the notices you record, misread and "
        "confirmation rates (DUP §4.7).",
        "See hot-list captures",
        in_menu=True,
    ),
    # Placement, signage and red-light review (issue 17)
    Feature(
        Permission.CAMERAS_MANAGE,
        "Compliance map",
        "/admin/compliance",
        "Every camera's field of view against the sensitive sites, the notice signs and what "
        "is missing; check a proposed placement before registering a camera (DUP §3.1, §6, "
        "update 2026).",
        "Open the compliance map",
        in_menu=True,
    ),
    Feature(
        Permission.CAMERAS_MANAGE,
        "Sensitive sites",
        "/admin/sites",
        "Import and edit the clinics and places of worship whose entrances no camera may "
        "capture; see the mobile reads not stored near each (DUP update 2026).",
        "Keep the sensitive sites",
    ),
    Feature(
        Permission.CAMERAS_MANAGE,
        "Signs",
        "/admin/signs",
        "Record the notice signs at city entrances and exits and designated intersections "
        "(DUP §6), and red-light notices (DUP §2.4).",
        "Record notice signs",
    ),
    Feature(
        Permission.CAMERAS_MANAGE,
        "Red-light devices",
        "/admin/traffic-devices",
        "Register red-light devices and enable them once their notice sign is recorded "
        "within 200 feet (DUP §2.4).",
        "Manage red-light devices",
    ),
    Feature(
        Permission.VIOLATIONS_REVIEW,
        "Red-light review",
        "/violations",
        "Review red-light violations with their evidence and decide, by name, whether to cite: "
        "nothing is cited automatically (DUP §3.4).",
        "Review red-light violations",
        in_menu=True,
    ),
    # Oversight and transparency (issue 18)
    Feature(
        Permission.COMPLAINTS_MANAGE,
        "Complaints",
        "/complaints",
        "Public comments and complaints: triage, investigate, decide a corrective action plan, "
        "close with a public response; equity concerns are counted (DUP §11).",
        "Work the complaints",
        in_menu=True,
    ),
    Feature(
        Permission.AUDITS_RUN,
        "Audits",
        "/audits",
        "Draw the month's random sample of searches and record a finding for each; run the "
        "quarterly compliance report and the immigration-release check (DUP §9, U26).",
        "Run the audits",
        in_menu=True,
    ),
    Feature(
        Permission.COMPLIANCE_REPORT,
        "Quarterly compliance audit",
        "/audits/compliance",
        "Run the quarterly compliance report of internal and external access for the City's IT "
        "department: accesses and refusals by agency, action and outcome, from the audit trail, "
        "with its CSV (DUP §9, 2026 update). No plate data is shown.",
        "Run the compliance report",
        in_menu=True,
        unless=Permission.AUDITS_RUN,  # the audit unit reaches it from its audits page
    ),
    Feature(
        Permission.REPORTS_MANAGE,
        "Annual report",
        "/reports",
        "The Annual Data Usage Report: edit the summary and plans, see reads and hits by "
        "location, download PDF, HTML or CSV, post a notice of extension, publish the public "
        "version (DUP §14).",
        "Open the annual report",
        in_menu=True,
    ),
    Feature(
        Permission.INCIDENTS_MANAGE,
        "Incidents",
        "/incidents",
        "The register of suspected breaches: who found it, what data, containment, "
        "notification, closure, under the City's Incident Response Plan (DUP §12).",
        "Keep the incident register",
    ),
    Feature(
        Permission.RECORDS_ASSEMBLE,
        "Public records",
        "/records",
        "Assemble a public-records package in one action (agencies, counts, policy versions, the "
        "audit trail with plates hashed and officers pseudonymized); a second person releases it.",
        "Assemble a records package",
        in_menu=True,
    ),
    # Sharing with California agencies (issue 16)
    Feature(
        Permission.SHARING_REQUEST,
        "Ask San José",
        "/sharing/requests",
        "Ask San José for its ALPR data for one case of your agency: crime type, case number and "
        "justification; command staff decide (DUP §10).",
        "File a first-access request",
        in_menu=True,
    ),
    Feature(
        Permission.SHARING_APPROVE,
        "Outside requests",
        "/sharing/approvals",
        "Approve or deny outside agencies' first-access requests, with the reason (DUP §10).",
        "Decide outside requests",
        in_menu=True,
    ),
    Feature(
        Permission.SHARING_MANAGE,
        "Sharing",
        "/admin/sharing",
        "Outside agencies, their agreements (suspend, revoke), the sharing settings and the "
        "conformance alarms (DUP §10).",
        "Manage sharing",
        in_menu=True,
    ),
    Feature(
        Permission.HOTLISTS_APPROVE,
        "Shared hot lists",
        "/sharing/hotlists",
        "Share a hot list San José keeps with a California agency whose agreement includes "
        "alerts, or stop sharing it; its people then receive that list's alerts only (DUP §10).",
        "Share a hot list",
        in_menu=True,
    ),
    Feature(
        Permission.SHARING_VIEW,
        "Outside access",
        "/sharing/activity",
        "Every outside agency's access, granted or refused, and each agency's activity (DUP §10).",
        "See outside access",
        in_menu=True,
    ),
    Feature(
        None,
        "My account",
        "/account",
        "Your training, personal API tokens, and signing out on every device.",
        "Open your account page",
        in_menu=True,
    ),
    # Retention and legal holds (issue 15)
    Feature(
        Permission.HOLDS_PLACE,
        "Legal holds",
        "/holds",
        "Hold the reads a case needs past retention (chosen on search results or a read's "
        "page), follow each hold through the case, release it when done (DUP §7); lieutenants "
        "approve holds they did not place.",
        "Follow your legal holds",
        in_menu=True,
    ),
    Feature(
        Permission.RETENTION_MANAGE,
        "Retention",
        "/admin/retention",
        "The retention period (30 days by the 2026 update) and its history, the purge's next "
        "run and last results, legal holds and their status, storage by day.",
        "Manage retention",
        in_menu=True,
    ),
)


def features_for(actor: Actor | None) -> list[Feature]:
    """The features this actor's permissions open (training and token scopes already applied)."""
    if actor is None or not actor.is_person:
        return []
    held = actor.permissions
    return [
        f
        for f in FEATURES
        if (f.permission is None or f.permission in held)
        and (f.unless is None or f.unless not in held)
    ]


def menu_for(actor: Actor | None) -> list[Feature]:
    """The header's links for this actor."""
    return [f for f in features_for(actor) if f.in_menu]


def notices_for(actor: Actor) -> list[str]:
    """What the home page tells a person before the list of what they can do."""
    notices = []
    if actor.is_person and not actor.trained:
        notices.append(
            "Your ALPR training is not current: pages that show plate data stay closed until an "
            "administrator records Department-approved training (DUP §4.1, §13)."
        )
    if actor.is_person and all(f.permission is None for f in features_for(actor)):
        notices.append(
            "Nothing beyond your own account is open to you yet. An administrator of the "
            "department that runs Plateward decides what your role or a class of access opens."
        )
    return notices
