"""The administrator's record of hot-list capture notices (DUP §4.7, issue 14).

DUP §4.7 asks that the system administrator be notified when a hot-list capture is made and of the
ultimate disposition of the enforcement action, and that this be recorded. Captures and their
dispositions are already in ``hotlist_hits``; ``capture_notice_records`` keeps, per hit and kind
(``capture`` or ``disposition``), which administrator recorded the notice and when, so the ones
not yet recorded can be counted and shown.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capture_notice_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "hit_id",
            sa.Integer(),
            sa.ForeignKey("hotlist_hits.id", name="fk_capture_notice_records_hit_id_hotlist_hits"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer()),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.UniqueConstraint("hit_id", "kind", name="uq_capture_notice_records_hit_id_kind"),
    )


def downgrade() -> None:
    op.drop_table("capture_notice_records")
