"""Writing and reading the reads table: bulk insert (COPY on PostgreSQL) and day partitions.

Only reads/service.py calls this module; it owns no policy beyond "never store a read twice".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psycopg import errors
from sqlalchemy import text
from sqlalchemy.orm import Session

from plateward.core.database import sqlite_time
from plateward.reads.rules import ReadCandidate

COLUMNS = (
    "id",
    "captured_at",
    "source_read_id",
    "camera_id",
    "plate_raw",
    "plate",
    "plate_skeleton",
    "plate_state",
    "confidence",
    "vehicle_make",
    "vehicle_model",
    "vehicle_color",
    "vehicle_type",
    "latitude",
    "longitude",
    "image_ref",
    "source_agency_id",
    "received_at",
)
_COLUMN_LIST = ", ".join(COLUMNS)
# Binary COPY: the server parses no text, and psycopg dumps with its C dumpers.
_COPY_TYPES = (
    "uuid",
    "timestamptz",
    "varchar",
    "int4",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "float8",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "float8",
    "float8",
    "varchar",
    "int4",
    "timestamptz",
)


def partition_name(day: date) -> str:
    return f"reads_p{day:%Y%m%d}"


def existing_partition_days(session: Session) -> set[date]:
    names = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'reads'::regclass"
        )
    ).scalars()
    return {datetime.strptime(n.removeprefix("reads_p"), "%Y%m%d").date() for n in names}  # noqa: DTZ007


def ensure_partitions(session: Session, days: Iterable[date]) -> list[date]:
    """Create the missing day partitions (UTC days) for PostgreSQL; a no-op elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        return []
    missing = sorted(set(days) - existing_partition_days(session))
    for day in missing:
        start = datetime.combine(day, time(), UTC)
        end = start + timedelta(days=1)
        # The name and bounds come from a date object, never from input.
        session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF reads "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
        )
    return missing


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _row(c: ReadCandidate, agency_id: int, received_at: datetime) -> tuple[object, ...]:
    return (
        c.id,
        c.captured_at,
        c.source_read_id,
        c.camera_id,
        c.plate_raw,
        c.plate,
        c.plate_skeleton,
        c.plate_state,
        c.confidence,
        c.vehicle_make,
        c.vehicle_model,
        c.vehicle_color,
        c.vehicle_type,
        c.latitude,
        c.longitude,
        c.image_ref,
        agency_id,
        received_at,
    )


def _insert_postgresql(session: Session, rows: Iterable[tuple[object, ...]]) -> int:
    driver = session.connection().connection.driver_connection
    written: list[tuple[object, ...]] = []
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        try:
            # Optimistic: a batch rarely holds a read that is already stored, so the rows go
            # straight into reads, streamed while the caller is still validating the next ones.
            # A re-sent read breaks a unique index; the savepoint then undoes the whole COPY.
            with (
                driver.transaction(),  # type: ignore[union-attr]
                cursor.copy(f"COPY reads ({_COLUMN_LIST}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(_COPY_TYPES)
                for row in rows:
                    written.append(row)
                    copy.write_row(row)
            return len(written)
        except errors.UniqueViolation:
            written.extend(rows)  # the rest of the batch, still to be validated
        return _insert_skipping_stored(cursor, written)


def _insert_skipping_stored(cursor: Any, rows: Sequence[tuple[object, ...]]) -> int:
    """Some rows are already stored: load all into a temp table, then insert the new ones."""
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS reads_incoming "
        "(LIKE reads INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    with cursor.copy(f"COPY reads_incoming ({_COLUMN_LIST}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_COPY_TYPES)
        for row in rows:
            copy.write_row(row)
    # ON CONFLICT without a target covers both the id and camera + time + plate.
    cursor.execute(
        f"INSERT INTO reads ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM reads_incoming "  # noqa: S608
        "ON CONFLICT DO NOTHING"
    )
    stored = int(cursor.rowcount)
    cursor.execute("TRUNCATE reads_incoming")
    return stored


def _insert_sqlite(session: Session, rows: Sequence[tuple[object, ...]]) -> int:
    if not rows:
        return 0
    # Same text forms SQLAlchemy's Uuid and DateTime types write, so the ORM reads them back.
    received = sqlite_time(rows[0][17])  # type: ignore[arg-type]  # one per batch
    converted = [
        (r[0].hex, sqlite_time(r[1]), *r[2:17], received)  # type: ignore[attr-defined,arg-type]
        for r in rows
    ]
    placeholders = ", ".join("?" for _ in COLUMNS)
    result = session.connection().exec_driver_sql(
        f"INSERT OR IGNORE INTO reads ({_COLUMN_LIST}) VALUES ({placeholders})",  # noqa: S608
        converted,
    )
    return int(result.rowcount)


def insert_reads(
    session: Session,
    candidates: Iterable[ReadCandidate],
    agency_id: int,
    received_at: datetime,
    days: Iterable[date],
) -> int:
    """Store the candidates in bulk; rows already stored are skipped. Returns how many were new.

    ``candidates`` may be lazy (reads/rules.screen); ``days`` are the UTC days their capture
    times can fall on, whose partitions must exist before the first row is streamed.
    """
    rows = (_row(c, agency_id, received_at) for c in candidates)
    if session.get_bind().dialect.name == "postgresql":
        ensure_partitions(session, days)
        return _insert_postgresql(session, rows)
    return _insert_sqlite(session, list(rows))
