"""An audit trail built for scale: structured, indexed fields and the records each entry touched.

- query_terms, purpose, result_ids and details become JSONB on PostgreSQL; on SQLite they stay
  TEXT holding the canonical JSON, which SQLite's JSON functions read. Every entry's hash still
  covers the same canonical text: the text stored until now was that canonical dump, and dumping
  the loaded JSON again with sorted keys gives it back (core/audit_models.py).
- case_number: the purpose's case number in its own indexed column (filled for existing entries).
- indexes for the auditors' questions: person (actor_username, actor_id), time (at), case number,
  and on PostgreSQL a trigram index over the query terms and details (plate or term). Result ids
  are not in it (fifty read ids are ~1,800 trigrams an entry, kept two years): they are answered
  by audit_entry_records.
- audit_entry_records(entry_seq, record_kind, record_id): "who saw read X", filled from the
  existing entries' result_ids; append-only like the trail.

The append-only guards stay in force for every other writer; this revision lifts them only for
its own one-time backfill, inside this revision's transaction.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON_COLUMNS = ("query_terms", "purpose", "result_ids", "details")
# A frozen copy of core.audit.RESULT_KINDS as of this revision: the kind of record each action's
# result ids name; any other action names its records by its subject (the text before the dot).
_KIND_SQL = """CASE {action}
    WHEN 'reads.monitored' THEN 'read'
    WHEN 'quarantine.viewed' THEN 'quarantined_row'
    WHEN 'audit.searched' THEN 'audit_entry'
    WHEN 'audit.entry_viewed' THEN 'audit_entry'
    ELSE {subject} END"""


def _canonical(value: Any) -> str:
    # The same text as core.audit_models.canonical (frozen here: a migration never changes).
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _trigram_schema() -> str:
    bind = op.get_bind()
    bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one()
    return '"' + str(schema).replace('"', '""') + '"'


def _refuse_nul_escapes() -> None:
    """JSONB cannot hold NUL (written ``\\u0000`` in JSON text); stop with the entry's number."""
    columns = " || ".join(f"coalesce({c}, '')" for c in JSON_COLUMNS)
    seq = (
        op.get_bind()
        .execute(
            sa.text(f"SELECT min(seq) FROM audit_entries WHERE strpos({columns}, :nul) > 0"),  # noqa: S608 — fixed column names
            {"nul": "\\u0000"},
        )
        .scalar()
    )
    if seq is not None:
        msg = (
            f"audit entry {seq} holds a NUL character, which PostgreSQL JSONB cannot store; "
            "the trail was left unchanged at revision 0002"
        )
        raise RuntimeError(msg)


def _create_records_table() -> None:
    op.create_table(
        "audit_entry_records",
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint(
            "entry_seq", "record_kind", "record_id", name="pk_audit_entry_records"
        ),
    )
    op.create_index(
        "ix_audit_entry_records_record_id_record_kind",
        "audit_entry_records",
        ["record_id", "record_kind"],
    )


def _add_indexes() -> None:
    for column in ("at", "actor_username", "actor_id", "case_number"):
        op.create_index(f"ix_audit_entries_{column}", "audit_entries", [column])


def _upgrade_pg() -> None:
    _refuse_nul_escapes()
    op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change")
    for column in JSON_COLUMNS:
        op.execute(
            f"ALTER TABLE audit_entries ALTER COLUMN {column} TYPE jsonb USING {column}::jsonb"
        )
    op.add_column("audit_entries", sa.Column("case_number", sa.String(120)))
    op.execute(
        "UPDATE audit_entries SET case_number = left(purpose->>'case_number', 120) "
        "WHERE jsonb_typeof(purpose->'case_number') = 'string'"
    )
    op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_change")
    _add_indexes()
    trgm = _trigram_schema()
    op.execute(
        "CREATE INDEX ix_audit_entries_terms_trgm ON audit_entries USING gin "
        f"(((query_terms::text || details::text)) {trgm}.gin_trgm_ops)"
    )
    _create_records_table()
    kind = _KIND_SQL.format(action="e.action", subject="split_part(e.action, '.', 1)")
    op.execute(
        "INSERT INTO audit_entry_records (entry_seq, record_kind, record_id) "  # noqa: S608
        f"SELECT DISTINCT e.seq, {kind}, left(r.value, 120) "
        "FROM audit_entries e CROSS JOIN LATERAL jsonb_array_elements_text(e.result_ids) r"
    )
    for statement in (
        "CREATE TRIGGER audit_entry_records_no_change BEFORE UPDATE OR DELETE"
        " ON audit_entry_records FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
        "CREATE TRIGGER audit_entry_records_no_truncate BEFORE TRUNCATE ON audit_entry_records"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
    ):
        op.execute(statement)


