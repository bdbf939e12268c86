"""Oversight's own records: public complaints, random audits and their findings, annual reports,
incident reports (issue 18). Migration 0016.

None of them holds a plate: a complaint holds what a resident wrote, a sampled search points at its
audit entry by sequence number, an annual report holds the DPO's text and its publication state.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class Complaint(Base):
    """DUP §11 — a public comment or complaint, and where the DPO's workflow stands."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_sender_received", "sender_key", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # comment | complaint
    topic: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    equity_concern: Mapped[bool]
    received_at: Mapped[datetime]
    # A keyed hash of the sender's address: enough to limit how often one address files, never
    # the address itself.
    sender_key: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(24), index=True)
    triage_note: Mapped[str | None] = mapped_column(Text)
    investigation_note: Mapped[str | None] = mapped_column(Text)
    action_plan: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(24))
    public_response: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    handled_by_name: Mapped[str | None] = mapped_column(String(200))


class AuditSample(Base):
    """DUP §9 — one month's random sample of searches, drawn with a recorded seed."""

    __tablename__ = "audit_samples"
    __table_args__ = (UniqueConstraint("month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, in the city's zone
    seed: Mapped[str] = mapped_column(String(64))
    requested_size: Mapped[int]
    population: Mapped[int]  # searches run that month
    audit_unit: Mapped[str] = mapped_column(String(200))
    drawn_at: Mapped[datetime]
    drawn_by_name: Mapped[str] = mapped_column(String(200))


class AuditSampleItem(Base):
    """One sampled search (its first audit entry) and the auditor's finding."""

    __tablename__ = "audit_sample_items"
    __table_args__ = (UniqueConstraint("sample_id", "audit_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("audit_samples.id"), index=True)
    position: Mapped[int]
    audit_seq: Mapped[int]  # the search.run entry of the search's first page
    search_id: Mapped[int | None]
    finding: Mapped[str | None] = mapped_column(String(16))  # compliant | follow_up | violation
    note: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    follow_up_done_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_name: Mapped[str | None] = mapped_column(String(200))


class AnnualReport(Base):
    """DUP §14 — the Annual Data Usage Report for one calendar year, and its release."""

    __tablename__ = "annual_reports"
    __table_args__ = (UniqueConstraint("year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    plans: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by_name: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None]  # received by the DPO
    extension_notice: Mapped[str | None] = mapped_column(Text)
    extension_until: Mapped[date | None]
    extension_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    public_summary: Mapped[str | None] = mapped_column(Text)  # redacted text, as published
    public_plans: Mapped[str | None] = mapped_column(Text)
    public_figures: Mapped[str | None] = mapped_column(Text)  # JSON of the aggregates, frozen


class Incident(Base):
    """DUP §12 — a suspected breach, handled by the City's Incident Response Plan."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    found_at: Mapped[datetime]
    found_by: Mapped[str] = mapped_column(String(200))
    data_involved: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(24), index=True)
    containment: Mapped[str | None] = mapped_column(Text)
    notification: Mapped[str | None] = mapped_column(Text)
    closure: Mapped[str | None] = mapped_column(Text)
    confirmed_breach: Mapped[bool]
    recorded_at: Mapped[datetime]
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class RecordsPackage(Base):
    """A public-records release: assembled in one action, reviewed and released by a second
    person. Plates are hashed and officers pseudonymized with this package's own salt."""

    __tablename__ = "records_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_ref: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[date]
    period_end: Mapped[date]
    salt: Mapped[str] = mapped_column(String(64))
    contents: Mapped[str] = mapped_column(Text)  # JSON: agencies, counts, policy versions
    audit_csv: Mapped[str] = mapped_column(Text)
    assembled_at: Mapped[datetime]
    assembled_by_id: Mapped[int | None]
    assembled_by_name: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[datetime | None]
    released_by_name: Mapped[str | None] = mapped_column(String(200))
