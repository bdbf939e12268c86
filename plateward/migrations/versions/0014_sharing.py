"""Sharing with California agencies (issue 16): agreements, first-access requests, settings, alarms.

``sharing_agreements`` holds each agency's agreements (dates, document, scope, contacts, status);
``access_requests`` the first-access requests command staff decide (DUP §10);
``sharing_settings`` the switches whose only allowed value the policy fixes (no national lookup);
``sharing_alarms`` what the daily conformance job found; ``agency_clients`` the machine-API
credentials of outside agencies' own systems. Agency kinds written by earlier versions
(``municipal_police``, ``sheriff``, ``state_police``, ``other``) become the registry's kinds.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Earlier kind → the registry's kind (a downgrade writes the earlier names back).
_KINDS = {
    "municipal_police": "municipal",
    "sheriff": "county",
    "state_police": "state",
    "other": "private",
}


def _rename_kinds(mapping: dict[str, str]) -> None:
    agencies = sa.table("agencies", sa.column("kind", sa.String))
    for old, new in mapping.items():
        op.execute(agencies.update().where(agencies.c.kind == old).values(kind=new))


def upgrade() -> None:
    _rename_kinds(_KINDS)
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("requester_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("case_number", sa.String(60), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("guard_rules", sa.Text(), nullable=False),
        sa.Column("guard_message", sa.String(1000)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(120)),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("decision_reason", sa.String(500)),
        sa.Column("open_until", UTCDateTime()),
    )
    op.create_index("ix_access_requests_agency_id", "access_requests", ["agency_id"])
    op.create_index("ix_access_requests_requester_id", "access_requests", ["requester_id"])
    op.create_index("ix_access_requests_state", "access_requests", ["state"])
    op.create_table(
        "sharing_agreements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.String(500)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("expiry_warned_at", UTCDateTime()),
        sa.Column("access_request_id", sa.Integer(), sa.ForeignKey("access_requests.id")),
    )
    op.create_index("ix_sharing_agreements_agency_id", "sharing_agreements", ["agency_id"])
    op.create_table(
        "sharing_settings",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(40), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.String(120), nullable=False),
    )
    op.create_table(
        "sharing_alarms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("finding", sa.String(500), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime()),
        sa.Column("acknowledged_by", sa.String(120)),
    )
    op.create_table(
        "agency_clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("statement_version", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("revoked_by", sa.String(120)),
        sa.Column("last_used_at", UTCDateTime()),
    )
    op.create_index("ix_agency_clients_agency_id", "agency_clients", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_agency_clients_agency_id", table_name="agency_clients")
    op.drop_table("agency_clients")
    op.drop_table("sharing_alarms")
    op.drop_table("sharing_settings")
    op.drop_index("ix_sharing_agreements_agency_id", table_name="sharing_agreements")
    op.drop_table("sharing_agreements")
    op.drop_index("ix_access_requests_state", table_name="access_requests")
    op.drop_index("ix_access_requests_requester_id", table_name="access_requests")
    op.drop_index("ix_access_requests_agency_id", table_name="access_requests")
    op.drop_table("access_requests")
    _rename_kinds({new: old for old, new in _KINDS.items()})
