"""Who may receive San José's ALPR data, and when (pure; no database, web or I/O).

DUP §10 and its March 2026 update, SB 34 (Civil Code 1798.90.55(b)): data is shared only with
California law-enforcement agencies, agency by agency, under an agreement; never with federal
agencies, agencies of other states, commercial or private entities; no national queries; an agency
asks San José directly (no re-sharing through another agency). Eligibility is a rule written
here, not a setting: no configuration can make an ineligible agency eligible.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from plateward.core.permissions import Actor, Permission

CLAUSE = "DUP §10; SB 34 (Civil Code 1798.90.55(b))"
HOME_STATE = "CA"
# DUP §10 — what an ineligible or unauthorized outside requester is told, whatever the data
# holds: one sentence, the same for every reason, so the answer confirms nothing (never whether
# an agreement, a record or a plate exists).
OUTSIDE_REFUSAL = (
    "San José shares ALPR data only with California law-enforcement agencies under an active "
    "agreement, for a request made directly by that agency (DUP §10). Nothing was searched. "
    "An agency without access may file a first-access request."
)
# The mark every result, read, image and file an outside agency receives carries (DUP §10).
NO_REDISTRIBUTION = "no redistribution"


class AgencyKind(StrEnum):
    """What an agency is. Only public law-enforcement kinds of California may be eligible."""

    MUNICIPAL = "municipal"  # a city police department or department of public safety
    COUNTY = "county"  # a sheriff's office, a district attorney's investigators
    STATE = "state"  # a state agency (CHP, the State Department of Justice)
    FEDERAL = "federal"
    TRIBAL = "tribal"
    PRIVATE = "private"  # a private security service, a private investigator
    COMMERCIAL = "commercial"  # a vendor, an insurer, a repossession company

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Kinds written by earlier versions (agencies registered before the sharing capability); the
# registry reads them as the kinds they meant.
LEGACY_KINDS: dict[str, AgencyKind] = {
    "municipal_police": AgencyKind.MUNICIPAL,
    "sheriff": AgencyKind.COUNTY,
    "state_police": AgencyKind.STATE,
    "other": AgencyKind.PRIVATE,
}

# SB 34 lets a public agency share only with another public agency: the state, a city, a county,
# or an agency of the state or of one of them. A tribal government is none of these, so a tribal
# police department is not eligible either (docs/sharing.md).
ELIGIBLE_KINDS = frozenset({AgencyKind.MUNICIPAL, AgencyKind.COUNTY, AgencyKind.STATE})


def agency_kind(value: str) -> AgencyKind | None:
    """The kind a stored or typed value names, or None when it names none."""
    value = value.strip().lower()
    if value in LEGACY_KINDS:
        return LEGACY_KINDS[value]
    try:
        return AgencyKind(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class AgencyFacts:
    """What eligibility looks at: the registry's row for an agency."""

    id: int
    ori: str
    name: str
    state: str
    kind: str
    is_home: bool = False


def ineligibility(agency: AgencyFacts) -> str | None:
    """Why ``agency`` may never receive data, or None when it is an eligible California
    law-enforcement agency. A rule, not a setting (DUP §10, SB 34)."""
    kind = agency_kind(agency.kind)
    if kind is AgencyKind.FEDERAL:
        return "a federal agency (SB 34; DUP update 2026: federal agencies may not request data)"
    if kind in (AgencyKind.PRIVATE, AgencyKind.COMMERCIAL):
        return f"a {kind.value} entity, not a public agency (DUP §3.5, §10)"
    if kind is None or kind not in ELIGIBLE_KINDS:
        return "not a California public law-enforcement agency (SB 34)"
    if agency.state.strip().upper() != HOME_STATE:
        return "an agency outside California (SB 34)"
    if not (agency.ori.strip().upper().startswith(HOME_STATE)):
        return "its ORI is not a California ORI"
    return None


def eligible(agency: AgencyFacts) -> bool:
    return ineligibility(agency) is None


