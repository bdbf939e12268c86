"""Audit benchmark: what writing the audit entry adds to a data access, and append throughput.

    .venv/bin/python bench/audit.py --accesses 300 --entries 5000 [--writers 4] [--pg-url URL]

On PostgreSQL, in a dedicated database (``plateward_bench_audit``, dropped at the end):
- **a search** (``search.service.search_reads``: an investigator's exact-plate search over the
  last week, with its purpose, the guard, the stored search and its page of results, as the
  search page runs it) is run with its audit entry (hash-chained, in the same transaction) and
  with the entry switched off; the ratio of the two is the audit's cost on a search
  (``audited_over_unaudited``, target <= 1.2: "the audit write adds little to a search");
- **the lightest access** (``reads.latest_reads``: one query over the reads table returning 50
  reads, nothing else) the same way (``latest_reads_audited_over_unaudited``). A third variant
  writes, instead of the entry, one tiny row to a scratch table: the floor any durable record of
  an access costs (a write and a commit that waits for the WAL flush, which a read-only access
  does not pay; a search pays it anyway, for the search it stores); ``audited_over_tiny_write``
  is what the entry costs above that floor;
- audit entries are appended one per transaction (each committed) and in batches; entries/s;
- ``--writers`` threads (default 4) append at once, one entry per transaction, each with its own
  connection: entries/s under the single append lock.
The last line printed is one JSON object; nothing here asserts on timings.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from search import trained_investigator
from sqlalchemy import text

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.clock import SystemClock
from plateward.core.database import Database, UnitOfWork, make_engine
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor, Role
from plateward.core.purpose import purpose
from plateward.core.settings import Settings
from plateward.demo import city
from plateward.demo.build import _register_places
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from plateward.search import service as search_service
from plateward.search.rules import search_query

DATABASE = "plateward_bench_audit"
DEFAULT_PG_URL = os.environ.get(
    "PLATEWARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TARGETS = {"audited_over_unaudited": 1.2, "entries_per_s": 5_000}
console = Console(highlight=False)
ANALYST = Actor(
    kind="person",
    id=1,
    username="bench",
    name="Bench Analyst",
    role=Role.ADMINISTRATOR,
    badge="0000",
    unit="Bench",
    agency_name="San José Police Department",
)


@contextmanager
def _database(url: str) -> Iterator[Database]:
    """A database of its own (dropped at the end): the append lock is an advisory lock, and
    advisory locks are per database, so test runs in other schemas of the same database would
    otherwise queue on it with the bench."""
    base = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with base.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    engine_url = base.url.set(database=DATABASE)
    settings = Settings(database_url=engine_url.render_as_string(hide_password=False))
    db = Database.from_settings(settings, SystemClock())
    try:
        upgrade(db.engine)  # type: ignore[arg-type]
        with db.unit_of_work() as uow:
            uow.session.execute(text("CREATE TABLE bench_floor (a integer)"))
            uow.commit()
        yield db
    finally:
        db.dispose()
        with base.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        base.dispose()


def _seed(db: Database, count: int) -> None:
    operator = Actor.system("bench")
    _register_places(db, operator)
    with db.unit_of_work() as uow:
        reads.prepare_partitions(uow)
        uow.commit()
    rows = [
        RawRow.of(str(i), r)
        for i, r in enumerate(city.generate_reads(count, end=datetime.now(UTC)))
    ]
    for start in range(0, len(rows), 10_000):
        with db.unit_of_work() as uow:
            reads.ingest(uow, operator, rows[start : start + 10_000], "bench")


def _access(db: Database) -> None:
    with db.unit_of_work() as uow:
        reads.latest_reads(uow, ANALYST, limit=50)


def _searcher(db: Database) -> Callable[[], None]:
    """An investigator's exact-plate search of the last week, run as the search page runs it."""
    investigator = trained_investigator(db)
    with db.unit_of_work() as uow:
        plate = uow.session.scalar(text("SELECT plate FROM reads ORDER BY captured_at DESC"))
        now = uow.now()
    why = purpose(
        "criminal_investigation",
        "PC 211",
        "26-004100",
        "Armed robbery at a Story Rd market; the suspect vehicle drove east on Story Rd.",
    )
    query = search_query(start=now - timedelta(days=7), end=now, plate=plate)

    def run() -> None:
        with db.unit_of_work() as uow:
            found = search_service.search_reads(uow, investigator, why, query)
        if not isinstance(found, search_service.SearchResults) or not found.hits:
            msg = f"the bench search did not run as a search with results: {found!r}"
            raise RuntimeError(msg)

    return run


