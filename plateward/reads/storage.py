"""Writing and reading the reads table: bulk insert (COPY on PostgreSQL) and day partitions.

Only reads/service.py calls this module; it owns no policy beyond "never store a read twice".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

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


def _insert_postgresql(session: Session, rows: Sequence[tuple[object, ...]]) -> int:
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS reads_incoming "
            "(LIKE reads INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY reads_incoming ({_COLUMN_LIST}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # ON CONFLICT without a target covers both the id and camera + time + plate.
        cursor.execute(
            f"INSERT INTO reads ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM reads_incoming "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )
        stored = cursor.rowcount
        cursor.execute("TRUNCATE reads_incoming")
    return stored


def _insert_sqlite(session: Session, rows: Sequence[tuple[object, ...]]) -> int:
    # Same text forms SQLAlchemy's Uuid and DateTime types write, so the ORM reads them back.
    converted = [
        (r[0].hex, sqlite_time(r[1]), *r[2:17], sqlite_time(r[17]))  # type: ignore[attr-defined,arg-type]
        for r in rows
    ]
    placeholders = ", ".join("?" for _ in COLUMNS)
    result = session.connection().exec_driver_sql(
        f"INSERT OR IGNORE INTO reads ({_COLUMN_LIST}) VALUES ({placeholders})",  # noqa: S608
        converted,
    )
    return int(result.rowcount)


def insert_reads(
    session: Session, candidates: Sequence[ReadCandidate], agency_id: int, received_at: datetime
) -> int:
    """Store the candidates in bulk; rows already stored are skipped. Returns how many were new."""
    if not candidates:
        return 0
    rows = [_row(c, agency_id, received_at) for c in candidates]
    if session.get_bind().dialect.name == "postgresql":
        ensure_partitions(session, {c.captured_at.astimezone(UTC).date() for c in candidates})
        return _insert_postgresql(session, rows)
    return _insert_sqlite(session, rows)