# --- agreements -----------------------------------------------------------------------------------


class AgreementStatus(StrEnum):
    DRAFT = "draft"  # written (e.g. from an approved first-access request), not signed yet
    ACTIVE = "active"
    SUSPENDED = "suspended"  # may be reinstated
    REVOKED = "revoked"  # final


class RequestState(StrEnum):
    """A first-access request's life (DUP §10: command-level approval)."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    REFUSED = "refused"  # the prohibited-use guard refused it; command staff never see it


class Scope(StrEnum):
    """What an agreement opens to the agency's people."""

    SEARCH = "search"  # search reads with crime type, case number and justification
    ALERTS = "alerts"  # alerts on the hot lists San José shares with them


# The permission each scope opens. ``alerts`` opens the alerts page, stream and API, where the
# person sees only the alerts of the hot lists San José shares with their agency (a hot-list
# subscription, ``sharing/subscriptions.py``): never the department's other alerts.
SCOPE_PERMISSIONS: dict[Scope, frozenset[Permission]] = {
    Scope.SEARCH: frozenset({Permission.READS_SEARCH}),
    Scope.ALERTS: frozenset({Permission.ALERTS_RECEIVE}),
}
# DUP §10 — no bulk export, no grant to others: nothing else ever reaches an outside agency.
OUTSIDE_CEILING = frozenset({Permission.READS_SEARCH, Permission.ALERTS_RECEIVE})

# Allowed changes of status; revocation is final.
TRANSITIONS: dict[AgreementStatus, frozenset[AgreementStatus]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.ACTIVE, AgreementStatus.REVOKED}),
    AgreementStatus.ACTIVE: frozenset({AgreementStatus.SUSPENDED, AgreementStatus.REVOKED}),
    AgreementStatus.SUSPENDED: frozenset({AgreementStatus.ACTIVE, AgreementStatus.REVOKED}),
    AgreementStatus.REVOKED: frozenset(),
}


@dataclass(frozen=True)
class AgreementFacts:
    id: int
    agency_id: int
    status: str
    effective_on: date
    expires_on: date
    scopes: frozenset[Scope]

    def in_force(self, today: date) -> bool:
        """Signed, not suspended or revoked, and between its effective and expiry dates."""
        return (
            self.status == AgreementStatus.ACTIVE and self.effective_on <= today <= self.expires_on
        )


def agreement_permissions(
    agency: AgencyFacts, agreements: Iterable[AgreementFacts], today: date
) -> frozenset[Permission]:
    """What the agency's agreements in force open to its people today; nothing when the agency
    is ineligible, whatever the agreements say (a row written around the service opens nothing)."""
    if agency.is_home or not eligible(agency):
        return frozenset()
    held: frozenset[Permission] = frozenset()
    for agreement in agreements:
        if agreement.agency_id == agency.id and agreement.in_force(today):
            for scope in agreement.scopes:
                held |= SCOPE_PERMISSIONS[scope]
    return held & OUTSIDE_CEILING


def check_dates(effective_on: date, expires_on: date, *, longest_days: int) -> str | None:
    """Why these dates cannot make an agreement, or None."""
    if expires_on < effective_on:
        return "the agreement must expire after it takes effect"
    if expires_on - effective_on > timedelta(days=longest_days):
        return f"an agreement runs at most {longest_days} days; renew it with a new one"
    return None


def expiring(agreement: AgreementFacts, today: date, warn_days: int) -> bool:
    """An agreement in force that ends within ``warn_days`` (administrators are warned)."""
    return agreement.in_force(today) and agreement.expires_on - today <= timedelta(days=warn_days)


# --- one outside access ---------------------------------------------------------------------------


def _words(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).casefold()
    kept = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c))
    return " ".join(kept.split())


def names_own_agency(beneficiary: str, agency: AgencyFacts) -> bool:
    """Whether a purpose's beneficiary agency is the requester's own (by name or ORI)."""
    wanted = _words(beneficiary)
    return wanted in {_words(agency.name), _words(agency.ori)}


