"""Writing the reads table: bulk insert (COPY on PostgreSQL) and day partitions.

Only reads/ingest.py calls this module; it owns no policy beyond "never store a read twice".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psycopg import errors
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
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
_PARTITION_LOCK_KEY = 0x504C5041  # pg_advisory_xact_lock: one partition creator at a time
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


def existing_partition_days(connection: Connection) -> set[date]:
    names = connection.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'reads'::regclass"
        )
    ).scalars()
    return {datetime.strptime(n.removeprefix("reads_p"), "%Y%m%d").date() for n in names}  # noqa: DTZ007


def _create_partitions(connection: Connection, days: Iterable[date]) -> list[date]:
    """Create and attach the missing day partitions, in the connection's current transaction.

    ``CREATE TABLE … PARTITION OF`` would lock ``reads`` ACCESS EXCLUSIVE (every search and
    writer waits); a table created apart and then attached takes only SHARE UPDATE EXCLUSIVE on
    ``reads``, which readers and writers pass through. An advisory lock serializes creators so
    two processes never attach the same day twice.
    """
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PARTITION_LOCK_KEY})
    missing = sorted(set(days) - existing_partition_days(connection))
    for day in missing:
        start = datetime.combine(day, time(), UTC)
        end = start + timedelta(days=1)
        name = partition_name(day)
        # The name and bounds come from a date object, never from input.
        connection.execute(text(f"CREATE TABLE IF NOT EXISTS {name} (LIKE reads)"))
        connection.execute(
            text(
                f"ALTER TABLE reads ATTACH PARTITION {name} "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
        )
    return missing


def ensure_partitions(session: Session, days: Iterable[date]) -> list[date]:
    """Create the missing day partitions (UTC days) in the session's transaction.

    For the maintenance job (``reads.service.prepare_partitions``), whose transaction is short and
    does nothing else. A no-op outside PostgreSQL.
    """
    if session.get_bind().dialect.name != "postgresql":
        return []
    return _create_partitions(session.connection(), days)


def ensure_partitions_apart(session: Session, days: Iterable[date]) -> list[date]:
    """Make sure the partitions for ``days`` exist before an ingest streams into them.

    Usually they do (the maintenance job creates them ahead) and this costs one catalog query.
    When one is missing it is created on a separate connection, in a transaction of its own that
    commits at once, so the ingest transaction never holds a DDL lock on ``reads``.
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return []
    days = set(days)
    if days <= existing_partition_days(session.connection()):
        return []
    engine = bind.engine if isinstance(bind, Connection) else bind
    with engine.connect() as apart, apart.begin():
        # Never wait long behind another holder of the lock; the sender retries the batch.
        apart.execute(text("SET LOCAL lock_timeout = '30s'"))
        return _create_partitions(apart, days)


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


def _insert_postgresql(session: Session, rows: Iterable[tuple[object, ...]]) -> list[uuid.UUID]:
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
            # Ids are made by the client (reads/rules.read_uuid): every row written is stored.
            return [row[0] for row in written]  # type: ignore[misc]
        except errors.UniqueViolation:
            written.extend(rows)  # the rest of the batch, still to be validated
        return _insert_skipping_stored(cursor, written)


def _insert_skipping_stored(cursor: Any, rows: Sequence[tuple[object, ...]]) -> list[uuid.UUID]:
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
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    stored = [record[0] for record in cursor.fetchall()]
    cursor.execute("TRUNCATE reads_incoming")
    return stored


_SQLITE_INSERT = f"INSERT INTO reads ({_COLUMN_LIST}) VALUES ({', '.join('?' for _ in COLUMNS)})"  # noqa: S608


