"""Migrations run on both databases, down and up again; PostgreSQL reads are partitioned by day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from plateward.core.database import Database
from plateward.core.migrate import alembic_config, downgrade, upgrade
from plateward.reads import service as reads
from plateward.reads.storage import partition_name
from tests.conftest import NOW

TABLES = {
    "agencies",
    "cameras",
    "users",
    "login_sessions",
    "service_credentials",
    "audit_entries",
    "quarantined_rows",
    "reads",
    "access_classes",
    "class_members",
    "training_records",
    "restriction_statements",
    "api_tokens",
    "audit_checkpoints",
}


def test_the_schema_is_at_head_with_every_core_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert tables >= TABLES
    version = db.engine.execute(text("SELECT version_num FROM alembic_version")).scalar_one()  # type: ignore[union-attr]
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_go_down_and_up_again(db: Database) -> None:
    if db.dialect == "sqlite":
        pytest.skip("SQLite DDL inside the shared test transaction is covered by the CLI test")
    downgrade(db.engine, "base")  # type: ignore[arg-type]
    assert "reads" not in inspect(db.engine).get_table_names()
    upgrade(db.engine)  # type: ignore[arg-type]
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_reads_are_partitioned_by_day_with_partitions_ahead(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("partitioning is a PostgreSQL feature")
    with db.unit_of_work() as uow:
        reads.prepare_partitions(uow)
        uow.commit()
    names = set(
        db.engine.execute(  # type: ignore[union-attr]
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'reads'::regclass"
            )
        ).scalars()
    )
    ahead = (NOW + timedelta(days=db.settings.partitions_ahead_days)).date()
    edge = (NOW - timedelta(days=db.settings.retention_days)).date()
    assert {partition_name(ahead), partition_name(NOW.date()), partition_name(edge)} <= names
    kind = db.engine.execute(
        text("SELECT relkind FROM pg_class WHERE oid = 'reads'::regclass")
    ).scalar_one()  # type: ignore[union-attr]
    assert kind == "p"


def test_postgresql_indexes_cover_plate_skeleton_time_and_trigrams(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("trigram indexes are a PostgreSQL feature")
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("reads")}
    assert {
        "ix_reads_plate",
        "ix_reads_plate_skeleton",
        "ix_reads_captured_at",
        "ix_reads_plate_trgm",
    } <= indexes
