"""Sharing agreements: record one, activate, suspend, reinstate, revoke; expiry warnings.

DUP §10 — data is shared agency by agency under an agreement. Every change is a typed audit
event with ``before`` and ``after`` (settings are evidence). Suspension and revocation take effect
at the next request of every session and token of the agency's people: what they hold is read
from these rows each time (``service.outside_permissions``); nothing is cached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.sharing import rules
from plateward.sharing import service as agencies
from plateward.sharing.models import Agency, SharingAgreement
from plateward.sharing.rules import AgencyFacts, AgreementStatus, Scope

MANAGE = Permission.SHARING_MANAGE


@dataclass(frozen=True)
class AgreementTarget:
    """The agency an agreement would open data to: a resource whose policy is eligibility."""

    agency: AgencyFacts

    @property
    def audit_label(self) -> str:
        return f"agency:{self.agency.ori}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del actor, permission
        if self.agency.is_home:
            return "the home agency needs no agreement with itself"
        unfit = rules.ineligibility(self.agency)
        if unfit is None:
            return None
        # DUP §10, SB 34 — whatever an administrator configures.
        return f"No agreement can be made with {self.agency.name}: {unfit}."


@dataclass(frozen=True)
class AgreementView:
    id: int
    agency_id: int
    agency: str
    ori: str
    reference: str
    effective_on: date
    expires_on: date
    scopes: tuple[str, ...]
    contacts: str
    status: str
    status_reason: str | None
    in_force: bool
    expiring: bool
    created_by: str
    changed_at: datetime


def _record(a: SharingAgreement) -> dict[str, Any]:
    return {
        "reference": a.reference,
        "effective_on": a.effective_on.isoformat(),
        "expires_on": a.expires_on.isoformat(),
        "scopes": json.loads(a.scopes),
        "contacts": a.contacts,
        "status": a.status,
        "status_reason": a.status_reason,
    }


def _view(uow: UnitOfWork, a: SharingAgreement) -> AgreementView:
    agency = agencies.agency_by_id(uow, a.agency_id)
    known = agencies.agreement_facts(a)
    today = uow.now().date()
    return AgreementView(
        a.id,
        a.agency_id,
        agency.name,
        agency.ori,
        a.reference,
        a.effective_on,
        a.expires_on,
        tuple(json.loads(a.scopes)),
        a.contacts,
        a.status,
        a.status_reason,
        known.in_force(today),
        rules.expiring(known, today, uow.settings.sharing_expiry_warning_days),
        a.created_by,
        a.changed_at,
    )


def _scopes(values: list[str]) -> list[str]:
    try:
        scopes = sorted({Scope(v.strip()) for v in values})
    except ValueError:
        choices = ", ".join(s.value for s in Scope)
        raise InvalidInput(f"the scope is one or more of: {choices}") from None
    if not scopes:
        raise InvalidInput("name what the agreement opens: search, alerts, or both")
    return [s.value for s in scopes]


def _target(uow: UnitOfWork, ori: str) -> tuple[Agency, AgreementTarget]:
    agency = uow.session.scalar(select(Agency).where(Agency.ori == ori.strip().upper()))
    if agency is None:
        raise NotFound(f"no agency with ORI '{ori.strip()[:9]}': register it first")
    return agency, AgreementTarget(agencies.facts(agency))


def create_agreement(
    uow: UnitOfWork,
    actor: Actor,
    *,
    ori: str,
    reference: str,
    effective_on: date,
    expires_on: date,
    scopes: list[str],
    contacts: str = "",
    draft: bool = False,
) -> AgreementView:
    """Record a signed agreement (active) or a draft; refused and audited for an agency that
    is not eligible (federal, out of state, commercial, private, tribal)."""
    agency, target = _target(uow, ori)
    authorize(uow, actor, MANAGE, target, target="sharing:agreements")
    reference, contacts = reference.strip(), contacts.strip()
    if not reference or len(reference) > 200:
        raise InvalidInput("give the signed document's reference (at most 200 characters)")
    if len(contacts) > 2000:
        raise InvalidInput("contacts are limited to 2000 characters")
    wrong = rules.check_dates(
        effective_on, expires_on, longest_days=uow.settings.sharing_agreement_max_days
    )
    if wrong:
        raise InvalidInput(wrong)
    now = uow.now()
    agreement = SharingAgreement(
        agency_id=agency.id,
        reference=reference,
        effective_on=effective_on,
        expires_on=expires_on,
        scopes=json.dumps(_scopes(scopes)),
        contacts=contacts,
        status=AgreementStatus.DRAFT if draft else AgreementStatus.ACTIVE,
        created_at=now,
        created_by=actor.name,
        changed_at=now,
    )
    _add_audited(uow, actor, agreement, agency)
    uow.commit()
    return _view(uow, agreement)


def draft_from_request(
    uow: UnitOfWork, actor: Actor, agency: Agency, request_id: int, case_number: str
) -> SharingAgreement:
    """DUP §10 — command staff approving a first-access request may also draft an agreement for
    the agency (``requests.decide_request`` has authorized them). A draft opens nothing: an
    administrator activates it with the signed document's reference and its dates."""
    if not rules.eligible(agencies.facts(agency)):
        raise Conflict(f"{agency.name} is not eligible for an agreement")
    today, now = uow.now().date(), uow.now()
    agreement = SharingAgreement(
        agency_id=agency.id,
        reference="",
        effective_on=today,
        expires_on=today,
        scopes=json.dumps([Scope.SEARCH.value]),
        contacts="",
        status=AgreementStatus.DRAFT,
        status_reason=f"drafted from first-access request {request_id} ({case_number})"[:500],
        created_at=now,
        created_by=actor.name,
        changed_at=now,
        access_request_id=request_id,
    )
    _add_audited(uow, actor, agreement, agency, access_request_id=request_id)
    return agreement


