"""Background jobs: one row per job, claimed atomically.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("next_run_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(120)),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("last_started_at", UTCDateTime()),
        sa.Column("last_finished_at", UTCDateTime()),
        sa.Column("last_outcome", sa.String(16)),
        sa.Column("last_message", sa.String(500)),
        sa.Column("last_error", sa.String(500)),
        sa.Column("runs", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("jobs")
