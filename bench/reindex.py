"""Take the indexes of ``reads`` off for a bulk load and put the very same ones back.

Building an index once over loaded rows is several times faster than growing it row by row, and
its partitions can be built two at a time. The definitions are read from the catalogue before
the drop (``pg_get_indexdef``/``pg_get_constraintdef``, for the partitioned table and for each
partition), and restored the way ``pg_dump`` restores a partitioned table's indexes: each
partition's index under its own name, then the partitioned table's own index (``ON ONLY``) and
``ALTER INDEX … ATTACH PARTITION`` for each. ``check`` compares the catalogue afterwards with what
was read before, index for index, and requires every index to be valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

TABLE = "reads"

# Every index of the partitioned table and of its partitions: the table, the index, the
# statement that makes it, whether it belongs to a constraint, and the index it is attached to.
_INDEXES = """
SELECT t.oid::regclass::text, i.oid::regclass::text,
       CASE WHEN k.oid IS NULL THEN pg_get_indexdef(i.oid)
            ELSE format('ALTER TABLE %%s %%s ADD CONSTRAINT %%I %%s',
                        CASE WHEN t.oid = %(table)s::regclass THEN 'ONLY' ELSE '' END,
                        t.oid::regclass, k.conname, pg_get_constraintdef(k.oid)) END,
       k.oid IS NOT NULL, h.inhparent::regclass::text, x.indisvalid
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
LEFT JOIN pg_constraint k ON k.conindid = i.oid AND k.conrelid = t.oid
LEFT JOIN pg_inherits h ON h.inhrelid = i.oid
WHERE t.oid = %(table)s::regclass
   OR t.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %(table)s::regclass)
ORDER BY t.oid = %(table)s::regclass DESC, 1, 2
"""


@dataclass(frozen=True)
class Index:
    table: str
    name: str
    create: str  # the statement that makes it
    constraint: bool  # a primary key or unique constraint's index
    attached_to: str | None  # the partitioned table's index it belongs to
    valid: bool


def read_indexes(conn: psycopg.Connection[Any]) -> list[Index]:
    rows = conn.execute(_INDEXES, {"table": TABLE}).fetchall()
    return [Index(*row) for row in rows]


def drop(conn: psycopg.Connection[Any], indexes: list[Index]) -> None:
    """Drop the partitioned table's indexes (and so each partition's, attached to them)."""
    for index in indexes:
        if index.table != TABLE:
            continue
        if index.constraint:
            constraint = index.create.split(" ADD CONSTRAINT ", 1)[1].split(" ", 1)[0]
            conn.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {constraint}")
        else:
            conn.execute(f"DROP INDEX {index.name}")
    left = read_indexes(conn)
    if left:
        raise RuntimeError(f"indexes left on {TABLE} after the drop: {[i.name for i in left]}")


def partition_statements(indexes: list[Index]) -> list[str]:
    """Each partition's indexes: independent of one another, so they may run side by side."""
    return [i.create for i in indexes if i.table != TABLE]


def attach_statements(indexes: list[Index]) -> list[str]:
    """The partitioned table's own indexes, then each partition's attached to them."""
    own = [i.create for i in indexes if i.table == TABLE]
    attach = [
        f"ALTER INDEX {i.attached_to} ATTACH PARTITION {i.name}"
        for i in indexes
        if i.table != TABLE and i.attached_to is not None
    ]
    return own + attach


def check(conn: psycopg.Connection[Any], before: list[Index]) -> None:
    after = read_indexes(conn)
    if after != before:
        raise RuntimeError(f"the rebuilt indexes of {TABLE} differ from the ones dropped")
    if not all(i.valid for i in after):
        raise RuntimeError(f"an index of {TABLE} is not valid after the rebuild")
