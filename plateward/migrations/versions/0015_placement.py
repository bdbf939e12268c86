"""Placement review, signage and red-light review (issue 17).

``cameras`` gains each fixed camera's view range and angle; ``sensitive_sites`` holds the sites
with their entrances and exits, ``public_view_attestations`` who attested each placement,
``placement_holds`` the active cameras found to see a sensitive entrance, and
``sensitive_site_drops`` the mobile reads not stored near each site per day (figures only).
``signs`` holds the posted notices and ``city_gateways`` the city's entrances and exits;
``traffic_devices`` and ``violation_events`` the red-light devices and the events waiting for a
named reviewer (DUP §2.4, §3.1, §3.4, §5, §6, update 2026).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from plateward.core.database import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _sites() -> None:
    op.create_table(
        "sensitive_sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("entrances", sa.JSON(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("source_date", sa.Date(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime()),
        sa.UniqueConstraint("name", name="uq_sensitive_sites_name"),
    )
    op.create_table(
        "sensitive_site_drops",
        sa.Column(
            "site_id",
            sa.Integer(),
            sa.ForeignKey(
                "sensitive_sites.id", name="fk_sensitive_site_drops_site_id_sensitive_sites"
            ),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", name="pk_sensitive_site_drops"),
    )


def _placement() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.add_column(sa.Column("view_range_m", sa.Float()))
        batch.add_column(sa.Column("view_angle_deg", sa.Integer()))
    op.create_table(
        "public_view_attestations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "camera_id",
            sa.Integer(),
            sa.ForeignKey("cameras.id", name="fk_public_view_attestations_camera_id_cameras"),
            nullable=False,
        ),
        sa.Column("attested_at", UTCDateTime(), nullable=False),
        sa.Column("attested_by_id", sa.Integer()),
        sa.Column("attested_by_name", sa.String(200), nullable=False),
        sa.Column("attested_by_badge", sa.String(40)),
        sa.Column("note", sa.String(2000)),
        sa.Column("photo_ref", sa.String(500)),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("heading", sa.Integer()),
        sa.Column("view_range_m", sa.Float()),
        sa.Column("view_angle_deg", sa.Integer()),
    )
    op.create_index(
        "ix_public_view_attestations_camera_id", "public_view_attestations", ["camera_id"]
    )
    op.create_table(
        "placement_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "camera_id",
            sa.Integer(),
            sa.ForeignKey("cameras.id", name="fk_placement_holds_camera_id_cameras"),
            nullable=False,
        ),
        sa.Column("flagged_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("resolved_at", UTCDateTime()),
        sa.Column("resolution", sa.String(500)),
    )
    op.create_index("ix_placement_holds_camera_id", "placement_holds", ["camera_id"])


def _signs_and_devices() -> None:
    op.create_table(
        "signs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("installed_on", sa.Date()),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime()),
    )
    op.create_table(
        "city_gateways",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime()),
    )


def _traffic_devices() -> None:
    op.create_table(
        "traffic_devices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("intersection", sa.String(300), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.Column("enabled_at", UTCDateTime()),
        sa.Column("enabled_by_name", sa.String(200)),
        sa.UniqueConstraint("code", name="uq_traffic_devices_code"),
    )
    op.create_table(
        "violation_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "device_id",
            sa.Integer(),
            sa.ForeignKey(
                "traffic_devices.id", name="fk_violation_events_device_id_traffic_devices"
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("plate", sa.String(8), nullable=False),
        sa.Column("plate_state", sa.String(2)),
        sa.Column("evidence_ref", sa.String(500), nullable=False),
        sa.Column("red_for_seconds", sa.Float()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_by_id", sa.Integer()),
        sa.Column("opened_at", UTCDateTime()),
        sa.Column("reviewer_id", sa.Integer()),
        sa.Column("reviewer_name", sa.String(200)),
        sa.Column("reviewer_badge", sa.String(40)),
        sa.Column("reviewed_at", UTCDateTime()),
        sa.Column("decision_note", sa.String(1000)),
        sa.Column("citation_number", sa.String(40)),
    )
    op.create_index("ix_violation_events_status", "violation_events", ["status"])


def upgrade() -> None:
    _sites()
    _placement()
    _signs_and_devices()
    _traffic_devices()


def downgrade() -> None:
    op.drop_index("ix_violation_events_status", table_name="violation_events")
    op.drop_table("violation_events")
    op.drop_table("traffic_devices")
    op.drop_table("city_gateways")
    op.drop_table("signs")
    op.drop_index("ix_placement_holds_camera_id", table_name="placement_holds")
    op.drop_table("placement_holds")
    op.drop_index("ix_public_view_attestations_camera_id", table_name="public_view_attestations")
    op.drop_table("public_view_attestations")
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("view_angle_deg")
        batch.drop_column("view_range_m")
    op.drop_table("sensitive_site_drops")
    op.drop_table("sensitive_sites")
