"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL.

Alembic's autogenerate comparison of a migrated database with every model's metadata: a column,
table or index added to a model without a migration (or the other way round) fails here.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Float, text
from sqlalchemy.types import TypeEngine

from plateward.core.database import Base, Database
from plateward.core.model_registry import import_all_models

# The only differences that are not drift, each for a documented reason:
# - GIN indexes that exist on PostgreSQL only (trigram: migrations 0001 and 0003,
#   docs/architecture.md; the audit entries' result ids: 0011): declared on a model each would
#   become a plain, useless index on SQLite.
POSTGRESQL_ONLY_INDEXES = frozenset(
    {"ix_reads_plate_trgm", "ix_audit_entries_terms_trgm", "ix_audit_entries_result_ids"}
)


def _partitions(connection: Connection) -> frozenset[str]:
    """PostgreSQL stores reads in daily partitions that maintenance creates at run time; the
    model knows only their parent table ``reads``."""
    if connection.dialect.name != "postgresql":
        return frozenset()
    rows = connection.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'reads'::regclass"
        )
    )
    return frozenset(rows.scalars())


def _same_type(
    context: Any,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: TypeEngine[Any],
    metadata_type: TypeEngine[Any],
) -> bool | None:
    """False (no difference) for FLOAT against DOUBLE on SQLite, where both are the same REAL
    storage and the database only echoes the name the migration wrote; else Alembic decides."""
    if context.dialect.name == "sqlite" and all(
        isinstance(t, Float) for t in (inspected_type, metadata_type)
    ):
        return False
    return None


def test_the_models_match_the_migrations(db: Database) -> None:
    import_all_models()
    connection = db.engine
    assert isinstance(connection, Connection)
    partitions = _partitions(connection)

    def include(name: str | None, kind: str, parents: Any) -> bool:
        del parents
        if kind == "table":
            return name not in partitions
        if kind == "index" and connection.dialect.name == "postgresql":
            return name not in POSTGRESQL_ONLY_INDEXES
        return True

    context = MigrationContext.configure(
        connection, opts={"compare_type": _same_type, "include_name": include}
    )
    assert compare_metadata(context, Base.metadata) == []
