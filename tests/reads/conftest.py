"""Fixtures of the scale-out tests (issue 21): a NATS server and a committed database.

The worker runs in processes of its own (and on the real clock), so it cannot join a test's
rolled-back transaction: these tests get a PostgreSQL schema of their own, seeded like the
shared one and dropped at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from plateward.core.database import Database, make_engine
from plateward.core.settings import Settings
from tests.conftest import PG_URL, _pg_reachable, _seed, make_settings
from tests.reads.stream_support import NatsCluster

STREAM_SCHEMA = f"plateward_stream_{os.getpid()}"


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsCluster]:
    """One JetStream server of our own, on a free loopback port, for the whole session."""
    server = NatsCluster(tmp_path_factory.mktemp("nats"), size=1)
    try:
        yield server.start()
    finally:
        server.close()


@dataclass(frozen=True)
class StreamDatabase:
    url: str  # with the schema on the search path, for worker processes
    engine: Engine
    data_dir: Path

    def settings(self, **changes: object) -> Settings:
        return make_settings(self.data_dir, self.url).with_overrides(**changes)

    def database(self, **changes: object) -> Database:
        return Database.from_settings(self.settings(**changes))

    def scalar(self, sql: str, **params: object) -> object:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: object) -> list[tuple[object, ...]]:
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]


@pytest.fixture(scope="session")
def stream_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamDatabase]:
    if not _pg_reachable():
        pytest.fail(f"PostgreSQL is unreachable at {PG_URL}; the suite needs it", pytrace=False)
    base = make_engine(PG_URL)
    with base.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {STREAM_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {STREAM_SCHEMA}"))
        conn.commit()
    # Commits need not wait for the disk here (a crash of PostgreSQL would only lose test data):
    # on a machine shared by many, fsync is most of the cost of each commit.
    options = f"-csearch_path={STREAM_SCHEMA},public -csynchronous_commit=off"
    url = base.url.set(query={"options": options})
    rendered = url.render_as_string(hide_password=False)
    engine = create_engine(url)
    data_dir = tmp_path_factory.mktemp("stream-data")
    try:
        _seed(engine, make_settings(data_dir, rendered))
        yield StreamDatabase(rendered, engine, data_dir)
    finally:
        engine.dispose()
        with base.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {STREAM_SCHEMA} CASCADE"))
            conn.commit()
        base.dispose()
