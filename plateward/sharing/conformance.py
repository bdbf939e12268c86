"""Settings are evidence: the sharing settings, the daily conformance check, the outside-access log.

DUP §10 and the March 2026 update. Ventura County 2025 is the case this prevents: a national
lookup found re-enabled, 364,000+ out-of-state accesses, cause "impossible to determine". Here each
sharing setting has the one value the policy allows (a change to anything else is refused and
audited); the ``sharing-conformance`` job reads the live rows every day — not what the services
would have allowed — and raises an alarm for each departure, however it got there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.sharing import requests
from plateward.sharing import service as agencies
from plateward.sharing.models import (
    Agency,
    HotListSubscription,
    SharingAgreement,
    SharingAlarm,
    SharingSettingRow,
)
from plateward.sharing.rules import (
    SETTING_POLICY,
    AgreementUse,
    Configuration,
    SharingSetting,
    SubscriptionFacts,
    drift,
    setting_refusal,
)

# Outside accesses that returned data (DUP §10: every outside access is logged).
DATA_ACTIONS = ("search.run", "read.viewed", "read.image_viewed", "alert.viewed")


@dataclass(frozen=True)
class SettingView:
    key: str
    value: str
    allowed: str
    changed_at: datetime | None
    changed_by: str | None


@dataclass(frozen=True)
class AlarmView:
    id: int
    raised_at: datetime
    finding: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None


def sharing_settings(uow: UnitOfWork, actor: Actor) -> list[SettingView]:
    authorize(uow, actor, Permission.SHARING_MANAGE, target="sharing:settings")
    rows = {r.key: r for r in uow.session.scalars(select(SharingSettingRow))}
    views = []
    for setting, allowed in SETTING_POLICY.items():
        row = rows.get(setting.value)
        views.append(
            SettingView(
                setting.value,
                row.value if row else allowed,
                allowed,
                row.changed_at if row else None,
                row.changed_by if row else None,
            )
        )
    return views


def change_setting(uow: UnitOfWork, actor: Actor, key: str, value: str) -> SettingView:
    """Record a sharing setting's new value; a value the policy forbids (a national lookup
    switched on) is refused by design, and the attempt is in the trail with before and after."""
    authorize(uow, actor, Permission.SHARING_MANAGE, target="sharing:settings")
    try:
        setting = SharingSetting(key.strip())
    except ValueError:
        raise InvalidInput(f"no sharing setting '{key[:40]}'") from None
    value = value.strip().lower()[:40]
    row = uow.session.get(SharingSettingRow, setting.value)
    before = row.value if row else SETTING_POLICY[setting]
    refusal = setting_refusal(setting, value)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_SETTING_CHANGED,
            Outcome.DENIED if refusal else Outcome.ALLOWED,
            reason=refusal,
            details={"setting": setting.value, "before": before, "after": value},
        ),
    )
    if refusal:
        uow.commit()
        raise PermissionDenied(refusal)
    if row is None:
        row = SharingSettingRow(key=setting.value)
        uow.session.add(row)
    row.value, row.changed_at, row.changed_by = value, uow.now(), actor.name
    uow.commit()
    return SettingView(setting.value, value, SETTING_POLICY[setting], row.changed_at, actor.name)


def _configuration(uow: UnitOfWork, since: datetime) -> Configuration:
    agency_rows = list(uow.session.scalars(select(Agency)))
    outside = {a.name: a.id for a in agency_rows if not a.is_home}
    uses = []
    entries = uow.session.scalars(
        select(AuditEntry).where(
            AuditEntry.at >= since,
            AuditEntry.action.in_(DATA_ACTIONS),
            AuditEntry.outcome == Outcome.ALLOWED.value,
            AuditEntry.actor_agency.in_(sorted(outside)),
        )
    )
    for entry in entries:
        case = str((entry.purpose or {}).get("case_number", ""))
        uses.append(AgreementUse(outside[entry.actor_agency or ""], entry.at.date(), case))
    return Configuration(
        tuple(agencies.facts(a) for a in agency_rows),
        tuple(agencies.agreement_facts(a) for a in uow.session.scalars(select(SharingAgreement))),
        {r.key: r.value for r in uow.session.scalars(select(SharingSettingRow))},
        tuple(uses),
        requests.approved_cases(uow),
        tuple(
            SubscriptionFacts(s.id, s.agency_id, s.list_name)
            for s in uow.session.scalars(
                select(HotListSubscription).where(HotListSubscription.ended_at.is_(None))
            )
        ),
    )


def check_conformance(uow: UnitOfWork, actor: Actor) -> list[str]:
    """Compare the live configuration with the policy; raise one alarm per new finding (an open
    alarm with the same finding is not raised twice: the job may run more than once a day)."""
    now = uow.now()
    findings = drift(_configuration(uow, now - timedelta(days=2)), now.date())
    open_alarms = set(
        uow.session.scalars(
            select(SharingAlarm.finding).where(SharingAlarm.acknowledged_at.is_(None))
        )
    )
    raised = []
    for finding in findings:
        text = finding[:500]
        if text in open_alarms:
            continue
        uow.session.add(SharingAlarm(raised_at=now, finding=text))
        audit.record(
            uow,
            actor,
            AuditEvent(AuditAction.SHARING_DRIFT_DETECTED, Outcome.DENIED, reason=text),
        )
        raised.append(text)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SHARING_CONFORMANCE_CHECKED,
            details={"findings": len(findings), "new_alarms": len(raised)},
        ),
    )
    return raised


def alarms(uow: UnitOfWork, actor: Actor) -> list[AlarmView]:
    authorize(uow, actor, Permission.SHARING_MANAGE, target="sharing:alarms")
    rows = uow.session.scalars(select(SharingAlarm).order_by(SharingAlarm.id.desc()).limit(100))
    return [
        AlarmView(a.id, a.raised_at, a.finding, a.acknowledged_at, a.acknowledged_by) for a in rows
    ]


def acknowledge_alarm(uow: UnitOfWork, actor: Actor, alarm_id: int) -> None:
    authorize(uow, actor, Permission.SHARING_MANAGE, target=f"sharing:alarm:{alarm_id}")
    alarm = uow.session.get(SharingAlarm, alarm_id) if 0 < alarm_id < 2**31 else None
    if alarm is None:
        raise NotFound(f"no alarm {alarm_id}")
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at, alarm.acknowledged_by = uow.now(), actor.name
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.SHARING_ALARM_ACKNOWLEDGED,
                details={"alarm_id": alarm.id, "finding": alarm.finding},
            ),
        )
    uow.commit()
