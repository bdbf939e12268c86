"""The public transparency portal's figures, computed on each visit from the tables that enforce
access (U26 transparency; DUP §8, §9, §14).

Nothing here is stored for the portal: the cameras come from the camera registry, the agencies
from the sharing agreements in force (the rows and the rule that open search to an outside
agency's people), the subscriptions from the hot-list feeds, the searches and refusals from the
audit trail (the very entries written when each was allowed or refused), the hits from the hits
table, the audits, complaints and reports from oversight's own tables, and the checkpoint from
the signed checkpoints. So the portal cannot drift from what the system did.

The portal is public: these functions take no actor and return counts and names only — never a
plate, a read, a person or a location (DUP §8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select

from plateward.accounts import service as accounts
from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent, Outcome
from plateward.core.checkpoints import latest_checkpoint
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor
from plateward.hotlists import feeds as hotlist_feeds
from plateward.hotlists import service as hotlists
from plateward.oversight import portal_rules as rules
from plateward.oversight.models import AnnualReport, AuditSample, AuditSampleItem, Complaint
from plateward.sharing import service as sharing
from plateward.sharing import subscriptions as shared_hotlists


@dataclass(frozen=True)
class AgencyAccess:
    """An agency whose people can reach the data today, and on what terms."""

    name: str
    ori: str
    home: bool
    accounts: int  # its people's active accounts
    agreements: tuple[sharing.AgreementTerms, ...] = ()  # in force today (outside agencies)
    first_access_until: datetime | None = None  # an approved one-case request still open

    @property
    def agreement_refs(self) -> str:
        return "; ".join(a.reference for a in self.agreements)


@dataclass(frozen=True)
class SignedHead:
    """The audit trail's latest signed checkpoint: anyone may keep it and check it later."""

    seq: int
    hash: str
    signature: str
    public_key: str
    at: datetime


@dataclass(frozen=True)
class AuditResults:
    samples: int
    sampled: int
    compliant: int
    follow_up: int
    violation: int
    undecided: int
    immigration_checked_at: datetime | None
    immigration_accesses: int | None  # accesses by or for federal agencies or immigration terms
    compliance_reports: int


@dataclass(frozen=True)
class ComplaintFigures:
    received: int
    closed: int
    equity_concerns: int


@dataclass(frozen=True)
class PublishedReport:
    year: int
    published_at: datetime | None
    extension_notice: str | None
    extension_until: date | None


@dataclass(frozen=True)
class Portal:
    since: datetime
    until: datetime
    retention_days: int
    cameras_active: int
    cameras_retired: int
    agencies: tuple[AgencyAccess, ...]
    subscriptions: tuple[hotlist_feeds.Subscription, ...]
    searches: int
    hits: int
    blocked: int
    blocked_by_category: tuple[tuple[str, int], ...]
    audits: AuditResults
    complaints: ComplaintFigures
    reports: tuple[PublishedReport, ...]
    checkpoint: SignedHead | None
    shared_hotlists: int = 0  # issue 16: hot lists shared with outside agencies now


def agencies_with_access(uow: UnitOfWork) -> tuple[AgencyAccess, ...]:
    """The home department, and every outside agency with a sharing agreement in force today or
    an approved first-access request still open (DUP §10): the same rows and rule that open search
    to its people (``sharing.service.outside_permissions``). An agency whose agreement is suspended,
    revoked or expired, or that is no longer eligible, is not listed."""
    holding = accounts.agencies_with_active_accounts(uow)
    found = []
    home_id = sharing.home_agency_id(uow)
    if home_id is not None:
        home = sharing.agency_by_id(uow, home_id)
        found.append(AgencyAccess(home.name, home.ori, True, holding.get(home.id, 0)))
    for row in sharing.agencies_and_agreements(uow):
        in_force = tuple(a for a in row.agreements if a.in_force)
        if not row.eligible or not (in_force or row.open_cases_until):
            continue
        found.append(
            AgencyAccess(
                row.agency.name,
                row.agency.ori,
                False,
                holding.get(row.agency.id, 0),
                in_force,
                row.open_cases_until,
            )
        )
    return tuple(sorted(found, key=lambda a: (not a.home, a.name)))


def _entries(
    uow: UnitOfWork, actions: list[str], since: datetime, until: datetime
) -> list[tuple[str, dict[str, Any] | None]]:
    rows = uow.session.execute(
        select(AuditEntry.action, AuditEntry.details).where(
            AuditEntry.action.in_(actions), AuditEntry.at >= since, AuditEntry.at <= until
        )
    )
    return [(str(action), details) for action, details in rows]


