"""Agencies, their sharing agreements, first-access requests, the sharing settings and alarms."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base
from plateward.sharing.rules import AgencyKind

__all__ = [
    "AccessRequest",
    "Agency",
    "AgencyClient",
    "AgencyKind",
    "HotListSubscription",
    "SharedAlertAcknowledgment",
    "SharingAgreement",
    "SharingAlarm",
    "SharingSettingRow",
]


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    ori: Mapped[str] = mapped_column(String(9), unique=True)  # NCIC Originating Agency Identifier
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(32))
    is_home: Mapped[bool] = mapped_column(default=False)


class SharingAgreement(Base):
    """DUP §10 — an agreement with one agency: dates, signed document, scope, contacts."""

    __tablename__ = "sharing_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    reference: Mapped[str] = mapped_column(String(200))  # the signed document's reference
    effective_on: Mapped[date]
    expires_on: Mapped[date]
    scopes: Mapped[str] = mapped_column(Text)  # JSON list of rules.Scope values
    contacts: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    status_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime]
    expiry_warned_at: Mapped[datetime | None]
    # The first-access request an agreement draft was written from, if any.
    access_request_id: Mapped[int | None] = mapped_column(ForeignKey("access_requests.id"))


class AccessRequest(Base):
    """DUP §10 — an agency without access asks for data for one case; command staff decide."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)  # JSON: core.purpose.Purpose.as_record()
    case_number: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(16), index=True)
    guard_rules: Mapped[str] = mapped_column(Text, default="[]")
    guard_message: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    open_until: Mapped[datetime | None]


class SharingSettingRow(Base):
    """One sharing setting's live value (rules.SharingSetting); changes are audited."""

    __tablename__ = "sharing_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(120))


class SharingAlarm(Base):
    """A departure from the policy the conformance job found; open until an administrator
    acknowledges it (the finding stays)."""

    __tablename__ = "sharing_alarms"

    id: Mapped[int] = mapped_column(primary_key=True)
    raised_at: Mapped[datetime]
    finding: Mapped[str] = mapped_column(String(500))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))


class AgencyClient(Base):
    """An outside agency's own system's credential (machine API): scoped, expiring, revocable;
    issued by an administrator to a named person of that agency, who answers for its searches.
    Only the SHA-256 of the secret is kept."""

    __tablename__ = "agency_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    token_prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(Text)  # JSON list of permissions
    statement_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[datetime | None]


class HotListSubscription(Base):
    """DUP §10 — a hot list San José keeps, shared with one outside agency: its people under an
    agreement in force with the alerts scope receive the alerts of this list, and only those.
    Ended, never deleted."""

    __tablename__ = "hotlist_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    list_name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(120))
    end_reason: Mapped[str | None] = mapped_column(String(500))


class SharedAlertAcknowledgment(Base):
    """An outside person acknowledged an alert of a shared hot list (all they may record)."""

    __tablename__ = "shared_alert_acknowledgments"
    __table_args__ = (UniqueConstraint("hit_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hotlist_hits.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
