"""Historical hits: checks of a hot-list entry against stored reads (issue 14).

Checking an approved entry against the reads already stored is a search (DUP §2, §9): it runs
through the search service with the entry's own purpose and is stored in ``searches`` like any
other. ``hotlist_history_checks`` ties each such search to the entry it was made for, so the
entry's author finds the results from the entry and an auditor sees why the search was made.

Revision ID: 0018
Revises: 0016
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotlist_history_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey(
                "hotlist_entries.id", name="fk_hotlist_history_checks_entry_id_hotlist_entries"
            ),
            nullable=False,
        ),
        sa.Column(
            "search_id",
            sa.Integer(),
            sa.ForeignKey("searches.id", name="fk_hotlist_history_checks_search_id_searches"),
            nullable=False,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_hotlist_history_checks_user_id_users"),
            nullable=False,
        ),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("case_number", sa.String(60), nullable=False),
        sa.Column("possible", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("result_count", sa.Integer()),
        sa.UniqueConstraint("search_id", name="uq_hotlist_history_checks_search_id"),
    )
    op.create_index("ix_hotlist_history_checks_entry_id", "hotlist_history_checks", ["entry_id"])


def downgrade() -> None:
    op.drop_table("hotlist_history_checks")
