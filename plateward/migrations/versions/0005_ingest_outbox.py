"""Ingest: the after-commit outbox of stored reads.

One row per ingest batch that stored reads, written in the ingest transaction; the after-commit
hook (matching, later a broker) runs from it at least once (reads/outbox.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("read_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("processed_at", UTCDateTime()),
        sa.UniqueConstraint("batch_id", name="uq_ingest_outbox_batch_id"),
    )
    op.create_index("ix_ingest_outbox_processed_at", "ingest_outbox", ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_ingest_outbox_processed_at", table_name="ingest_outbox")
    op.drop_table("ingest_outbox")
