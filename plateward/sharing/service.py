"""Agency registry use cases, and what an outside agency's person may reach right now.

Eligibility is the pure rule of ``sharing/rules.py``; agreements live in ``agreements.py``,
first-access requests in ``requests.py``, the daily conformance check in ``conformance.py``. What
an outside person holds is computed from the live rows at every request (``outside_permissions``),
so a suspended or revoked agreement closes signed-in sessions and API tokens at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import Purpose
from plateward.sharing import rules
from plateward.sharing.models import AccessRequest, Agency, SharingAgreement
from plateward.sharing.rules import AgencyFacts, AgreementFacts, OutsideAccess, Scope


@dataclass(frozen=True)
class AgencyView:
    id: int
    ori: str
    name: str
    state: str
    kind: str
    is_home: bool


def _view(agency: Agency) -> AgencyView:
    return AgencyView(agency.id, agency.ori, agency.name, agency.state, agency.kind, agency.is_home)


def register_agency(
    uow: UnitOfWork, *, ori: str, name: str, state: str, kind: str, is_home: bool = False
) -> AgencyView:
    """Idempotent by ORI: registering a known agency updates its details."""
    known = rules.agency_kind(kind)
    if known is None:
        choices = ", ".join(k.value for k in rules.AgencyKind)
        raise InvalidInput(f"unknown agency kind '{kind}': one of {choices}")
    kind = known.value
    agency = uow.session.scalar(select(Agency).where(Agency.ori == ori))
    if agency is None:
        agency = Agency(ori=ori)
        uow.session.add(agency)
    agency.name, agency.state, agency.kind, agency.is_home = name, state.upper(), kind, is_home
    uow.session.flush()
    return _view(agency)


def register_home_agency(
    uow: UnitOfWork, actor: Actor, *, ori: str, name: str, state: str, kind: str
) -> AgencyView:
    """The department that runs this installation (set once, at setup; audited)."""
    authorize(uow, actor, Permission.ACCOUNTS_MANAGE)
    ori, name = ori.strip().upper(), name.strip()
    if not (ori.isalnum() and len(ori) == 9):
        raise InvalidInput("an ORI is 9 letters and digits, e.g. CA0431300")
    if not name:
        raise InvalidInput("name the department")
    if len(state.strip()) != 2:
        raise InvalidInput("the state is its two-letter code, e.g. CA")
    current = uow.session.scalar(select(Agency).where(Agency.is_home.is_(True)).limit(1))
    if current is not None and current.ori != ori:
        raise Conflict(f"the home agency is already {current.name} ({current.ori})")
    agency = register_agency(uow, ori=ori, name=name, state=state, kind=kind, is_home=True)
    audit.record(
        uow,
        actor,
        AuditEvent(AuditAction.AGENCY_REGISTERED, details={"ori": ori, "name": name, "home": True}),
    )
    uow.commit()
    return agency


def home_agency(uow: UnitOfWork) -> AgencyView:
    agency = uow.session.scalar(select(Agency).where(Agency.is_home.is_(True)).limit(1))
    if agency is None:
        raise NotFound(
            "no home agency is registered; run `plateward init` (or `plateward demo` for the demo)"
        )
    return _view(agency)


def home_agency_id(uow: UnitOfWork) -> int | None:
    return uow.session.scalar(select(Agency.id).where(Agency.is_home.is_(True)).limit(1))


def agency_by_ori(uow: UnitOfWork, ori: str) -> AgencyView:
    agency = uow.session.scalar(select(Agency).where(Agency.ori == ori))
    if agency is None:
        raise NotFound(f"no agency with ORI '{ori}'")
    return _view(agency)


def agency_by_id(uow: UnitOfWork, agency_id: int) -> AgencyView:
    agency = uow.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"no agency with id {agency_id}")
    return _view(agency)


def list_agencies(uow: UnitOfWork) -> list[AgencyView]:
    return [_view(a) for a in uow.session.scalars(select(Agency).order_by(Agency.name))]


# --- outside agencies ---------------------------------------------------------------------------


def facts(agency: Agency | AgencyView) -> AgencyFacts:
    a = agency
    return AgencyFacts(a.id, a.ori, a.name, a.state, a.kind, a.is_home)


def _check_agency_fields(ori: str, name: str, state: str) -> tuple[str, str, str]:
    ori, name, state = ori.strip().upper(), name.strip(), state.strip().upper()
    if not (ori.isalnum() and ori.isascii() and len(ori) == 9):
        raise InvalidInput("an ORI is 9 letters and digits, e.g. CA0430000")
    if not name or len(name) > 200:
        raise InvalidInput("name the agency (at most 200 characters)")
    if not (len(state) == 2 and state.isalpha() and state.isascii()):
        raise InvalidInput("the state is its two-letter code, e.g. CA")
    return ori, name, state


def register_outside_agency(
    uow: UnitOfWork, actor: Actor, *, ori: str, name: str, state: str, kind: str
) -> AgencyView:
    """An administrator registers (or corrects) an outside agency; audited with before and after.

    Any agency may be registered, federal and commercial ones included: the registry records who
    asked; eligibility (rules.py) decides, and it is not changed by registering.
    """
    authorize(uow, actor, Permission.SHARING_MANAGE, target="sharing:agencies")
    ori, name, state = _check_agency_fields(ori, name, state)
    existing = uow.session.scalar(select(Agency).where(Agency.ori == ori))
    if existing is not None and existing.is_home:
        raise Conflict("the home agency is not an outside agency")
    before = _agency_record(existing) if existing is not None else None
    view = register_agency(uow, ori=ori, name=name, state=state, kind=kind)
    after = _agency_record(view)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AGENCY_UPDATED,
            details={
                "ori": ori,
                "before": before,
                "after": after,
                "eligible": rules.eligible(facts(view)),
            },
        ),
    )
    uow.commit()
    return view


def _agency_record(agency: Agency | AgencyView) -> dict[str, str]:
    return {"ori": agency.ori, "name": agency.name, "state": agency.state, "kind": agency.kind}


def agreements_of(uow: UnitOfWork, agency_id: int) -> list[AgreementFacts]:
    rows = uow.session.scalars(
        select(SharingAgreement).where(SharingAgreement.agency_id == agency_id)
    )
    return [agreement_facts(a) for a in rows]


def agreement_facts(a: SharingAgreement) -> AgreementFacts:
    scopes = frozenset(Scope(s) for s in json.loads(a.scopes) if s in set(Scope))
    return AgreementFacts(a.id, a.agency_id, a.status, a.effective_on, a.expires_on, scopes)


def _open_cases(uow: UnitOfWork, agency_id: int, user_id: int | None) -> frozenset[str]:
    """Case numbers of this person's approved first-access requests still open (DUP §10)."""
    if user_id is None:
        return frozenset()
    rows = uow.session.scalars(
        select(AccessRequest.case_number).where(
            AccessRequest.agency_id == agency_id,
            AccessRequest.requester_id == user_id,
            AccessRequest.state == rules.RequestState.APPROVED,
            AccessRequest.open_until > uow.now(),
        )
    )
    return frozenset(rows)


