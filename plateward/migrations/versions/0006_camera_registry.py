"""The camera registry a department runs: retire, reactivate, expected interval.

Cameras get an optional expected interval between reads (None: learned from their traffic) and
the time their current silence was reported; quarantined rows get the time they were released
back through ingest once their camera was registered.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.add_column(sa.Column("expected_interval_minutes", sa.Integer()))
        batch.add_column(sa.Column("silence_reported_at", UTCDateTime()))
    with op.batch_alter_table("quarantined_rows") as batch:
        batch.add_column(sa.Column("released_at", UTCDateTime()))


def downgrade() -> None:
    with op.batch_alter_table("quarantined_rows") as batch:
        batch.drop_column("released_at")
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("silence_reported_at")
        batch.drop_column("expected_interval_minutes")