def _tiny_write(uow: UnitOfWork, *_: object) -> None:
    uow.session.connection().exec_driver_sql("INSERT INTO bench_floor VALUES (1)")


def _measure_access(access: Callable[[], None], runs: int) -> tuple[float, float, float]:
    """Median seconds of one access with its audit entry, without it, and with one tiny write
    instead, measured interleaved.

    Alternating them (and taking medians) keeps a shared machine's load swings out of the
    ratio: every variant of each round ran under the same load.
    """
    original = audit.record

    def replaced(stand_in: Callable[..., None]) -> Callable[[], None]:
        def run() -> None:
            audit.record = stand_in
            try:
                access()
            finally:
                audit.record = original

        return run

    variants = [
        access,
        replaced(lambda *_a, **_k: None),
        replaced(_tiny_write),
    ]
    for action in variants:  # warm caches and plans
        action()
    times: list[list[float]] = [[] for _ in variants]
    for n in range(runs):
        order = list(zip(times, variants, strict=True))
        for measured, action in order if n % 2 == 0 else reversed(order):
            started = time.perf_counter()
            action()
            measured.append(time.perf_counter() - started)
    audited, unaudited, tiny = (statistics.median(t) for t in times)
    return audited, unaudited, tiny


def _append(db: Database, entries: int, per_transaction: int) -> float:
    event = AuditEvent(
        AuditAction.READS_MONITORED,
        query_terms={"plate": "7ABC123"},
        result_count=50,
        result_ids=tuple(str(i) for i in range(50)),
    )
    started = time.perf_counter()
    for _ in range(entries // per_transaction):
        with db.unit_of_work() as uow:
            for _ in range(per_transaction):
                audit.record(uow, ANALYST, event)
            uow.commit()
    return entries / (time.perf_counter() - started)


def _concurrent(db: Database, entries: int, writers: int) -> float:
    """``writers`` threads each append entries // writers, one per committed transaction."""
    each = max(entries // writers, 1)
    start = threading.Barrier(writers + 1)

    def writer() -> None:
        start.wait()
        _append(db, each, 1)

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return each * writers / (time.perf_counter() - started)


def main(
    accesses: Annotated[int, typer.Option(help="Data accesses timed each way.")] = 300,
    entries: Annotated[int, typer.Option(help="Audit entries appended per mode.")] = 5_000,
    reads_count: Annotated[int, typer.Option("--reads", help="Reads seeded first.")] = 50_000,
    writers: Annotated[int, typer.Option(help="Concurrent appending threads.")] = 4,
    pg_url: Annotated[str, typer.Option(help="PostgreSQL URL.")] = DEFAULT_PG_URL,
) -> None:
    with _database(pg_url) as db:
        console.print(f"Seeding {reads_count:,} reads …")
        _seed(db, reads_count)
        audited, unaudited, tiny = _measure_access(lambda: _access(db), accesses)
        searched, searched_unaudited, _ = _measure_access(_searcher(db), accesses)
        single = _append(db, entries, 1)
        batched = _append(db, entries, 100)
        concurrent = _concurrent(db, entries, writers)
        with db.unit_of_work() as uow:
            status = audit.verify_chain(uow.session)
    figures = {
        "bench": "audit",
        "accesses": accesses,
        # the search (medians of interleaved runs): the access the target is set on
        "search_audited_ms": round(searched * 1000, 3),
        "search_unaudited_ms": round(searched_unaudited * 1000, 3),
        "audited_over_unaudited": round(searched / searched_unaudited, 3),
        # the lightest access, one query of 50 reads
        "audited_ms": round(audited * 1000, 3),
        "unaudited_ms": round(unaudited * 1000, 3),
        "latest_reads_audited_over_unaudited": round(audited / unaudited, 3),
        "one_tiny_write_ms": round(tiny * 1000, 3),  # the floor of any durable record
        "tiny_write_over_unaudited": round(tiny / unaudited, 3),
        # the entry's own cost, above the durable write any record of an access needs
        "audited_over_tiny_write": round(audited / tiny, 3),
        "entries_per_s_one_per_transaction": round(single),
        "entries_per_s_100_per_transaction": round(batched),
        "writers": writers,
        f"entries_per_s_{writers}_writers": round(concurrent),
        "chain_intact": status.ok,
        "targets": TARGETS,
    }
    table = Table(title="Audit cost on PostgreSQL")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        if key not in {"bench", "targets"}:
            table.add_row(key, f"{value:,}" if isinstance(value, int | float) else str(value))
    console.print(table)
    print(json.dumps(figures))


if __name__ == "__main__":
    typer.run(main)
