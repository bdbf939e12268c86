"""Fixtures for the core tests that need committed data and real concurrent connections."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import sessionmaker

from plateward.core.clock import FrozenClock
from plateward.core.database import Database, make_engine
from plateward.core.migrate import upgrade
from tests.conftest import NOW, make_settings

# Opens another Database on the same committed store, as another process would.
OpenDatabase = Callable[..., Database]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, OpenDatabase]]:
    """A committed store (SQLite file or fresh PostgreSQL schema) and a way to open it again."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
        migrated = make_engine(url)
        upgrade(migrated)
        migrated.dispose()
    else:
        fresh: Engine = request.getfixturevalue("fresh_postgresql")
        url = fresh.url.render_as_string(hide_password=False)
    clock = FrozenClock(NOW)
    opened: list[Database] = []

    def open_database(lock_timeout_ms: int | None = None) -> Database:
        target = make_url(url)
        if lock_timeout_ms is not None:  # PostgreSQL: give up waiting for a lock after this
            options = f"{target.query['options']} -c lock_timeout={lock_timeout_ms}"
            target = target.set(query={"options": options})
        engine = make_engine(target.render_as_string(hide_password=False))
        settings = make_settings(tmp_path, url)
        db = Database(engine, settings, clock, sessionmaker(engine, expire_on_commit=False))
        opened.append(db)
        return db

    yield request.param, open_database
    for db in opened:
        db.dispose()
