"""The audit's cost per access: "who saw record X" from an index over the entries' result ids, and
one round trip for the append.

- PostgreSQL: a GIN index (``jsonb_path_ops``) on ``audit_entries.result_ids`` answers "which
  entries returned record X" (``result_ids @> '["X"]'``), so an access no longer writes one
  ``audit_entry_records`` row per record it returned (fifty rows and a hundred index entries for an
  access that returns fifty reads). The index covers every entry already in the trail: the rows of
  ``audit_entry_records`` were copies of the entries' hashed ``result_ids``, so nothing they
  answered is lost when the table goes. SQLite answers the question from the same result ids
  (``json_each``), without an index.
- PostgreSQL: ``audit_append(entries)`` appends a transaction's entries in one statement. It takes
  the append lock (``audit_locked_head``), chains each entry's hashed text onto the head (SHA-256
  of exactly the text ``core.audit_models.entry_hash`` defines, sent in two parts around the
  previous hash and the number), and inserts the columns parsed from that same text, so what is
  stored is what was hashed. The case number is copied from the hashed purpose.

The downgrade rebuilds ``audit_entry_records`` from the result ids (its append-only triggers too).

Revision 0011 landed as an empty, reserved slot, and a landed revision is never edited (a database
already past 0011 would never run it again), so this work comes right after it.

Revision ID: 0011a
Revises: 0011
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011a"
down_revision = "0011"
branch_labels = None
depends_on = None

_APPEND_PG = """
CREATE FUNCTION audit_append(entries jsonb)
RETURNS TABLE (appended_seq integer, appended_prev_hash varchar, appended_hash varchar)
LANGUAGE plpgsql AS $$
DECLARE
    head_seq integer;
    head_hash varchar;
    piece jsonb;
    hashed text;
    doc jsonb;
    stated_purpose jsonb;
BEGIN
    SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_locked_head() h;
    IF head_seq IS NULL THEN
        head_seq := 0;
        head_hash := repeat('0', 64);
    END IF;
    FOR piece IN
        SELECT e.value FROM jsonb_array_elements(entries) WITH ORDINALITY e ORDER BY e.ordinality
    LOOP
        appended_prev_hash := head_hash;
        head_seq := head_seq + 1;
        -- [head, middle]: head || prev_hash || middle || seq || '}' is the canonical hashed text.
        hashed := (piece->>0) || head_hash || (piece->>1) || head_seq || '}';
        head_hash := encode(sha256(convert_to(hashed, 'UTF8')), 'hex');
        doc := hashed::jsonb;
        stated_purpose := (doc->>'purpose')::jsonb;
        INSERT INTO audit_entries (
            seq, at, actor_kind, actor_id, actor_username, actor_name, actor_badge, actor_unit,
            actor_agency, actor_role, client_address, action, outcome, reason, query_terms,
            purpose, result_count, result_ids, details, case_number, prev_hash, hash
        ) VALUES (
            head_seq, (doc->>'at')::timestamptz, doc->>'actor_kind', (doc->>'actor_id')::integer,
            doc->>'actor_username', doc->>'actor_name', doc->>'actor_badge', doc->>'actor_unit',
            doc->>'actor_agency', doc->>'actor_role', doc->>'client_address', doc->>'action',
            doc->>'outcome', doc->>'reason', (doc->>'query_terms')::jsonb, stated_purpose,
            (doc->>'result_count')::integer, (doc->>'result_ids')::jsonb,
            (doc->>'details')::jsonb,
            CASE WHEN jsonb_typeof(stated_purpose->'case_number') = 'string'
                THEN left(stated_purpose->>'case_number', 120) END,
            appended_prev_hash, head_hash
        );
        appended_seq := head_seq;
        appended_hash := head_hash;
        RETURN NEXT;
    END LOOP;
END $$
"""

# A frozen copy of core.audit.RESULT_KINDS as of this revision (with the hot lists' actions, which
# land beside it), for the downgrade's rebuild: the kind of record each action's result ids name;
# any other action names them by its subject.
_KIND_SQL = """CASE {action}
    WHEN 'reads.monitored' THEN 'read'
    WHEN 'search.run' THEN 'read'
    WHEN 'search.exported' THEN 'read'
    WHEN 'read.viewed' THEN 'read'
    WHEN 'read.image_viewed' THEN 'read'
    WHEN 'misuse.signals_viewed' THEN 'audit_entry'
    WHEN 'quarantine.viewed' THEN 'quarantined_row'
    WHEN 'quarantine.released' THEN 'quarantined_row'
    WHEN 'audit.searched' THEN 'audit_entry'
    WHEN 'audit.entry_viewed' THEN 'audit_entry'
    WHEN 'alert.viewed' THEN 'read'
    WHEN 'hotlist.captures_viewed' THEN 'read'
    WHEN 'hotlist.hit_recorded' THEN 'read'
    ELSE {subject} END"""


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.drop_table("audit_entry_records")  # its append-only triggers go with it
    if not _pg():
        return
    op.execute(
        "CREATE INDEX ix_audit_entries_result_ids ON audit_entries "
        "USING gin (result_ids jsonb_path_ops)"
    )
    op.execute(_APPEND_PG)


def _sqlite_guard(verb: str) -> None:
    op.execute(
        f"CREATE TRIGGER audit_entry_records_no_{verb.lower()} BEFORE {verb} "
        "ON audit_entry_records BEGIN SELECT RAISE(ABORT, 'audit_entry_records is append-only'); "
        "END"
    )


def downgrade() -> None:
    if _pg():
        op.execute("DROP FUNCTION audit_append(jsonb)")
        op.execute("DROP INDEX ix_audit_entries_result_ids")
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
    if _pg():
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
        return
    kind = _KIND_SQL.format(
        action="action", subject="substr(action, 1, instr(action || '.', '.') - 1)"
    )
    op.execute(
        "INSERT OR IGNORE INTO audit_entry_records (entry_seq, record_kind, record_id) "  # noqa: S608
        f"SELECT seq, {kind}, substr(CAST(r.value AS TEXT), 1, 120) "
        "FROM audit_entries, json_each(audit_entries.result_ids) r"
    )
    _sqlite_guard("UPDATE")
    _sqlite_guard("DELETE")