def outside_permissions(uow: UnitOfWork, agency_id: int, user_id: int) -> frozenset[Permission]:
    """What an outside agency's person holds now: the agreement in force's scope, or search for
    the case of an approved first-access request of theirs; nothing for an ineligible agency."""
    agency = uow.session.get(Agency, agency_id)
    if agency is None or agency.is_home or not rules.eligible(facts(agency)):
        return frozenset()
    held = rules.agreement_permissions(
        facts(agency), agreements_of(uow, agency_id), uow.now().date()
    )
    if _open_cases(uow, agency_id, user_id):
        held |= frozenset({Permission.READS_SEARCH})
    return held & rules.OUTSIDE_CEILING


def outside_access(
    uow: UnitOfWork, actor: Actor, purpose: Purpose | None = None
) -> OutsideAccess | None:
    """The resource an outside agency's person acts on (``core.authorization.authorize`` asks its
    policy); None for the home department's people, the operator and jobs."""
    if actor.agency_id is None:
        return None
    agency = uow.session.get(Agency, actor.agency_id)
    if agency is None or agency.is_home:
        return None
    known = facts(agency)
    return OutsideAccess(
        known,
        rules.agreement_permissions(known, agreements_of(uow, agency.id), uow.now().date()),
        _open_cases(uow, agency.id, actor.id),
        beneficiary=purpose.beneficiary_agency if purpose is not None else None,
        case_number=purpose.case_number if purpose is not None else None,
    )


