"""Hot lists shared with outside agencies (issue 16): subscriptions and acknowledgments.

DUP §10 — San José may share a hot list it keeps with a California agency whose agreement in
force includes alerts on shared hot lists. ``hotlist_subscriptions`` records each such share
(who opened it, who ended it and why; never deleted); ``shared_alert_acknowledgments`` records an
outside person's acknowledgment of an alert delivered to them (the dispositions and the visual
confirmation stay the department's).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotlist_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "agency_id",
            sa.Integer(),
            sa.ForeignKey("agencies.id", name="fk_hotlist_subscriptions_agency_id_agencies"),
            nullable=False,
        ),
        sa.Column("list_name", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("ended_by", sa.String(120)),
        sa.Column("end_reason", sa.String(500)),
    )
    op.create_index("ix_hotlist_subscriptions_agency_id", "hotlist_subscriptions", ["agency_id"])
    op.create_table(
        "shared_alert_acknowledgments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "hit_id",
            sa.Integer(),
            sa.ForeignKey(
                "hotlist_hits.id", name="fk_shared_alert_acknowledgments_hit_id_hotlist_hits"
            ),
            nullable=False,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_shared_alert_acknowledgments_user_id_users"),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "hit_id", "user_id", name="uq_shared_alert_acknowledgments_hit_id_user_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("shared_alert_acknowledgments")
    op.drop_index("ix_hotlist_subscriptions_agency_id", table_name="hotlist_subscriptions")
    op.drop_table("hotlist_subscriptions")
