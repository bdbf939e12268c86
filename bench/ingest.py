"""Ingest benchmark: reads per second through ``reads.ingest`` against a raw COPY baseline.

    .venv/bin/python bench/ingest.py --reads 200000 [--batch 10000] [--pg-url URL]

PostgreSQL runs in a dedicated schema (``plateward_bench``, dropped and re-created, dropped again
at the end) so a developer's own data is never touched. The figures cover only the ingest:
generating the synthetic reads and wrapping them as ``RawRow`` happen up front and are timed
apart. The last line printed is one JSON object; nothing here asserts on timings.
"""

from __future__ import annotations

import gc
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import psycopg
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import sessionmaker

from plateward.core.clock import SystemClock
from plateward.core.database import Database, make_engine
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor
from plateward.core.settings import Settings
from plateward.demo import city
from plateward.demo.build import _register_places
from plateward.reads import service as reads
from plateward.reads import storage
from plateward.reads.rules import RawRow

SCHEMA = "plateward_bench"
DEFAULT_PG_URL = os.environ.get(
    "PLATEWARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TARGETS = {"service_reads_per_s": 50_000, "ratio": 0.5, "sqlite_reads_per_s": 30_000}
_BENCH_LOCK_KEY = 0x504C4245  # pg_advisory_lock key: one ingest bench per database at a time
T = TypeVar("T")

console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)


@dataclass
class Phase:
    """One measured pass over all the batches."""

    name: str
    rows: int = 0
    seconds: float = 0.0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    batch_seconds: list[float] = field(default_factory=list)

    @property
    def per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _settings(data_dir: Path, url: str, batch: int) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=url,
        secret_key=secrets.token_hex(32),
        max_batch_reads=max(batch, 10_000),
    )


def _run_service(db: Database, batches: list[list[RawRow]], label: str) -> Phase:
    """``reads.ingest`` per batch, each batch in its own unit of work, as the API does."""
    actor = Actor.system("bench")
    phase = Phase(label)
    with _progress() as progress:
        task = progress.add_task(label, total=sum(len(b) for b in batches))
        for batch in batches:
            started = time.perf_counter()
            with db.unit_of_work() as uow:
                report = reads.ingest(uow, actor, batch, "bench")
            elapsed = time.perf_counter() - started
            phase.seconds += elapsed
            phase.batch_seconds.append(elapsed)
            phase.rows += len(batch)
            phase.stored += report.stored
            phase.duplicates += report.duplicates
            phase.rejected += len(report.rejected)
            progress.advance(task, len(batch))
    return phase


def _prepare(db: Database) -> None:
    upgrade(db.engine)
    _register_places(db, Actor.system("bench"))
    with db.unit_of_work() as uow:
        reads.prepare_partitions(uow)
        uow.commit()


# --- PostgreSQL ---------------------------------------------------------------------------------
def _pg_urls(pg_url: str) -> tuple[str, str]:
    """(SQLAlchemy URL, libpq conninfo) for the bench schema, with its search_path."""
    url = make_engine(pg_url).url  # normalizes postgresql:// to postgresql+psycopg://
    url = url.update_query_dict({"options": f"-csearch_path={SCHEMA},public"})
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return url.render_as_string(hide_password=False), conninfo


def _reset_schema(pg_url: str, *, create: bool) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            if create:
                conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            conn.commit()
    finally:
        engine.dispose()


@contextmanager
def _bench_schema(pg_url: str, conninfo: str) -> Iterator[None]:
    """A fresh bench schema, dropped at the end; one bench run at a time per database."""
    with psycopg.connect(conninfo, autocommit=True) as lock:
        # The schema name is fixed, so a second run against the same database would drop the
        # first one's tables under it: it waits for this session-level lock instead.
        got = lock.execute("SELECT pg_try_advisory_lock(%s)", (_BENCH_LOCK_KEY,)).fetchone()
        if not (got and got[0]):
            console.print("[yellow]waiting for another ingest bench on this database…[/yellow]")
            lock.execute("SELECT pg_advisory_lock(%s)", (_BENCH_LOCK_KEY,))
        _reset_schema(pg_url, create=True)
        try:
            yield
        finally:
            _reset_schema(pg_url, create=False)


