"""Misuse signals for auditors: patterns in the audit trail's searches, their review, and the
quarterly purpose-quality figures.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "misuse_signals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("series", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("subject_person_id", sa.Integer(), nullable=True),
        sa.Column("subject_username", sa.String(120), nullable=True),
        sa.Column("case_number", sa.String(120), nullable=True),
        sa.Column("period_start", UTCDateTime(), nullable=False),
        sa.Column("period_end", UTCDateTime(), nullable=False),
        sa.Column("entry_seqs", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.String(500), nullable=False),
        sa.Column("detected_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reviewer", sa.String(120), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.UniqueConstraint("fingerprint", name="uq_misuse_signals_fingerprint"),
    )
    op.create_index("ix_misuse_signals_series", "misuse_signals", ["series"])
    op.create_index(
        "ix_misuse_signals_state_detected_at", "misuse_signals", ["state", "detected_at"]
    )
    op.create_table(
        "misuse_quarter_figures",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("boilerplate", sa.Integer(), nullable=False),
        sa.Column("reused", sa.Integer(), nullable=False),
        sa.Column("no_case", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("year", "quarter", name="pk_misuse_quarter_figures"),
    )


def downgrade() -> None:
    op.drop_table("misuse_quarter_figures")
    op.drop_index("ix_misuse_signals_state_detected_at", table_name="misuse_signals")
    op.drop_index("ix_misuse_signals_series", table_name="misuse_signals")
    op.drop_table("misuse_signals")