@dataclass(frozen=True)
class OutsideAccess:
    """An outside agency's person acting on reads (a resource for ``core.authorization``).

    ``beneficiary`` is the purpose's beneficiary agency (None: not stated, or no purpose yet);
    ``case_number`` the purpose's case number (None: no purpose yet); ``open_cases`` the case
    numbers of this person's approved first-access requests that are still open.
    """

    agency: AgencyFacts
    agreement_permissions: frozenset[Permission]
    open_cases: frozenset[str] = frozenset()
    beneficiary: str | None = None
    case_number: str | None = None

    @property
    def audit_label(self) -> str:
        return f"agency:{self.agency.ori}"

    def reason(self, actor: Actor, permission: Permission) -> str | None:
        """The precise reason (for the audit trail); the person reads ``OUTSIDE_REFUSAL``."""
        if actor.agency_id != self.agency.id:
            return "the actor does not belong to this agency"
        unfit = ineligibility(self.agency)
        if unfit is not None:
            return f"the agency is {unfit}"
        if permission not in OUTSIDE_CEILING:
            return f"{permission.value} is never open to an outside agency (DUP §10)"
        if self.beneficiary is not None and not names_own_agency(self.beneficiary, self.agency):
            return "a search on behalf of another agency (no transitive sharing, DUP §10)"
        if permission in self.agreement_permissions:
            return None
        if permission is not Permission.READS_SEARCH:
            return "no agreement in force opens this to the agency"
        if self.case_number is None and self.open_cases:
            return None  # which case is checked once the purpose is known
        if self.case_number is not None and self.case_number in self.open_cases:
            return None
        return "no agreement in force and no approved first-access request for this case"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        reason = self.reason(actor, permission)
        return None if reason is None else f"{OUTSIDE_REFUSAL} [{reason}]"


# --- hot lists shared with an agency (alerts) ------------------------------------------------


def alerts_open(agency: AgencyFacts, agreements: Iterable[AgreementFacts], today: date) -> bool:
    """Whether the agency may receive alerts of shared hot lists today: eligible, with an
    agreement in force whose scope includes alerts."""
    return Permission.ALERTS_RECEIVE in agreement_permissions(agency, agreements, today)


@dataclass(frozen=True)
class SubscriptionTarget:
    """An agency a hot list is to be shared with (a resource for ``core.authorization``).

    ``list_kept`` says whether San José keeps the list itself: a list received from another
    source (the DOJ's, another agency's) is theirs to share, never San José's (no transitive
    sharing)."""

    agency: AgencyFacts
    alerts_in_force: bool
    list_kept: bool = True

    @property
    def audit_label(self) -> str:
        return f"agency:{self.agency.ori}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del actor, permission
        if self.agency.is_home:
            return "the home department needs no subscription"
        unfit = ineligibility(self.agency)
        if unfit is not None:
            return f"the agency is {unfit}"
        if not self.alerts_in_force:
            return "the agency has no agreement in force that includes alerts on shared hot lists"
        if not self.list_kept:
            return "only a hot list San José keeps may be shared (no transitive sharing)"
        return None


# What an outside person may do with an alert of a shared hot list: see it and acknowledge it.
# The visual confirmation, the CLETS attempt and the disposition are the department's (DUP §4).
OUTSIDE_ALERT_STEPS_REFUSAL = (
    "An outside agency sees and acknowledges a shared alert; its visual confirmation, CLETS "
    "verification and disposition are recorded by San José's officers (DUP §4, §10)."
)


@dataclass(frozen=True)
class DepartmentAlertWork:
    """Working an alert's steps (a resource): never an outside agency's."""

    agency: AgencyFacts

    @property
    def audit_label(self) -> str:
        return f"agency:{self.agency.ori}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del actor, permission
        return OUTSIDE_ALERT_STEPS_REFUSAL


@dataclass(frozen=True)
class SubscriptionFacts:
    id: int
    agency_id: int
    list_name: str