def _reads_indexes(conninfo: str) -> set[str]:
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = 'reads'",
            (SCHEMA,),
        ).fetchall()
    return {r[0] for r in rows}


def _export_stored(conninfo: str) -> list[list[tuple[Any, ...]]]:
    """The rows exactly as the service stored them, grouped into the service's batches.

    Each ``ingest`` call stamps its rows with one ``received_at``, so grouping on it gives back
    the very batches the service wrote.
    """
    columns = ", ".join(storage.COLUMNS)
    received = storage.COLUMNS.index("received_at")
    groups: list[list[tuple[Any, ...]]] = []
    with psycopg.connect(conninfo) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM reads ORDER BY received_at")
        last = None
        for row in cursor:
            if row[received] != last:
                groups.append([])
                last = row[received]
            groups[-1].append(row)
    return groups


def _run_copy(conninfo: str, batches: list[list[tuple[Any, ...]]]) -> Phase:
    """Raw psycopg ``COPY reads FROM STDIN`` (write_row per row), one transaction per batch."""
    columns = ", ".join(storage.COLUMNS)
    phase = Phase("raw COPY")
    with psycopg.connect(conninfo, autocommit=True) as conn, _progress() as progress:
        conn.execute("TRUNCATE reads")
        task = progress.add_task("PostgreSQL raw COPY", total=sum(len(b) for b in batches))
        for batch in batches:
            started = time.perf_counter()
            with (
                conn.transaction(),
                conn.cursor() as cursor,
                cursor.copy(f"COPY reads ({columns}) FROM STDIN") as copy,
            ):
                for row in batch:
                    copy.write_row(row)
            elapsed = time.perf_counter() - started
            phase.seconds += elapsed
            phase.batch_seconds.append(elapsed)
            phase.rows += len(batch)
            phase.stored += len(batch)
            progress.advance(task, len(batch))
        stored = conn.execute("SELECT count(*) FROM reads").fetchone()
        phase.stored = int(stored[0]) if stored else 0
    return phase


def bench_postgresql(
    pg_url: str, batches: list[list[RawRow]], batch: int, notes: list[str]
) -> tuple[Phase, Phase] | None:
    """(service, raw COPY) phases, or None (with a note saying why) when PostgreSQL is absent."""
    try:
        url, conninfo = _pg_urls(pg_url)
        psycopg.connect(conninfo).close()
    except Exception as exc:
        notes.append(f"PostgreSQL unreachable at {pg_url}: {type(exc).__name__}: {exc}")
        return None
    with _bench_schema(pg_url, conninfo), tempfile.TemporaryDirectory() as tmp:
        engine: Engine = create_engine(url)
        try:
            db = Database(
                engine,
                _settings(Path(tmp), pg_url, batch),
                SystemClock(),
                sessionmaker(engine, expire_on_commit=False),
            )
            _prepare(db)
            indexes = _reads_indexes(conninfo)
            service = _run_service(db, batches, "PostgreSQL service")
        finally:
            engine.dispose()
        stored = _export_stored(conninfo)
        copy = _run_copy(conninfo, stored)
        if _reads_indexes(conninfo) != indexes:
            notes.append("the indexes on reads changed during the run: figures are not comparable")
    return service, copy


# --- SQLite -------------------------------------------------------------------------------------
def bench_sqlite(batches: list[list[RawRow]], batch: int) -> Phase:
    with tempfile.TemporaryDirectory(prefix="plateward-bench-") as tmp:
        path = Path(tmp)
        db = Database.from_settings(_settings(path, f"sqlite:///{path / 'bench.db'}", batch))
        try:
            _prepare(db)
            return _run_service(db, batches, "SQLite service")
        finally:
            db.dispose()


