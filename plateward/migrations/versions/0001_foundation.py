"""Foundation: agencies, cameras, accounts, service credentials, audit trail, reads, quarantine.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_READS_PG = """
CREATE TABLE reads (
    id uuid NOT NULL,
    captured_at timestamptz NOT NULL,
    source_read_id varchar(100),
    camera_id integer NOT NULL,
    plate_raw varchar(32) NOT NULL,
    plate varchar(8) NOT NULL,
    plate_skeleton varchar(8) NOT NULL,
    plate_state varchar(2),
    confidence double precision,
    vehicle_make varchar(60),
    vehicle_model varchar(60),
    vehicle_color varchar(40),
    vehicle_type varchar(40),
    latitude double precision,
    longitude double precision,
    image_ref varchar(500),
    source_agency_id integer NOT NULL,
    received_at timestamptz NOT NULL,
    CONSTRAINT pk_reads PRIMARY KEY (id, captured_at),
    CONSTRAINT uq_reads_camera_id_captured_at_plate UNIQUE (camera_id, captured_at, plate)
) PARTITION BY RANGE (captured_at)
"""

# Append-only audit trail (DESIGN invariant 6): the database itself refuses edits and deletions.
_AUDIT_GUARD_PG = [
    """CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$""",
    """CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
       FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
    """CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()""",
]
_AUDIT_GUARD_SQLITE = [
    """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
    """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
]


def _trigram_schema() -> str:
    """pg_trgm lives in public unless a DBA put it elsewhere; its operator class is named fully."""
    bind = op.get_bind()
    bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one()
    return '"' + str(schema).replace('"', '""') + '"'


def _reads_table() -> None:
    if op.get_bind().dialect.name == "postgresql":
        trgm = _trigram_schema()
        op.execute(_READS_PG)
        op.execute("CREATE INDEX ix_reads_plate ON reads (plate)")
        op.execute("CREATE INDEX ix_reads_plate_skeleton ON reads (plate_skeleton)")
        op.execute("CREATE INDEX ix_reads_captured_at ON reads (captured_at)")
        # Partial-plate search ("7AB", "B12") uses trigrams.
        op.execute(
            f"CREATE INDEX ix_reads_plate_trgm ON reads USING gin (plate {trgm}.gin_trgm_ops)"
        )
        return
    op.create_table(
        "reads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("source_read_id", sa.String(100)),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("plate_raw", sa.String(32), nullable=False),
        sa.Column("plate", sa.String(8), nullable=False),
        sa.Column("plate_skeleton", sa.String(8), nullable=False),
        sa.Column("plate_state", sa.String(2)),
        sa.Column("confidence", sa.Float()),
        sa.Column("vehicle_make", sa.String(60)),
        sa.Column("vehicle_model", sa.String(60)),
        sa.Column("vehicle_color", sa.String(40)),
        sa.Column("vehicle_type", sa.String(40)),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("image_ref", sa.String(500)),
        sa.Column("source_agency_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", "captured_at", name="pk_reads"),
        sa.UniqueConstraint(
            "camera_id", "captured_at", "plate", name="uq_reads_camera_id_captured_at_plate"
        ),
    )
    op.create_index("ix_reads_plate", "reads", ["plate"])
    op.create_index("ix_reads_plate_skeleton", "reads", ["plate_skeleton"])
    op.create_index("ix_reads_captured_at", "reads", ["captured_at"])


def _audit_table() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer()),
        sa.Column("actor_username", sa.String(120), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("actor_badge", sa.String(40)),
        sa.Column("actor_unit", sa.String(120)),
        sa.Column("actor_agency", sa.String(200)),
        sa.Column("actor_role", sa.String(40), nullable=False),
        sa.Column("client_address", sa.String(64)),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("query_terms", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text()),
        sa.Column("result_count", sa.Integer()),
        sa.Column("result_ids", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_entries"),
        sa.UniqueConstraint("hash", name="uq_audit_entries_hash"),
    )
    op.create_index("ix_audit_entries_action", "audit_entries", ["action"])
    guards = _AUDIT_GUARD_PG if op.get_bind().dialect.name == "postgresql" else _AUDIT_GUARD_SQLITE
    for statement in guards:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ori", sa.String(9), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("is_home", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "cameras",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("vendor_ref", sa.String(64), unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("heading", sa.Integer()),
        sa.Column("location", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("vendor", sa.String(100), nullable=False),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("badge", sa.String(40)),
        sa.Column("unit", sa.String(120), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret", sa.String(255)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("client_address", sa.String(64)),
    )
    op.create_table(
        "service_credentials",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("token_prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("last_used_at", UTCDateTime()),
    )
    op.create_table(
        "quarantined_rows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("received_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False, index=True),
        sa.Column("position", sa.String(120), nullable=False),
        sa.Column("source_read_id", sa.String(100)),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
    )
    _audit_table()
    _reads_table()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE reads CASCADE")
        op.execute("DROP TABLE audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    else:
        op.drop_table("reads")
        op.drop_table("audit_entries")
    for table in ("quarantined_rows", "service_credentials", "login_sessions", "users"):
        op.drop_table(table)
    op.drop_table("cameras")
    op.drop_table("agencies")