def _sqlite_guard(table: str, verb: str) -> None:
    op.execute(
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )


def _upgrade_sqlite() -> None:
    # On SQLite the four columns stay TEXT holding the canonical JSON (its JSON functions read
    # text); only the case number column, the indexes and the records table are new. The update
    # guard is lifted for the one backfill below and put back at once.
    op.add_column("audit_entries", sa.Column("case_number", sa.String(120)))
    op.execute("DROP TRIGGER audit_entries_no_update")
    op.execute(
        "UPDATE audit_entries SET case_number = substr(json_extract(purpose, '$.case_number'), 1,"
        " 120) WHERE json_type(purpose, '$.case_number') = 'text'"
    )
    _sqlite_guard("audit_entries", "UPDATE")
    _add_indexes()
    _create_records_table()
    kind = _KIND_SQL.format(
        action="action", subject="substr(action, 1, instr(action || '.', '.') - 1)"
    )
    op.execute(
        "INSERT OR IGNORE INTO audit_entry_records (entry_seq, record_kind, record_id) "  # noqa: S608
        f"SELECT seq, {kind}, substr(CAST(r.value AS TEXT), 1, 120) "
        "FROM audit_entries, json_each(audit_entries.result_ids) r"
    )
    _sqlite_guard("audit_entry_records", "UPDATE")
    _sqlite_guard("audit_entry_records", "DELETE")


def upgrade() -> None:
    if _pg():
        _upgrade_pg()
    else:
        _upgrade_sqlite()


def _canonical_text_again(batch: int = 5000) -> None:
    """Back on PostgreSQL text, each value rewritten as the canonical text its hash covers
    (``jsonb::text`` spaces and orders keys its own way)."""
    bind = op.get_bind()
    columns = ", ".join(JSON_COLUMNS)
    assignments = ", ".join(f"{c} = :{c}" for c in JSON_COLUMNS)
    after = 0
    while True:
        rows = bind.execute(
            sa.text(
                f"SELECT seq, {columns} FROM audit_entries WHERE seq > :after "  # noqa: S608
                "ORDER BY seq LIMIT :batch"
            ),
            {"after": after, "batch": batch},
        ).all()
        if not rows:
            return
        updates = [
            {
                "seq": row[0],
                **{
                    c: None if v is None else _canonical(json.loads(v))
                    for c, v in zip(JSON_COLUMNS, row[1:], strict=True)
                },
            }
            for row in rows
        ]
        bind.execute(
            sa.text(f"UPDATE audit_entries SET {assignments} WHERE seq = :seq"),  # noqa: S608
            updates,
        )
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_table("audit_entry_records")
    if _pg():
        op.execute("DROP INDEX ix_audit_entries_terms_trgm")
    for column in ("at", "actor_username", "actor_id", "case_number"):
        op.drop_index(f"ix_audit_entries_{column}", "audit_entries")
    if _pg():
        op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change")
        op.drop_column("audit_entries", "case_number")
        for column in JSON_COLUMNS:
            op.alter_column(
                "audit_entries",
                column,
                type_=sa.Text(),
                existing_type=JSONB(),
                postgresql_using=f"{column}::text",
            )
        _canonical_text_again()
        op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_change")
        return
    op.drop_column("audit_entries", "case_number")
