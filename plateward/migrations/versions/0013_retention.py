"""Retention, purge, legal holds and backup keys (issue 15).

``retention_changes`` records every change of the retention period with before and after
(DUP §7 as updated in March 2026); ``read_day_counts`` keeps reads and hits per camera and day
after the raw reads are purged (no plates); ``purge_runs`` what each purge removed;
``legal_holds`` and ``held_reads`` the holds and their evidence store; ``data_keys`` the wrapped
per-day and per-hold backup keys that the purge destroys.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _settings_and_counts() -> None:
    op.create_table(
        "retention_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer()),
        sa.Column("changed_by_name", sa.String(200), nullable=False),
        sa.Column("before_days", sa.Integer(), nullable=False),
        sa.Column("after_days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_table(
        "read_day_counts",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("camera_id", sa.Integer(), primary_key=True),
        sa.Column("camera_code", sa.String(64), nullable=False),
        sa.Column("location", sa.String(300), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "purge_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("cutoff", UTCDateTime(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("images", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("keys_destroyed", sa.Integer(), nullable=False),
        sa.Column("run_by", sa.String(200), nullable=False),
    )


def _holds() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_number", sa.String(60), nullable=False),
        sa.Column("crime_type", sa.String(120), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("justification", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("placed_by_id", sa.Integer()),
        sa.Column("placed_by_name", sa.String(200), nullable=False),
        sa.Column("guard_decision", sa.String(16), nullable=False),
        sa.Column("guard_message", sa.String(500)),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("decided_by_id", sa.Integer()),
        sa.Column("decided_by_name", sa.String(200)),
        sa.Column("decision_note", sa.String(500)),
        sa.Column("status_changed_at", UTCDateTime(), nullable=False),
        sa.Column("review_due_on", sa.Date()),
        sa.Column("reminded_at", UTCDateTime()),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("ended_by_name", sa.String(200)),
    )
    op.create_index("ix_legal_holds_status", "legal_holds", ["status"])
    op.create_index("ix_legal_holds_case_number", "legal_holds", ["case_number"])
    op.create_table(
        "held_reads",
        sa.Column(
            "hold_id",
            sa.Integer(),
            sa.ForeignKey("legal_holds.id", name="fk_held_reads_hold_id_legal_holds"),
            primary_key=True,
        ),
        sa.Column("read_id", sa.Uuid(), primary_key=True),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("camera_code", sa.String(64), nullable=False),
        sa.Column("plate", sa.String(8), nullable=False),
        sa.Column("plate_raw", sa.String(32), nullable=False),
        sa.Column("plate_state", sa.String(2)),
        sa.Column("confidence", sa.Float()),
        sa.Column("vehicle", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("image_type", sa.String(40)),
        sa.Column("image", sa.LargeBinary()),
    )
    op.create_table(
        "data_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("destroyed_at", UTCDateTime()),
        sa.UniqueConstraint("scope", "label", name="uq_data_keys_scope_label"),
    )


def upgrade() -> None:
    _settings_and_counts()
    _holds()


def downgrade() -> None:
    op.drop_table("data_keys")
    op.drop_table("held_reads")
    op.drop_index("ix_legal_holds_case_number", table_name="legal_holds")
    op.drop_index("ix_legal_holds_status", table_name="legal_holds")
    op.drop_table("legal_holds")
    op.drop_table("purge_runs")
    op.drop_table("read_day_counts")
    op.drop_table("retention_changes")
