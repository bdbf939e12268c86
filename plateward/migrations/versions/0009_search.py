"""Search: the searches people ask for, with purpose, terms, guard verdict and review.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "searches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("purpose", sa.JSON(), nullable=False),
        sa.Column("case_number", sa.String(60), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("guard_rules", sa.JSON(), nullable=False),
        sa.Column("guard_message", sa.String(1000), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("review_reason", sa.String(500), nullable=True),
        sa.Column("result_count", sa.Integer(), nullable=True),
    )
    op.create_index("ix_searches_user_id_id", "searches", ["user_id", "id"])
    op.create_index("ix_searches_state", "searches", ["state"])


def downgrade() -> None:
    op.drop_index("ix_searches_state", table_name="searches")
    op.drop_index("ix_searches_user_id_id", table_name="searches")
    op.drop_table("searches")