def _insert_sqlite(session: Session, rows: Sequence[tuple[object, ...]]) -> list[uuid.UUID]:
    if not rows:
        return []
    # Same text forms SQLAlchemy's Uuid and DateTime types write, so the ORM reads them back.
    received = sqlite_time(rows[0][17])  # type: ignore[arg-type]  # one per batch
    converted = [
        (r[0].hex, sqlite_time(r[1]), *r[2:17], received)  # type: ignore[attr-defined,arg-type]
        for r in rows
    ]
    try:
        # Optimistic, as on PostgreSQL: all rows at once; a re-sent read undoes the savepoint.
        with session.begin_nested():
            session.connection().exec_driver_sql(_SQLITE_INSERT, converted)
        return [r[0] for r in rows]  # type: ignore[misc]
    except IntegrityError:
        pass
    # Some rows are already stored: one at a time, keeping those the database accepted.
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    ignore = _SQLITE_INSERT.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)
    stored = []
    for original, row in zip(rows, converted, strict=True):
        cursor.execute(ignore, row)
        if cursor.rowcount == 1:
            stored.append(original[0])
    cursor.close()
    return stored  # type: ignore[return-value]


def insert_reads(
    session: Session,
    candidates: Iterable[ReadCandidate],
    agency_id: int,
    received_at: datetime,
) -> list[uuid.UUID]:
    """Store the candidates in bulk; rows already stored are skipped. Returns the new reads' ids.

    ``candidates`` may be lazy (reads/rules.screen). On PostgreSQL the partitions for their
    capture days must exist already (``ensure_partitions_apart``).
    """
    rows = (_row(c, agency_id, received_at) for c in candidates)
    if session.get_bind().dialect.name == "postgresql":
        return _insert_postgresql(session, rows)
    return _insert_sqlite(session, list(rows))


# --- retention (issue 15): whole capture days, counted, read for backup, then purged ------------
#
# Maintenance reads by capture day, under no actor's gate: the retention capability counts a day
# for its aggregates, reads it into an encrypted backup, and purges it. Nothing here is shown to
# a person (reads/service.py documents each use).

_DAY_BOUNDS = "captured_at >= :start AND captured_at < :end"
# How many rows one SQLite purge transaction deletes: short enough that ingest, which waits on
# the same write lock, is held up for milliseconds, not for the whole day's purge.
SQLITE_PURGE_BATCH = 5000
# PostgreSQL: the partition drop takes a brief exclusive lock on ``reads``; it never queues for
# longer than this behind an ingest (and so never holds up for longer the ingests that queue
# behind it). The purge tries again, then leaves the day to its next run.
PURGE_LOCK_TIMEOUT = "500ms"


def _bounds(day: date) -> dict[str, object]:
    start = datetime.combine(day, time(), UTC)
    return {"start": start, "end": start + timedelta(days=1)}


def _day_text(sql: str) -> Any:
    from sqlalchemy import bindparam

    from plateward.core.database import UTCDateTime

    return text(sql).bindparams(
        bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    )


def capture_days_before(session: Session, before: datetime) -> set[date]:
    """The UTC capture days that hold reads captured before ``before``."""
    if session.get_bind().dialect.name == "postgresql":
        return {d for d in existing_partition_days(session.connection()) if d < before.date()}
    query = text("SELECT DISTINCT substr(captured_at, 1, 10) FROM reads WHERE captured_at < :b")
    rows = session.execute(query, {"b": sqlite_time(before)}).scalars()
    return {date.fromisoformat(r) for r in rows}


def day_counts_by_camera(session: Session, day: date) -> dict[int, int]:
    query = _day_text(
        f"SELECT camera_id, count(*) FROM reads WHERE {_DAY_BOUNDS} GROUP BY camera_id"  # noqa: S608
    )
    return {int(c): int(n) for c, n in session.execute(query, _bounds(day))}


