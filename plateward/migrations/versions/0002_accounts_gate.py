"""Accounts gate: MFA enrolment, lockout, classes of access, training, restriction statements,
personal API tokens, signed audit checkpoints.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# DUP update (March 2026): "Login prompts require users to agree to these restrictions before
# making any query." Administrators publish later versions from the statement page.
FIRST_STATEMENT = """\
Before any query I agree that:
1. I will use the ALPR system only for an authorized purpose in the Data Usage Protocol: the \
investigation of a felony or misdemeanor, locating an at-risk missing person (Amber or Silver \
Alert), or supporting a California agency's criminal investigation under an agreement.
2. I will not use ALPR data, or share it, for immigration enforcement or to investigate anyone's \
immigration status. The California Values Act (SB 54, 2017) and SB 34 (2015) prohibit sharing \
this information for federal immigration enforcement; transmitting it for that purpose is illegal.
3. I will not monitor activity protected by the First Amendment or lawful in California, seek \
data about reproductive health care, sell ALPR data, or take automated enforcement action \
without manual review.
4. I will record the crime type, case number and justification for each query; every access is \
logged and audited, and misuse has disciplinary and legal consequences."""


# Reading the audit chain's head under the append lock in one round trip (core/audit.py).
_LOCKED_HEAD_PG = """
CREATE FUNCTION audit_locked_head() RETURNS TABLE (seq integer, hash varchar)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1347174740);  -- 0x504C4154, "PLAT"
    RETURN QUERY SELECT e.seq, e.hash FROM audit_entries e ORDER BY e.seq DESC LIMIT 1;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_LOCKED_HEAD_PG)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("totp_confirmed_at", UTCDateTime()))
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", UTCDateTime()))
        batch.add_column(sa.Column("last_sign_in_at", UTCDateTime()))
        batch.add_column(sa.Column("totp_last_step", sa.Integer()))
    with op.batch_alter_table("login_sessions") as batch:
        batch.add_column(sa.Column("stage", sa.String(16), nullable=False, server_default="active"))
        batch.add_column(sa.Column("acknowledged_version", sa.String(40)))
    op.create_table(
        "access_classes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("grants", sa.Text(), nullable=False),
        sa.Column("camera_codes", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "class_members",
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("access_classes.id"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
    )
    op.create_table(
        "training_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("course", sa.String(200), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    statements = op.create_table(
        "restriction_statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(40), nullable=False, unique=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
    )
    op.bulk_insert(
        statements,
        [
            {
                "version": "2026.1",
                "text": FIRST_STATEMENT,
                "published_at": datetime(2026, 3, 10, tzinfo=UTC),
                "published_by": "DUP update of March 10, 2026",
            }
        ],
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("statement_version", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("last_used_at", UTCDateTime()),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False, index=True),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )
    # Signed checkpoints are as append-only as the trail they sign (DESIGN invariant 6).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE"
            " ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_checkpoints_no_{verb.lower()} BEFORE {verb} ON "
                "audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only');"
                " END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_locked_head()")
    for table in (
        "audit_checkpoints",
        "api_tokens",
        "restriction_statements",
        "training_records",
        "class_members",
        "access_classes",
    ):
        op.drop_table(table)
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_column("acknowledged_version")
        batch.drop_column("stage")
    with op.batch_alter_table("users") as batch:
        for column in (
            "totp_last_step",
            "last_sign_in_at",
            "locked_until",
            "failed_sign_ins",
            "totp_confirmed_at",
        ):
            batch.drop_column(column)
