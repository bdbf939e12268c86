"""Database plumbing: the declarative base, the engine factory and the unit of work.

No engine or connection is created at import time: ``Database.from_settings`` builds one when the
application, the CLI or a test asks for it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from plateward.core.clock import Clock, SystemClock
from plateward.core.settings import Settings

log = logging.getLogger("plateward.database")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on every backend (DESIGN invariant 7)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "refusing to store a naive datetime"
            raise ValueError(msg)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


def sqlite_time(value: datetime) -> str:
    """The text form SQLAlchemy's SQLite DateTime stores; bulk paths must write the same."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and delays BEGIN; take it over
    # (SQLAlchemy's documented recipe) and begin IMMEDIATE so concurrent writers queue instead
    # of failing halfway, which keeps the audit hash chain linear.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            # What is deleted is overwritten with zeros, not only unlinked: a purged read must
            # not stay readable in the file's free pages (DUP §7, "purged entirely").
            "secure_delete=ON",
            "busy_timeout=30000",
            # Checkpoint the WAL every ~40 MiB instead of every 4: bulk ingest writes far fewer
            # pages twice.
            "wal_autocheckpoint=10000",
            # 64 MiB of page cache instead of 2: ingest updates six B-trees at random places,
            # and past a few hundred thousand reads the default cache misses on most of them.
            "cache_size=-65536",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        driver = conn.connection.driver_connection
        if isinstance(driver, _GatedConnection):
            driver.enter_gate()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if isinstance(driver, _GatedConnection):
                driver.leave_gate()
            raise


# How long a transaction waits for this process's previous writer before it goes on to SQLite's
# own busy wait (a holder that never ends: a test's outer transaction, say).
GATE_WAIT = 30.0
_gates: dict[str, threading.Lock] = {}
_gates_lock = threading.Lock()


class _GatedConnection(sqlite3.Connection):
    """A SQLite connection whose transactions queue on one lock per database file and process.

    SQLite lets one writer in at a time (every transaction here begins IMMEDIATE) and makes the
    others poll: its busy handler sleeps 1, 2, 5, … up to 100 ms between tries, so under
    concurrent requests a waiting transaction sleeps on long after the lock was freed (HTTP
    ingest batches queued for seconds in issue 14's latency bench). This process's transactions
    wait on a lock instead and start the moment the previous one has committed or rolled back.
    Another process still meets SQLite's busy handler.
    """

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        name = str(database)
        if name in ("", ":memory:") or "mode=memory" in name:
            self._gate = threading.Lock()  # a database of its own: nobody to queue behind
        else:
            with _gates_lock:
                self._gate = _gates.setdefault(name, threading.Lock())
        self._holding = False

    def enter_gate(self) -> None:
        if not self._holding:
            self._holding = self._gate.acquire(timeout=GATE_WAIT)

    def leave_gate(self) -> None:
        if self._holding:
            self._holding = False
            self._gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()


def rewrite_tables(engine: Engine, tables: Sequence[str], *, attempts: int = 3) -> list[str]:
    """PostgreSQL: rewrite each of ``tables`` (names from the caller's own list, never input)
    into a new file holding only its live rows (``VACUUM FULL``), so what was deleted leaves
    the disk's files and not only the queries. Each waits at most 500 ms for its exclusive lock
    and is tried ``attempts`` times, then given up; returns the tables rewritten."""
    done: list[str] = []
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("SET lock_timeout = '500ms'"))
        try:
            for table in tables:
                for attempt in range(attempts):
                    try:
                        conn.execute(text(f"VACUUM FULL {table}"))
                    except DBAPIError as exc:
                        log.warning("rewrite of %s gave way: %s", table, type(exc.orig).__name__)
                        time.sleep(0.2 * (attempt + 1))
                    else:
                        done.append(table)
                        break
        finally:
            conn.execute(text("RESET lock_timeout"))  # the connection goes back to the pool
    return done


def truncate_sqlite_log(engine: Engine) -> bool:
    """SQLite: checkpoint the write-ahead log and truncate it to nothing, so pages written
    before a delete do not linger in it; queued behind this process's transactions. False when
    another process kept it busy past the busy timeout."""
    raw = engine.raw_connection()
    driver = raw.driver_connection
    gate = driver if isinstance(driver, _GatedConnection) else None
    try:
        if gate is not None:
            gate.enter_gate()
        row = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()  # type: ignore[union-attr]
    except sqlite3.Error as exc:
        log.warning("checkpoint of the write-ahead log gave way: %s", exc)
        return False
    finally:
        if gate is not None:
            gate.leave_gate()
        raw.close()
    return not (row and row[0])  # the first column: busy


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30, "factory": _GatedConnection},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


@dataclass
class UnitOfWork:
    """One use case, one transaction: rolled back unless the service commits it."""

    session: Session
    settings: Settings
    clock: Clock

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def now(self) -> datetime:
        return self.clock.now()

    def commit(self) -> None:
        self.session.commit()

    def ping(self) -> None:
        """A round trip to the database, for health checks."""
        self.session.execute(text("SELECT 1"))

    def rollback(self) -> None:
        self.session.rollback()


@dataclass
class Database:
    engine: Engine | Connection
    settings: Settings
    clock: Clock
    _sessions: sessionmaker[Session]

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Database:
        if settings.is_sqlite:
            from plateward.core.custody import create_private_database

            create_private_database(settings)
        engine = make_engine(settings.resolved_database_url)
        return cls(
            engine, settings, clock or SystemClock(), sessionmaker(engine, expire_on_commit=False)
        )

    @classmethod
    def bound_to(cls, connection: Connection, settings: Settings, clock: Clock) -> Database:
        """Sessions joining an outer transaction via savepoints: each test rolls back at the end."""
        factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        return cls(connection, settings, clock, factory)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        session = self._sessions()
        try:
            yield UnitOfWork(session, self.settings, self.clock)
        finally:
            session.close()  # rolls back whatever was not committed

    def dispose(self) -> None:
        if isinstance(self.engine, Engine):
            self.engine.dispose()
