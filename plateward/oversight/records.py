"""Public-records packages: one action assembles what a California public-records request about the
program asks for; a second person reviews and releases it (both audited).

A package holds the agencies with access and their agreements in force (references, scopes,
dates) and every agreement in force at some time in the period, the period's counts (searches,
hits, blocked requests by category), the policy versions in force (the DUP documents and every
restriction statement published), and the audit trail's accesses of the period as CSV with
plates hashed and officers pseudonymized for this release only.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.hotlists import service as hotlists
from plateward.oversight import records_rules as rules
from plateward.oversight.audits import REQUEST_ACTIONS
from plateward.oversight.models import RecordsPackage
from plateward.oversight.portal import agencies_with_access, searches_and_refusals
from plateward.oversight.portal_rules import block_tally
from plateward.sharing import service as sharing


@dataclass(frozen=True)
class PackageView:
    id: int
    request_ref: str
    period_start: date
    period_end: date
    contents: dict[str, object]
    audit_rows: int
    assembled_at: datetime
    assembled_by_name: str
    released_at: datetime | None
    released_by_name: str | None
    salt_fingerprint: str


def _fingerprint(salt: str) -> str:
    return hashlib.sha256(salt.encode()).hexdigest()[:12]


def _view(p: RecordsPackage) -> PackageView:
    return PackageView(
        p.id,
        p.request_ref,
        p.period_start,
        p.period_end,
        json.loads(p.contents),
        max(p.audit_csv.count("\r\n") - 1, 0),
        p.assembled_at,
        p.assembled_by_name,
        p.released_at,
        p.released_by_name,
        _fingerprint(p.salt),
    )


def _statements(uow: UnitOfWork) -> list[dict[str, object]]:
    rows = uow.session.execute(
        select(AuditEntry.at, AuditEntry.details)
        .where(AuditEntry.action == str(AuditAction.STATEMENT_PUBLISHED))
        .order_by(AuditEntry.seq)
    )
    return [{"published_at": at.isoformat(), **(details or {})} for at, details in rows]


def _trail(uow: UnitOfWork, start: datetime, end: datetime) -> list[rules.TrailRow]:
    entries = uow.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action.in_([*REQUEST_ACTIONS, str(AuditAction.ACCESS_REFUSED)]),
            AuditEntry.actor_kind == "person",
            AuditEntry.at >= start,
            AuditEntry.at < end,
        )
        .order_by(AuditEntry.seq)
    )
    return [
        rules.TrailRow(
            e.seq,
            e.at.isoformat(),
            e.action,
            e.outcome,
            e.actor_username,
            e.actor_unit,
            e.actor_agency,
            e.purpose,
            dict(e.query_terms or {}),
            e.result_count,
        )
        for e in entries
    ]


def _agreements(uow: UnitOfWork, first: date, last: date) -> list[dict[str, object]]:
    return [
        {
            "agency": row.agency.name,
            "ori": row.agency.ori,
            "reference": g.reference,
            "status_today": g.status,
            "scopes": list(g.scopes),
            "effective_on": g.effective_on.isoformat(),
            "expires_on": g.expires_on.isoformat(),
        }
        for row in sharing.agencies_and_agreements(uow, first, last)
        for g in row.agreements
    ]


def assemble(uow: UnitOfWork, actor: Actor, request_ref: str, start: str, end: str) -> PackageView:
    """One action: everything the request asks for, for the period, ready for review."""
    authorize(uow, actor, Permission.RECORDS_ASSEMBLE)
    ref = rules.request_ref(request_ref)
    first, last = rules.period(start, end)
    zone = ZoneInfo(uow.settings.timezone)
    since = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    salt = secrets.token_hex(16)
    searches, refusals = searches_and_refusals(uow, since, until)
    contents = {
        "request": ref,
        "period": [first.isoformat(), last.isoformat()],
        "agencies_with_access": [
            {
                "name": a.name,
                "ori": a.ori,
                "home": a.home,
                "active_accounts": a.accounts,
                "agreements": [
                    {
                        "reference": g.reference,
                        "scopes": list(g.scopes),
                        "effective_on": g.effective_on.isoformat(),
                        "expires_on": g.expires_on.isoformat(),
                    }
                    for g in a.agreements
                ],
                "first_access_until": (
                    a.first_access_until.isoformat() if a.first_access_until else None
                ),
            }
            for a in agencies_with_access(uow)
        ],
        # Every signed agreement in force at any time in the period, whatever its state today.
        "agreements_in_period": _agreements(uow, first, last),
        "counts": {
            "searches": searches,
            "hits": sum(hotlists.hit_counts_by_camera(uow, since, until).values()),
            "blocked": dict(block_tally(refusals)),
        },
        "policy_versions": [{"title": t, "date": d} for t, d in rules.POLICY_VERSIONS],
        "restriction_statements": _statements(uow),
        "audit_csv": "plates hashed and officers pseudonymized with this release's own salt",
    }
    trail = _trail(uow, since, until)
    package = RecordsPackage(
        request_ref=ref,
        period_start=first,
        period_end=last,
        salt=salt,
        contents=json.dumps(contents, sort_keys=True),
        audit_csv=rules.audit_csv(salt, trail),
        assembled_at=uow.now(),
        assembled_by_id=actor.id,
        assembled_by_name=actor.name,
    )
    uow.session.add(package)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.RECORDS_PACKAGE_ASSEMBLED,
            query_terms={"request": ref, "from": first.isoformat(), "to": last.isoformat()},
            result_count=len(trail),
            details={"package_id": package.id, "salt_fingerprint": _fingerprint(salt)},
        ),
    )
    uow.commit()
    return _view(package)


def _find(uow: UnitOfWork, package_id: int) -> RecordsPackage:
    found = uow.session.get(RecordsPackage, package_id)
    if found is None:
        raise NotFound(f"There is no records package {package_id}.")
    return found


def packages(uow: UnitOfWork, actor: Actor) -> list[PackageView]:
    authorize(uow, actor, Permission.RECORDS_ASSEMBLE)
    rows = uow.session.scalars(select(RecordsPackage).order_by(RecordsPackage.id.desc()))
    return [_view(p) for p in rows]


def package(uow: UnitOfWork, actor: Actor, package_id: int) -> PackageView:
    authorize(uow, actor, Permission.RECORDS_ASSEMBLE)
    return _view(_find(uow, package_id))


@dataclass(frozen=True)
class SecondPerson:
    """A package is released by someone other than who assembled it (reviewed before release)."""

    assembled_by_id: int | None

    @property
    def audit_label(self) -> str:
        return "records-package"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del permission
        if actor.id is not None and actor.id == self.assembled_by_id:
            return "a second person reviews and releases a package; not the one who assembled it"
        return None


def release(uow: UnitOfWork, actor: Actor, package_id: int) -> PackageView:
    found = _find(uow, package_id)
    authorize(uow, actor, Permission.RECORDS_RELEASE, SecondPerson(found.assembled_by_id))
    if found.released_at is not None:
        raise Conflict("this package is already released")
    found.released_at, found.released_by_name = uow.now(), actor.name
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.RECORDS_PACKAGE_RELEASED,
            query_terms={"request": found.request_ref},
            details={"package_id": found.id, "salt_fingerprint": _fingerprint(found.salt)},
        ),
    )
    uow.commit()
    return _view(found)


def archive(uow: UnitOfWork, actor: Actor, package_id: int) -> tuple[str, bytes]:
    """The package as a ZIP (contents.json, audit.csv), for review or, once released, to send."""
    authorize(uow, actor, Permission.RECORDS_ASSEMBLE)
    found = _find(uow, package_id)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive_file:
        state = "released" if found.released_at else "draft-for-review"
        contents = {**json.loads(found.contents), "state": state}
        archive_file.writestr("contents.json", json.dumps(contents, indent=2, sort_keys=True))
        archive_file.writestr("audit.csv", found.audit_csv)
    name = f"records-{found.id}-{'released' if found.released_at else 'draft'}.zip"
    return name, out.getvalue()
