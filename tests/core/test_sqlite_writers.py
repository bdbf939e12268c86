"""SQLite: the transactions of one process queue on a lock of their own (core/database.py).

Each transaction must take that lock when it begins and give it back however it ends (commit,
rollback, a connection closed or returned to the pool mid-transaction); concurrent writers must all
get through. No timing is asserted: a lock never given back shows as a lock still held.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from plateward.core import database
from plateward.core.database import make_engine


def _gate(path: Path) -> threading.Lock:
    return database._gates[str(path)]


def test_every_way_a_transaction_ends_gives_the_lock_back(tmp_path: Path) -> None:
    path = tmp_path / "gate.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:  # commit
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
            assert _gate(path).locked()
        assert not _gate(path).locked()

        with engine.connect() as conn:  # rollback
            conn.begin()
            conn.execute(text("INSERT INTO t VALUES (1)"))
            assert _gate(path).locked()
            conn.rollback()
            assert not _gate(path).locked()

        conn = engine.connect()  # closed, back to the pool, with its transaction open
        conn.begin()
        conn.execute(text("INSERT INTO t VALUES (2)"))
        conn.close()
        assert not _gate(path).locked()

        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
    finally:
        engine.dispose()
    assert not _gate(path).locked()


def test_concurrent_writers_all_get_through(tmp_path: Path) -> None:
    path = tmp_path / "writers.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (writer INTEGER, n INTEGER)"))
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            for n in range(25):
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (:w, :n)"), {"w": writer, "n": n})
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert failures == []
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 6 * 25
        assert not _gate(path).locked()
    finally:
        engine.dispose()