# --- sharing settings: each has one value the policy allows ------------------------------------


class SharingSetting(StrEnum):
    """Switches some ALPR systems expose. Each is recorded (settings are evidence) and each may
    only hold the value the policy allows; the daily conformance job checks the stored values."""

    # Nlets-style national index queries (Ventura County 2025: found re-enabled, 364,000+
    # out-of-state accesses). DUP §10 — no national queries.
    NATIONAL_LOOKUP = "national_lookup"
    FEDERAL_SHARING = "federal_sharing"
    OUT_OF_STATE_SHARING = "out_of_state_sharing"
    # DUP §10 — an agency cannot pass data on, nor grant access to others.
    RESHARING = "resharing"


SETTING_POLICY: dict[SharingSetting, str] = {
    SharingSetting.NATIONAL_LOOKUP: "off",
    SharingSetting.FEDERAL_SHARING: "off",
    SharingSetting.OUT_OF_STATE_SHARING: "off",
    SharingSetting.RESHARING: "off",
}


def setting_refusal(setting: SharingSetting, value: str) -> str | None:
    """Why ``setting`` may not hold ``value``, or None when the policy allows it."""
    allowed = SETTING_POLICY[setting]
    if value != allowed:
        return f"{setting.value} must stay '{allowed}' ({CLAUSE}; refused by design)"
    return None


@dataclass(frozen=True)
class AgreementUse:
    """An outside access recorded in the trail: when, and by whose agency."""

    agency_id: int
    day: date
    case_number: str = ""


@dataclass(frozen=True)
class Configuration:
    """The live sharing configuration, as the conformance job reads it."""

    agencies: tuple[AgencyFacts, ...]
    agreements: tuple[AgreementFacts, ...]
    settings: dict[str, str]
    uses: tuple[AgreementUse, ...]  # outside accesses that returned data since the last check
    # (agency id, case number) of approved first-access requests: they open one case each.
    request_cases: frozenset[tuple[int, str]] = frozenset()
    subscriptions: tuple[SubscriptionFacts, ...] = ()  # live (not ended) hot-list shares


def drift(config: Configuration, today: date) -> list[str]:
    """Each way the live configuration departs from the policy (empty: it conforms)."""
    findings: list[str] = []
    by_id = {a.id: a for a in config.agencies}
    for setting, allowed in SETTING_POLICY.items():
        value = config.settings.get(setting.value, allowed)
        if value != allowed:
            findings.append(f"{setting.value} is '{value}' (must be '{allowed}')")
    for agreement in config.agreements:
        agency = by_id.get(agreement.agency_id)
        if agency is None or agreement.status not in (
            AgreementStatus.ACTIVE,
            AgreementStatus.SUSPENDED,
        ):
            continue
        unfit = ineligibility(agency)
        if unfit is not None:
            findings.append(
                f"agreement {agreement.id} is {agreement.status} for {agency.name} "
                f"({agency.ori}), {unfit}"
            )
    for use in config.uses:
        agency = by_id.get(use.agency_id)
        name = f"{agency.name} ({agency.ori})" if agency else f"agency {use.agency_id}"
        if agency is None or not eligible(agency):
            findings.append(f"{name} received data on {use.day.isoformat()}, not eligible")
            continue
        covering = [
            a for a in config.agreements if a.agency_id == use.agency_id and a.in_force(use.day)
        ]
        if not covering and (use.agency_id, use.case_number) not in config.request_cases:
            findings.append(
                f"{name} received data on {use.day.isoformat()} with no agreement in force"
            )
    for sub in config.subscriptions:
        agency = by_id.get(sub.agency_id)
        if agency is None or not alerts_open(agency, config.agreements, today):
            name = f"{agency.name} ({agency.ori})" if agency else f"agency {sub.agency_id}"
            findings.append(
                f"hot list '{sub.list_name}' is still shared with {name} (subscription "
                f"{sub.id}) with no agreement in force that includes alerts"
            )
    return sorted(set(findings))
