"""The quarterly compliance report and the immigration-release check (U26; DUP §9).

U26 — quarterly compliance audits of internal and external access (for the City's IT department)
and an audit confirming no data was released for federal immigration purposes. Both read the trail
only, never the reads, and are themselves audited.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from plateward import guard
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.audit_models import canonical
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission
from plateward.oversight import audit_rules as rules
from plateward.oversight.audit_rules import AUDIT_UNIT, Period
from plateward.oversight.audits import DATA_ACTIONS, REQUEST_ACTIONS, check_unit, zone_of
from plateward.sharing import service as sharing

# --- the quarterly compliance report ------------------------------------------------------------


@dataclass(frozen=True)
class AccessLine:
    scope: str  # internal | external
    agency: str
    action: str
    outcome: str
    entries: int
    people: int
    records: int


@dataclass(frozen=True)
class ComplianceReport:
    period: Period
    home_agency: str
    lines: tuple[AccessLine, ...]
    refused: int
    external_agencies: tuple[str, ...]
    first_seq: int | None
    last_seq: int | None

    def totals(self, scope: str) -> tuple[int, int]:
        lines = [line for line in self.lines if line.scope == scope]
        return sum(line.entries for line in lines), sum(line.records for line in lines)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            ["quarter", "scope", "agency", "action", "outcome", "entries", "people", "records"]
        )
        for line in self.lines:
            writer.writerow(
                [
                    self.period.name,
                    line.scope,
                    line.agency,
                    line.action,
                    line.outcome,
                    line.entries,
                    line.people,
                    line.records,
                ]
            )
        return out.getvalue()


def compliance_report(uow: UnitOfWork, actor: Actor, quarter: str) -> ComplianceReport:
    """U26 — every access to data and every refused request of a quarter, internal (this
    department's people) and external (other agencies), by agency, action and outcome. Run by the
    City IT department's auditor or the audit unit (``compliance:report``), never by CDIC."""
    authorize(uow, actor, Permission.COMPLIANCE_REPORT, AUDIT_UNIT)
    period = rules.quarter(quarter, zone_of(uow))
    home = sharing.home_agency(uow).name
    rows = uow.session.execute(
        select(
            AuditEntry.seq,
            AuditEntry.actor_agency,
            AuditEntry.actor_username,
            AuditEntry.action,
            AuditEntry.outcome,
            AuditEntry.result_count,
        ).where(
            AuditEntry.action.in_([*REQUEST_ACTIONS, str(AuditAction.ACCESS_REFUSED)]),
            AuditEntry.actor_kind == "person",
            AuditEntry.at >= period.start,
            AuditEntry.at < period.end,
        )
    ).all()
    groups: dict[tuple[str, str, str, str], list[tuple[str, int]]] = {}
    for _, agency, username, action, outcome, count in rows:
        name = agency or home
        scope = "internal" if name == home else "external"
        groups.setdefault((scope, name, action, outcome), []).append((username, count or 0))
    lines = tuple(
        AccessLine(
            scope, name, action, outcome, len(v), len({u for u, _ in v}), sum(c for _, c in v)
        )
        for (scope, name, action, outcome), v in sorted(groups.items())
    )
    report = ComplianceReport(
        period,
        home,
        lines,
        refused=sum(line.entries for line in lines if line.outcome == "denied"),
        external_agencies=tuple(sorted({ln.agency for ln in lines if ln.scope == "external"})),
        first_seq=min((r[0] for r in rows), default=None),
        last_seq=max((r[0] for r in rows), default=None),
    )
    internal, external = report.totals("internal"), report.totals("external")
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_COMPLIANCE_REPORTED,
            query_terms={"quarter": period.name},
            result_count=len(rows),
            details={
                "internal_entries": internal[0],
                "external_entries": external[0],
                "refused": report.refused,
                "external_agencies": list(report.external_agencies),
            },
        ),
    )
    uow.commit()
    return report


# --- the immigration-release check --------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedAccess:
    seq: int
    at: datetime
    action: str
    outcome: str
    person: str
    agency: str | None
    why: str


@dataclass(frozen=True)
class ImmigrationCheck:
    start: date
    end: date
    checked: int
    flagged: tuple[FlaggedAccess, ...]

    @property
    def released(self) -> tuple[FlaggedAccess, ...]:
        """Accesses that returned data although by or for a federal agency or about
        immigration: each one is a finding for the auditor."""
        return tuple(f for f in self.flagged if f.outcome == "allowed" and f.action in DATA_ACTIONS)

    @property
    def blocked(self) -> tuple[FlaggedAccess, ...]:
        return tuple(f for f in self.flagged if f not in self.released)


def _why(entry: AuditEntry, federal: set[str], verdicts: dict[str, tuple[str, ...]]) -> str | None:
    if entry.actor_agency and entry.actor_agency in federal:
        return f"by a federal agency ({entry.actor_agency})"
    if not entry.purpose:
        return None
    purpose = dict(entry.purpose)
    key = canonical(purpose)
    if key not in verdicts:
        verdict = guard.check(
            guard.GuardRequest(
                category=str(purpose.get("category") or ""),
                crime_type=str(purpose.get("crime_type") or ""),
                case_number=str(purpose.get("case_number") or ""),
                justification=str(purpose.get("justification") or ""),
                agency=purpose.get("beneficiary_agency"),
            )
        )
        verdicts[key] = verdict.rules
    fired = [r for r in verdicts[key] if rules.immigration_related([r])]
    return f"the guard finds: {', '.join(fired)}" if fired else None


def immigration_check(uow: UnitOfWork, actor: Actor, start: date, end: date) -> ImmigrationCheck:
    """U26 — every request for data in [start, end] (local dates) by a federal agency, or whose
    purpose the prohibited-use guard reads as immigration enforcement or for a federal agency,
    today's guard judging yesterday's purposes. Audited with what it found."""
    check_unit(uow, actor)
    if start > end:
        raise InvalidInput("the 'from' date is after the 'to' date")
    zone = zone_of(uow)
    period = rules.Period(f"{start}..{end}", *rules.bounds(start, end + timedelta(days=1), zone))
    federal = {a.name for a in sharing.list_agencies(uow) if a.kind == "federal"}
    entries = uow.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action.in_(REQUEST_ACTIONS),
            AuditEntry.at >= period.start,
            AuditEntry.at < period.end,
        )
        .order_by(AuditEntry.seq)
    ).all()
    verdicts: dict[str, tuple[str, ...]] = {}
    flagged = []
    for entry in entries:
        why = _why(entry, federal, verdicts)
        if why is not None:
            flagged.append(
                FlaggedAccess(
                    entry.seq,
                    entry.at,
                    entry.action,
                    entry.outcome,
                    f"{entry.actor_name} ({entry.actor_username})",
                    entry.actor_agency,
                    why,
                )
            )
    check = ImmigrationCheck(start, end, len(entries), tuple(flagged))
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_IMMIGRATION_CHECKED,
            query_terms={"from": start.isoformat(), "to": end.isoformat()},
            result_count=len(check.released),
            result_ids=tuple(str(f.seq) for f in check.flagged),
            details={
                "checked": len(entries),
                "released": [f.seq for f in check.released],
                "blocked": len(check.blocked),
            },
        ),
    )
    uow.commit()
    return check