# --- Report -------------------------------------------------------------------------------------
def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _summary(
    reads_count: int,
    batch: int,
    prep: dict[str, float],
    phases: list[Phase],
    figures: dict[str, float | None],
) -> Table:
    table = Table(title=f"Ingest benchmark — {reads_count:,} reads, batches of {batch:,}")
    table.add_column("phase")
    table.add_column("seconds", justify="right")
    table.add_column("reads/s", justify="right")
    table.add_column("median batch ms", justify="right")
    table.add_column("stored", justify="right")
    table.add_column("dup / rejected", justify="right")
    for name, seconds in prep.items():
        rate = reads_count / seconds if seconds else 0.0
        table.add_row(f"[dim]{name} (excluded)[/dim]", f"{seconds:.2f}", _rate(rate), "", "", "")
    for p in phases:
        median = sorted(p.batch_seconds)[len(p.batch_seconds) // 2] if p.batch_seconds else 0.0
        table.add_row(
            p.name,
            f"{p.seconds:.2f}",
            _rate(p.per_s),
            f"{median * 1000:.1f}",
            f"{p.stored:,}",
            f"{p.duplicates:,} / {p.rejected:,}",
        )
    table.caption = "  ".join(
        f"{key}: {_fmt_figure(key, value)} (target ≥ {_fmt_figure(key, TARGETS[key])})"
        for key, value in figures.items()
        if key in TARGETS
    )
    return table


def _fmt_figure(key: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if key == "ratio" else f"{value:,.0f}"


def main(
    reads_count: Annotated[int, typer.Option("--reads", min=1, help="Reads to ingest.")] = 20_000,
    batch: Annotated[
        int, typer.Option("--batch", min=1, max=100_000, help="Reads per ingest call.")
    ] = 10_000,
    pg_url: Annotated[
        str, typer.Option("--pg-url", help="PostgreSQL server URL (a bench schema is used).")
    ] = DEFAULT_PG_URL,
    skip_sqlite: Annotated[bool, typer.Option("--skip-sqlite")] = False,
    skip_postgresql: Annotated[bool, typer.Option("--skip-postgresql")] = False,
    gc_freeze: Annotated[
        bool,
        typer.Option(
            "--gc-freeze/--no-gc-freeze",
            help="Move the pre-generated input out of the garbage collector's sight.",
        ),
    ] = True,
) -> None:
    now = datetime.now(UTC)
    native, generate_s = _timed(lambda: list(city.generate_reads(reads_count, end=now)))
    rows, wrap_s = _timed(lambda: [RawRow.of(f"bench[{i}]", r) for i, r in enumerate(native)])
    batches = [list(b) for b in _chunks(rows, batch)]
    prep = {"generate_reads": generate_s, "RawRow.of": wrap_s}
    if gc_freeze:
        # A server holds one request's batch, not N pre-generated reads: without this, every
        # full collection during the measurement walks all N input rows and the per-read cost
        # grows with --reads.
        gc.collect()
        gc.freeze()

    phases: list[Phase] = []
    figures: dict[str, float | None] = {
        "service_reads_per_s": None,
        "copy_reads_per_s": None,
        "ratio": None,
        "sqlite_reads_per_s": None,
    }
    notes: list[str] = []
    if not skip_postgresql:
        result = bench_postgresql(pg_url, batches, batch, notes)
        if result is not None:
            service, copy = result
            phases += [service, copy]
            figures["service_reads_per_s"] = round(service.per_s, 1)
            figures["copy_reads_per_s"] = round(copy.per_s, 1)
            figures["ratio"] = round(service.per_s / copy.per_s, 3) if copy.per_s else None
            if copy.stored != service.stored:
                notes.append(f"raw COPY stored {copy.stored:,}, the service {service.stored:,}")
    if not skip_sqlite:
        sqlite = bench_sqlite(batches, batch)
        phases.append(sqlite)
        figures["sqlite_reads_per_s"] = round(sqlite.per_s, 1)

    console.print(_summary(reads_count, batch, prep, phases, figures))
    for note in notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    sys.stdout.flush()
    print(
        json.dumps(
            {
                "bench": "ingest",
                "reads": reads_count,
                "batch": batch,
                **figures,
                "targets": TARGETS,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    typer.run(main)
