"""Oversight and transparency (issue 18): public complaints, random audit samples and their
findings, annual data usage reports, the incident register, public-records packages.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _complaints() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tracking_number", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(200)),
        sa.Column("equity_concern", sa.Boolean(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("sender_key", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("triage_note", sa.Text()),
        sa.Column("investigation_note", sa.Text()),
        sa.Column("action_plan", sa.Text()),
        sa.Column("outcome", sa.String(24)),
        sa.Column("public_response", sa.Text()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("handled_by_name", sa.String(200)),
        sa.UniqueConstraint("tracking_number", name="uq_complaints_tracking_number"),
    )
    op.create_index("ix_complaints_stage", "complaints", ["stage"])
    op.create_index("ix_complaints_sender_received", "complaints", ["sender_key", "received_at"])


def _audit_samples() -> None:
    op.create_table(
        "audit_samples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("requested_size", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("audit_unit", sa.String(200), nullable=False),
        sa.Column("drawn_at", UTCDateTime(), nullable=False),
        sa.Column("drawn_by_name", sa.String(200), nullable=False),
        sa.UniqueConstraint("month", name="uq_audit_samples_month"),
    )
    op.create_table(
        "audit_sample_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "sample_id",
            sa.Integer(),
            sa.ForeignKey("audit_samples.id", name="fk_audit_sample_items_sample_id_audit_samples"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("search_id", sa.Integer()),
        sa.Column("finding", sa.String(16)),
        sa.Column("note", sa.Text()),
        sa.Column("follow_up", sa.Text()),
        sa.Column("follow_up_done_at", UTCDateTime()),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("decided_by_name", sa.String(200)),
        sa.UniqueConstraint(
            "sample_id", "audit_seq", name="uq_audit_sample_items_sample_id_audit_seq"
        ),
    )
    op.create_index("ix_audit_sample_items_sample_id", "audit_sample_items", ["sample_id"])


def _annual_reports() -> None:
    op.create_table(
        "annual_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("plans", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_name", sa.String(200), nullable=False),
        sa.Column("submitted_at", UTCDateTime()),
        sa.Column("extension_notice", sa.Text()),
        sa.Column("extension_until", sa.Date()),
        sa.Column("extension_at", UTCDateTime()),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("public_summary", sa.Text()),
        sa.Column("public_plans", sa.Text()),
        sa.Column("public_figures", sa.Text()),
        sa.UniqueConstraint("year", name="uq_annual_reports_year"),
    )


def _incidents() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("found_at", UTCDateTime(), nullable=False),
        sa.Column("found_by", sa.String(200), nullable=False),
        sa.Column("data_involved", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("containment", sa.Text()),
        sa.Column("notification", sa.Text()),
        sa.Column("closure", sa.Text()),
        sa.Column("confirmed_breach", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.UniqueConstraint("reference", name="uq_incidents_reference"),
    )
    op.create_index("ix_incidents_stage", "incidents", ["stage"])


def _records_packages() -> None:
    op.create_table(
        "records_packages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_ref", sa.String(100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("contents", sa.Text(), nullable=False),
        sa.Column("audit_csv", sa.Text(), nullable=False),
        sa.Column("assembled_at", UTCDateTime(), nullable=False),
        sa.Column("assembled_by_id", sa.Integer()),
        sa.Column("assembled_by_name", sa.String(200), nullable=False),
        sa.Column("released_at", UTCDateTime()),
        sa.Column("released_by_name", sa.String(200)),
    )


def upgrade() -> None:
    _complaints()
    _audit_samples()
    _annual_reports()
    _incidents()
    _records_packages()


def downgrade() -> None:
    op.drop_table("records_packages")
    op.drop_table("incidents")
    op.drop_table("annual_reports")
    op.drop_table("audit_sample_items")
    op.drop_table("audit_samples")
    op.drop_table("complaints")