def _add_audited(
    uow: UnitOfWork, actor: Actor, agreement: SharingAgreement, agency: Agency, **extra: object
) -> None:
    """Store a new agreement and its typed audit event (before: none; after: the agreement)."""
    uow.session.add(agreement)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_AGREEMENT_CREATED,
            details={
                "agreement_id": agreement.id,
                "agency": agency.ori,
                **extra,
                "before": None,
                "after": _record(agreement),
            },
        ),
    )


def change_status(
    uow: UnitOfWork,
    actor: Actor,
    agreement_id: int,
    status: str,
    reason: str,
    *,
    reference: str | None = None,
    effective_on: date | None = None,
    expires_on: date | None = None,
) -> AgreementView:
    """Activate, suspend, reinstate or revoke an agreement, with the reason; effective at once.
    Activating a draft may give (and, for a draft written from a first-access request, must
    give) the signed document's reference and the agreement's dates."""
    known = 0 < agreement_id < 2**31
    agreement = uow.session.get(SharingAgreement, agreement_id) if known else None
    if agreement is None:
        authorize(uow, actor, MANAGE, target=f"sharing:agreement:{agreement_id}")
        raise NotFound(f"no agreement {agreement_id}")
    agency = agencies.agency_by_id(uow, agreement.agency_id)
    wanted = _status(status)
    target = AgreementTarget(agencies.facts(agency))
    # Suspending or revoking is always allowed; (re)activating asks eligibility again.
    authorize(
        uow,
        actor,
        MANAGE,
        target if wanted is AgreementStatus.ACTIVE else None,
        target=f"sharing:agreement:{agreement_id}",
    )
    reason = " ".join(reason.split())
    if not reason or len(reason) > 500:
        raise InvalidInput("give the reason (at most 500 characters)")
    current = AgreementStatus(agreement.status)
    if wanted not in rules.TRANSITIONS[current]:
        raise Conflict(f"an agreement that is {current.value} cannot become {wanted.value}")
    before = _record(agreement)
    if current is AgreementStatus.DRAFT and wanted is AgreementStatus.ACTIVE:
        _complete_draft(uow, agreement, reference, effective_on, expires_on)
    agreement.status, agreement.status_reason, agreement.changed_at = wanted, reason, uow.now()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_AGREEMENT_CHANGED,
            reason=reason,
            details={
                "agreement_id": agreement.id,
                "agency": agency.ori,
                "before": before,
                "after": _record(agreement),
            },
        ),
    )
    uow.commit()
    return _view(uow, agreement)


def _complete_draft(
    uow: UnitOfWork,
    agreement: SharingAgreement,
    reference: str | None,
    effective_on: date | None,
    expires_on: date | None,
) -> None:
    if reference is not None and reference.strip():
        if len(reference.strip()) > 200:
            raise InvalidInput("the reference is at most 200 characters")
        agreement.reference = reference.strip()
    agreement.effective_on = effective_on or agreement.effective_on
    agreement.expires_on = expires_on or agreement.expires_on
    if not agreement.reference:
        raise InvalidInput("give the signed document's reference to activate this draft")
    if agreement.expires_on <= agreement.effective_on:
        raise InvalidInput("give the agreement's effective and expiry dates to activate it")
    wrong = rules.check_dates(
        agreement.effective_on,
        agreement.expires_on,
        longest_days=uow.settings.sharing_agreement_max_days,
    )
    if wrong:
        raise InvalidInput(wrong)


def _status(value: str) -> AgreementStatus:
    try:
        return AgreementStatus(value.strip())
    except ValueError:
        choices = ", ".join(s.value for s in AgreementStatus if s is not AgreementStatus.DRAFT)
        raise InvalidInput(f"the status is one of: {choices}") from None


def list_agreements(uow: UnitOfWork, actor: Actor) -> list[AgreementView]:
    authorize(uow, actor, MANAGE, target="sharing:agreements")
    rows = uow.session.scalars(select(SharingAgreement).order_by(SharingAgreement.id.desc()))
    return [_view(uow, a) for a in rows]


def warn_expiring(uow: UnitOfWork, actor: Actor) -> list[str]:
    """Warn administrators, once per agreement, that it expires soon (the job's identity)."""
    today, days = uow.now().date(), uow.settings.sharing_expiry_warning_days
    warned = []
    rows = uow.session.scalars(
        select(SharingAgreement).where(
            SharingAgreement.status == AgreementStatus.ACTIVE,
            SharingAgreement.expiry_warned_at.is_(None),
        )
    )
    for agreement in rows:
        if not rules.expiring(agencies.agreement_facts(agreement), today, days):
            continue
        agreement.expiry_warned_at = uow.now()
        agency = agencies.agency_by_id(uow, agreement.agency_id)
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.SHARING_AGREEMENT_EXPIRING,
                details={
                    "agreement_id": agreement.id,
                    "agency": agency.ori,
                    "expires_on": agreement.expires_on.isoformat(),
                },
            ),
        )
        warned.append(f"{agency.name} expires {agreement.expires_on.isoformat()}")
    return warned
