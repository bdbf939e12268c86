"""Department hot lists, hits and the alert workflow (issue 14).

``hotlist_entries`` keeps every entry with its entering member and the guard's verdict, never
deleted (DUP §4.5, §4.8); ``hotlist_state`` holds the one version counter every entry change
increments, which the in-memory matchers follow; ``hotlist_hits`` is one alert per read and entry;
``alert_steps`` the officer's recorded steps, appended in order (DUP §4.2-4.4, §4.7).

Revision ID: 0012
Revises: 0011a
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0012"
down_revision = "0011a"
branch_labels = None
depends_on = None


def _feeds() -> None:
    op.create_table(
        "hotlist_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("location", sa.String(500), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("needs_full", sa.Boolean(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_error", sa.String(500)),
        sa.Column("lost_since", UTCDateTime()),
        sa.Column("alarm_raised_at", UTCDateTime()),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("name", name="uq_hotlist_feeds_name"),
    )


def _entries() -> None:
    op.create_table(
        "hotlist_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("list_name", sa.String(40), nullable=False),
        sa.Column("plate", sa.String(8), nullable=False),
        sa.Column("plate_state", sa.String(2), nullable=False),
        sa.Column("vehicle_description", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("crime_type", sa.String(120), nullable=False),
        sa.Column("case_numbers", sa.JSON(), nullable=False),
        sa.Column("synopsis", sa.String(1000), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer()),
        sa.Column("created_by_name", sa.String(200), nullable=False),
        sa.Column("created_by_badge", sa.String(40)),
        sa.Column("created_by_unit", sa.String(200)),
        sa.Column("guard_decision", sa.String(16), nullable=False),
        sa.Column("guard_message", sa.String(500)),
        sa.Column("reviewed_at", UTCDateTime()),
        sa.Column("reviewed_by_id", sa.Integer()),
        sa.Column("reviewed_by_name", sa.String(200)),
        sa.Column("review_note", sa.String(500)),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("ended_by_name", sa.String(200)),
        sa.Column("end_reason", sa.String(500)),
        sa.Column("reminded_at", UTCDateTime()),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column(
            "feed_id",
            sa.Integer(),
            sa.ForeignKey("hotlist_feeds.id", name="fk_hotlist_entries_feed_id_hotlist_feeds"),
        ),
        sa.Column("external_key", sa.String(60)),
        sa.UniqueConstraint(
            "feed_id", "external_key", name="uq_hotlist_entries_feed_id_external_key"
        ),
    )
    op.create_index("ix_hotlist_entries_status", "hotlist_entries", ["status"])
    op.create_index("ix_hotlist_entries_change_seq", "hotlist_entries", ["change_seq"])
    op.create_table(
        "hotlist_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO hotlist_state (id, version) VALUES (1, 0)")


def _hits() -> None:
    op.create_table(
        "hotlist_hits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("read_id", sa.Uuid(), nullable=False),
        sa.Column("read_captured_at", UTCDateTime(), nullable=False),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("hotlist_entries.id", name="fk_hotlist_hits_entry_id_hotlist_entries"),
            nullable=False,
        ),
        sa.Column("match_kind", sa.String(16), nullable=False),
        sa.Column("state_relation", sa.String(16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("visual", sa.String(16)),
        sa.Column("disposition", sa.String(16)),
        sa.Column("closed_at", UTCDateTime()),
        sa.UniqueConstraint("read_id", "entry_id", name="uq_hotlist_hits_read_id_entry_id"),
    )
    op.create_index("ix_hotlist_hits_camera_id", "hotlist_hits", ["camera_id"])
    op.create_index("ix_hotlist_hits_entry_id", "hotlist_hits", ["entry_id"])
    op.create_table(
        "alert_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "hit_id",
            sa.Integer(),
            sa.ForeignKey("hotlist_hits.id", name="fk_alert_steps_hit_id_hotlist_hits"),
            nullable=False,
        ),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("value", sa.String(1000), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer()),
        sa.Column("by_name", sa.String(200), nullable=False),
        sa.Column("by_badge", sa.String(40)),
    )
    op.create_index("ix_alert_steps_hit_id", "alert_steps", ["hit_id"])


def upgrade() -> None:
    _feeds()
    _entries()
    _hits()


def downgrade() -> None:
    op.drop_table("alert_steps")
    op.drop_table("hotlist_hits")
    op.drop_table("hotlist_state")
    op.drop_table("hotlist_entries")
    op.drop_table("hotlist_feeds")