def reads_by_day(session: Session, since: datetime) -> dict[date, int]:
    """Stored reads per capture day from ``since`` on (the storage chart)."""
    if session.get_bind().dialect.name == "postgresql":
        # The planner's estimate per partition: instant, and a chart needs no exact count.
        rows = session.execute(
            text(
                "SELECT c.relname, c.reltuples FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reads'::regclass"
            )
        )
        found = {
            datetime.strptime(name.removeprefix("reads_p"), "%Y%m%d").date(): max(int(n), 0)  # noqa: DTZ007
            for name, n in rows
        }
        return {d: n for d, n in found.items() if d >= since.date()}
    query = text(
        "SELECT substr(captured_at, 1, 10), count(*) FROM reads WHERE captured_at >= :s "
        "GROUP BY substr(captured_at, 1, 10)"
    )
    return {
        date.fromisoformat(d): int(n) for d, n in session.execute(query, {"s": sqlite_time(since)})
    }


def day_image_refs(session: Session, day: date) -> list[str]:
    query = _day_text(f"SELECT image_ref FROM reads WHERE {_DAY_BOUNDS} AND image_ref IS NOT NULL")  # noqa: S608
    return [str(r) for r in session.execute(query, _bounds(day)).scalars()]


def day_rows(session: Session, day: date) -> list[dict[str, Any]]:
    """Every stored column of the day's reads, as JSON-ready values (for an encrypted backup)."""
    query = _day_text(f"SELECT {_COLUMN_LIST} FROM reads WHERE {_DAY_BOUNDS} ORDER BY captured_at")  # noqa: S608
    rows = []
    for row in session.execute(query, _bounds(day)):
        values = dict(zip(COLUMNS, row, strict=True))
        values["id"] = str(uuid.UUID(str(values["id"])))
        for name in ("captured_at", "received_at"):
            value = values[name]
            if isinstance(value, str):  # SQLite's text form
                value = datetime.fromisoformat(value)
            values[name] = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        rows.append(values)
    return rows


def purge_day(session: Session, day: date, commit: Any) -> int | None:
    """Remove every read captured on ``day``; returns how many SQLite deleted.

    PostgreSQL detaches and drops the day's partition without visiting a row, so it cannot say
    how many there were (None): the caller counted them before. SQLite deletes in batches,
    committing after each (``commit``) so ingest waits for one batch at most.
    """
    if session.get_bind().dialect.name == "postgresql":
        _drop_partition(session, day)
        return None
    removed = 0
    statement = _day_text(
        "DELETE FROM reads WHERE rowid IN "  # noqa: S608
        f"(SELECT rowid FROM reads WHERE {_DAY_BOUNDS} LIMIT {SQLITE_PURGE_BATCH})"
    )
    while True:
        result = session.execute(statement, _bounds(day))
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        removed += count
        commit()
        if count < SQLITE_PURGE_BATCH:
            return removed


def _drop_partition(session: Session, day: date) -> None:
    if day not in existing_partition_days(session.connection()):
        return
    name = partition_name(day)  # from a date object, never from input
    session.execute(text(f"SET LOCAL lock_timeout = '{PURGE_LOCK_TIMEOUT}'"))
    session.execute(text(f"ALTER TABLE reads DETACH PARTITION {name}"))
    session.execute(text(f"DROP TABLE {name}"))


def delete_day_rows_by_delete(session: Session, day: date) -> int:
    """The same day removed row by row with DELETE (what the bench compares the drop with)."""
    statement = _day_text(f"DELETE FROM reads WHERE {_DAY_BOUNDS}")  # noqa: S608
    return int(session.execute(statement, _bounds(day)).rowcount or 0)  # type: ignore[attr-defined]


def delete_quarantined_before(session: Session, before: datetime) -> int:
    """Quarantined rows hold raw plates too: they go when their receipt passes retention."""
    from sqlalchemy import bindparam

    from plateward.core.database import UTCDateTime

    statement = text("DELETE FROM quarantined_rows WHERE received_at < :before").bindparams(
        bindparam("before", type_=UTCDateTime())
    )
    return int(session.execute(statement, {"before": before}).rowcount or 0)  # type: ignore[attr-defined]