def searches_and_refusals(
    uow: UnitOfWork, since: datetime, until: datetime
) -> tuple[int, list[tuple[str, list[str]]]]:
    """Searches run, and each refused request's (action, guard rules), from the trail."""
    run = _entries(uow, [str(AuditAction.SEARCH_RUN)], since, until)
    searches = rules.distinct_searches(dict(details or {}) for _, details in run)
    refused = _entries(
        uow, [str(AuditAction.SEARCH_BLOCKED), str(AuditAction.ACCESS_REFUSED)], since, until
    )
    refusals = [(action, list((details or {}).get("rules") or [])) for action, details in refused]
    return searches, refusals


def audit_results(uow: UnitOfWork) -> AuditResults:
    findings = dict(
        uow.session.execute(
            select(AuditSampleItem.finding, func.count()).group_by(AuditSampleItem.finding)
        ).all()
    )
    last_check = uow.session.execute(
        select(AuditEntry.at, AuditEntry.result_count)
        .where(AuditEntry.action == str(AuditAction.AUDIT_IMMIGRATION_CHECKED))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    reports = uow.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == str(AuditAction.AUDIT_COMPLIANCE_REPORTED))
    )
    return AuditResults(
        samples=int(uow.session.scalar(select(func.count()).select_from(AuditSample)) or 0),
        sampled=sum(int(n) for n in findings.values()),
        compliant=int(findings.get("compliant", 0)),
        follow_up=int(findings.get("follow_up", 0)),
        violation=int(findings.get("violation", 0)),
        undecided=int(findings.get(None, 0)),
        immigration_checked_at=last_check[0] if last_check else None,
        immigration_accesses=last_check[1] if last_check else None,
        compliance_reports=int(reports or 0),
    )


def complaint_figures(uow: UnitOfWork) -> ComplaintFigures:
    equity = func.sum(case((Complaint.equity_concern.is_(True), 1), else_=0))
    received, closed, concerns = uow.session.execute(
        select(func.count(), func.count(Complaint.closed_at), equity).select_from(Complaint)
    ).one()
    return ComplaintFigures(int(received), int(closed), int(concerns or 0))


def published_reports(uow: UnitOfWork) -> tuple[PublishedReport, ...]:
    """Reports released to the public, and the DPO's public notices of extension."""
    rows = uow.session.scalars(
        select(AnnualReport)
        .where(AnnualReport.published_at.is_not(None) | AnnualReport.extension_at.is_not(None))
        .order_by(AnnualReport.year.desc())
    )
    return tuple(
        PublishedReport(r.year, r.published_at, r.extension_notice, r.extension_until) for r in rows
    )


def signed_head(uow: UnitOfWork) -> SignedHead | None:
    last = latest_checkpoint(uow.session)
    if last is None:
        return None
    return SignedHead(last.last_seq, last.last_hash, last.signature, last.public_key, last.at)


def portal(uow: UnitOfWork) -> Portal:
    """Every figure of the portal, as of now (the last ``PORTAL_DAYS`` days for the activity)."""
    until = uow.now()
    since = until - rules.PORTAL_WINDOW
    counts = cameras.camera_counts(uow)
    searches, refusals = searches_and_refusals(uow, since, until)
    return Portal(
        since=since,
        until=until,
        retention_days=uow.settings.retention_days,
        cameras_active=counts.get("active", 0),
        cameras_retired=sum(n for status, n in counts.items() if status != "active"),
        agencies=agencies_with_access(uow),
        subscriptions=tuple(hotlist_feeds.subscriptions(uow)),
        searches=searches,
        hits=sum(hotlists.hit_counts_by_camera(uow, since, until).values()),
        blocked=len(refusals),
        blocked_by_category=tuple(rules.block_tally(refusals)),
        audits=audit_results(uow),
        complaints=complaint_figures(uow),
        reports=published_reports(uow),
        checkpoint=signed_head(uow),
        shared_hotlists=shared_hotlists.live_count(uow),
    )


def record_throttled(uow: UnitOfWork, actor: Actor, path: str) -> None:
    """The first refused request of an address's run over the portal's limit (not every one:
    a flood must not flood the trail too)."""
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.PORTAL_THROTTLED,
            Outcome.DENIED,
            reason="too many requests from this address",
            details={"path": path[:200]},
        ),
    )
    uow.commit()
