"""Sign-in throttling by client address: runs of failures per (account, address) and per address.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_address", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", UTCDateTime(), nullable=False),
        sa.Column("last_failure_at", UTCDateTime(), nullable=False),
        sa.Column("locked_until", UTCDateTime()),
        sa.PrimaryKeyConstraint(
            "scope", "user_id", "client_address", name=op.f("pk_sign_in_throttles")
        ),
    )


def downgrade() -> None:
    op.drop_table("sign_in_throttles")