def is_outside(uow: UnitOfWork, actor: Actor) -> bool:
    return outside_access(uow, actor) is not None


def data_mark(uow: UnitOfWork, actor: Actor) -> str | None:
    """DUP §10 — the mark an outside agency's results, reads, images and files carry."""
    return uow.settings.sharing_data_mark if is_outside(uow, actor) else None


@dataclass(frozen=True)
class RegistryRow:
    agency: AgencyView
    eligible: bool
    why_not: str | None


def registry(uow: UnitOfWork, actor: Actor) -> list[RegistryRow]:
    """Every outside agency, with whether the rule lets it receive data, and why not."""
    authorize(uow, actor, Permission.SHARING_MANAGE, target="sharing:agencies")
    rows = []
    for agency in list_agencies(uow):
        if agency.is_home:
            continue
        why_not = rules.ineligibility(facts(agency))
        rows.append(RegistryRow(agency, why_not is None, why_not))
    return rows


# --- for oversight (issue 18): who holds access, from the rows that enforce it --------------------


@dataclass(frozen=True)
class AgreementTerms:
    """One agreement as the public, the annual report and a records package see it."""

    reference: str
    status: str
    effective_on: date
    expires_on: date
    scopes: tuple[str, ...]
    in_force: bool  # today, by the very rule that opens search to the agency's people


@dataclass(frozen=True)
class AgencyAgreements:
    agency: AgencyView
    eligible: bool
    agreements: tuple[AgreementTerms, ...]
    open_cases_until: datetime | None  # latest end of an approved first-access request still open


def agencies_and_agreements(
    uow: UnitOfWork, first: date | None = None, last: date | None = None
) -> list[AgencyAgreements]:
    """Each outside agency with its signed agreements (drafts are not agreements yet), and
    whether each is in force today (``AgreementFacts.in_force``, the test ``outside_permissions``
    applies), and its approved first-access requests still open. With ``first``/``last``, only
    agreements whose dates overlap that span. Figures and references only: no person, no data."""
    today = uow.now().date()
    now = uow.now()
    open_until: dict[int, datetime] = {}
    for agency_id, until in uow.session.execute(
        select(AccessRequest.agency_id, AccessRequest.open_until).where(
            AccessRequest.state == rules.RequestState.APPROVED, AccessRequest.open_until > now
        )
    ):
        if until is not None and (agency_id not in open_until or until > open_until[agency_id]):
            open_until[agency_id] = until
    found = []
    for agency in uow.session.scalars(select(Agency).order_by(Agency.name)):
        if agency.is_home:
            continue
        terms = []
        rows = uow.session.scalars(
            select(SharingAgreement)
            .where(
                SharingAgreement.agency_id == agency.id,
                SharingAgreement.status != rules.AgreementStatus.DRAFT,
            )
            .order_by(SharingAgreement.effective_on, SharingAgreement.id)
        )
        for a in rows:
            if first is not None and a.expires_on < first:
                continue
            if last is not None and a.effective_on > last:
                continue
            known = agreement_facts(a)
            terms.append(
                AgreementTerms(
                    a.reference,
                    a.status,
                    a.effective_on,
                    a.expires_on,
                    tuple(sorted(s.value for s in known.scopes)),
                    known.in_force(today),
                )
            )
        found.append(
            AgencyAgreements(
                _view(agency),
                rules.eligible(facts(agency)),
                tuple(terms),
                open_until.get(agency.id),
            )
        )
    return found
