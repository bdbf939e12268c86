"""Purge benchmark (PostgreSQL): one day of N reads purged by partition drop vs by DELETE, and
ingest throughput while the retention purge runs.

    .venv/bin/python bench/purge.py --reads 200000 [--ingest-reads 20000] [--flat-days N]
        [--pg-url URL]

It works in its own schema (``plateward_bench_purge``: dropped and re-created, dropped again at
the end). Three expired capture days are filled with N reads each, server-side
(``INSERT … SELECT … FROM generate_series``, the same columns and indexes as ingest writes),
then a ``CHECKPOINT`` writes and syncs their pages, as a day's are long before it expires; both
paths start from that state:

1. **DELETE**: the second day's reads removed with ``DELETE FROM reads WHERE captured_at in the
   day`` (``reads.storage.delete_day_rows_by_delete``), committed, then the ``VACUUM`` of that
   partition that gives the space back (a DELETE only marks rows dead; their index entries stay);
2. **drop**: the first day removed by ``reads.service.purge_day`` (detach + drop the partition),
   committed (``drop_commit_s``: the commit, where PostgreSQL removes the partition's files).
   ``ratio = (delete_s + vacuum_s) / drop_s`` (target ≥ 100);
   ``ratio_delete_only = delete_s / drop_s`` leaves the VACUUM out;
3. with ``--flat-days N`` (off by default: it fills N more days), **the same day deleted from a
   table without partitions** holding N days of N reads each (``reads_flat``: the reads table's
   columns and indexes, one table, as a deployment without day partitions keeps its window),
   then its ``VACUUM``: what a DELETE purge costs where nothing is partitioned (the VACUUM scans
   every index of the whole window). ``ratio_unpartitioned = (flat_delete_s + flat_vacuum_s) /
   drop_s``. The table is vacuumed once after its fill (as autovacuum would have long before a
   day expires) and checkpointed, untimed;
4. **ingest during the purge**: ``--ingest-reads`` fresh reads go through ``reads.ingest`` in
   batches, first alone (baseline), then while ``retention.purge.purge`` removes the third day
   (daily counts first, then the drop) in another thread. ``ingest_ratio`` = reads/s during the
   purge ÷ reads/s alone, and the slowest batch of each run is shown.

The last line printed is one JSON object; nothing here asserts on timings.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Annotated

import psycopg
import typer
from psycopg import sql
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import create_engine, text
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
from plateward.retention import purge

SCHEMA = "plateward_bench_purge"
DEFAULT_PG_URL = os.environ.get(
    "PLATEWARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TARGETS = {"ratio": 100}
_LOCK_KEY = 0x504C4250  # pg_advisory_lock: one purge bench per database at a time
console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)

# N reads spread over one UTC day, on the registered cameras, with plates of the demo's shape.
_FILL = text(
    """
    INSERT INTO reads (id, captured_at, source_read_id, camera_id, plate_raw, plate,
                       plate_skeleton, plate_state, confidence, vehicle_make, vehicle_model,
                       vehicle_color, vehicle_type, latitude, longitude, image_ref,
                       source_agency_id, received_at)
    SELECT gen_random_uuid(),
           CAST(:start AS timestamptz) + (i * (86399.0 / :n)) * interval '1 second',
           NULL, cams.ids[1 + (i % cams.k)],
           p, p, p, 'CA', 0.9, 'Honda', 'Civic', 'grey', 'sedan', 37.33, -121.88, NULL,
           :agency, CAST(:start AS timestamptz)
    FROM generate_series(0, :n - 1) AS i,
         LATERAL (SELECT '7' || lpad(to_hex(i), 6, '0') AS p) AS plate,
         (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS k FROM cameras) AS cams
    """
)


def _urls(pg_url: str) -> tuple[str, str]:
    url = make_engine(pg_url).url.update_query_dict({"options": f"-csearch_path={SCHEMA},public"})
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return url.render_as_string(hide_password=False), conninfo


def _reset(pg_url: str, *, create: bool) -> None:
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
def _schema(pg_url: str, conninfo: str) -> Iterator[None]:
    with psycopg.connect(conninfo, autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        _reset(pg_url, create=True)
        try:
            yield
        finally:
            _reset(pg_url, create=False)


def _fill(db: Database, day: date, n: int) -> float:
    started = time.perf_counter()
    with db.unit_of_work() as uow:
        storage.ensure_partitions(uow.session, [day])
        agency = uow.session.execute(text("SELECT min(id) FROM agencies")).scalar_one()
        start = datetime.combine(day, day_time(), UTC)
        uow.session.execute(_FILL, {"start": start, "n": n, "agency": agency})
        uow.commit()
    with db.unit_of_work() as uow:
        uow.session.execute(text(f"ANALYZE {storage.partition_name(day)}"))
        uow.commit()
    return time.perf_counter() - started


def _settle(conninfo: str) -> float:
    """A CHECKPOINT: the filled days' pages written and synced, as a day is when it expires.

    A day is purged 30 days after its capture, long after checkpoints (every few minutes) have
    written its pages to disk. Without this, the bench would drop and delete files whose pages
    the kernel is still writing back from the fill, and each path's time would measure that
    writeback (a truncate waits for pages in flight). Both paths start from this same state."""
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    return time.perf_counter() - started


def _timed_delete(db: Database, conninfo: str, day: date) -> tuple[int, float, float]:
    """(rows deleted, DELETE seconds, VACUUM seconds): a DELETE leaves dead rows and index
    entries behind; the space comes back only with the VACUUM a real purge would need."""
    started = time.perf_counter()
    with db.unit_of_work() as uow:
        removed = storage.delete_day_rows_by_delete(uow.session, day)
        uow.commit()
    deleted_s = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"VACUUM {storage.partition_name(day)}")  # a name made from a date
    return removed, deleted_s, time.perf_counter() - started


def _timed_flat_delete(
    db: Database, conninfo: str, days: list[date], n: int
) -> tuple[float, float]:
    """(DELETE seconds, VACUUM seconds) for the first of ``days`` from an unpartitioned table
    holding all of them, ``n`` reads a day.

    The table is made with the reads table's columns, constraints and indexes (``LIKE reads
    INCLUDING ALL``); its keys and indexes are then set aside, the days filled, and the same keys
    and indexes built again over the full table (a sort each, not a million random inserts into
    a B-tree of random uuids: at 30 days of 1,000,000 reads the indexed fill did not finish in
    40 minutes). What is timed afterwards, the DELETE and its VACUUM, meets the same table and
    indexes either way."""
    flat_fill = text(str(_FILL).replace("INSERT INTO reads ", "INSERT INTO reads_flat ", 1))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE reads_flat (LIKE reads INCLUDING ALL)")
        keys = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'reads_flat'::regclass AND contype IN ('p', 'u')"
        ).fetchall()
        for name, _ in keys:
            conn.execute(
                sql.SQL("ALTER TABLE reads_flat DROP CONSTRAINT {}").format(sql.Identifier(name))
            )
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = 'reads_flat'"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    with db.unit_of_work() as uow:
        agency = uow.session.execute(text("SELECT min(id) FROM agencies")).scalar_one()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        filling = progress.add_task("unpartitioned table: days filled", total=len(days))
        for day in days:
            with db.unit_of_work() as uow:
                start = datetime.combine(day, day_time(), UTC)
                uow.session.execute(flat_fill, {"start": start, "n": n, "agency": agency})
                uow.commit()
            progress.advance(filling)
        building = progress.add_task(
            "unpartitioned table: keys and indexes built", total=len(keys) + len(indexes)
        )
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")  # the builds only; reset below
            for name, definition in keys:
                conn.execute(
                    sql.SQL("ALTER TABLE reads_flat ADD CONSTRAINT {} {}").format(
                        sql.Identifier(name),
                        sql.SQL(definition),  # read from the catalog
                    )
                )
                progress.advance(building)
            for _, definition in indexes:
                conn.execute(sql.SQL(definition))  # read from the catalog
                progress.advance(building)
    start = datetime.combine(days[0], day_time(), UTC)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE reads_flat")
        conn.execute("CHECKPOINT")
        started = time.perf_counter()
        conn.execute(
            "DELETE FROM reads_flat WHERE captured_at >= %s AND captured_at < %s",
            (start, start + timedelta(days=1)),
        )
        deleted_s = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("VACUUM reads_flat")
        vacuum_s = time.perf_counter() - started
        conn.execute("DROP TABLE reads_flat")
    return deleted_s, vacuum_s


def _timed_drop(db: Database, day: date) -> tuple[int, float, float]:
    """(reads dropped, seconds in all, of which the commit): the detach and the drop are catalog
    changes; the commit is where PostgreSQL removes the partition's files."""
    with db.unit_of_work() as uow:
        counted = reads.day_counts_by_camera(uow, day)  # not timed: the purge counts beforehand
    started = time.perf_counter()
    with db.unit_of_work() as uow:
        reads.purge_day(uow, day)
        committing = time.perf_counter()
        uow.commit()
    ended = time.perf_counter()
    return sum(counted.values()), ended - started, ended - committing


def _ingest(db: Database, batches: list[list[RawRow]]) -> tuple[int, float, float]:
    """(reads stored, seconds, slowest batch in seconds)."""
    stored, slowest = 0, 0.0
    started = time.perf_counter()
    for batch in batches:
        t0 = time.perf_counter()
        with db.unit_of_work() as uow:
            stored += reads.ingest(uow, Actor.system("bench"), batch, "bench").stored
        slowest = max(slowest, time.perf_counter() - t0)
    return stored, time.perf_counter() - started, slowest


def _batches(count: int, batch: int, seed: int) -> list[list[RawRow]]:
    now = datetime.now(UTC)
    rows = [
        RawRow.of(f"bench[{i}]", r)
        for i, r in enumerate(city.generate_reads(count, end=now, days=2, seed=seed))
    ]
    return [rows[i : i + batch] for i in range(0, len(rows), batch)]


def _ingest_during_purge(
    db: Database, batches: list[list[RawRow]]
) -> tuple[tuple[int, float, float], float, purge.PurgeReport | None]:
    outcome: dict[str, object] = {}

    def run_purge() -> None:
        t0 = time.perf_counter()
        with db.unit_of_work() as uow:
            outcome["report"] = purge.purge(uow, Actor.system("bench"))
        outcome["seconds"] = time.perf_counter() - t0

    thread = threading.Thread(target=run_purge)
    thread.start()
    ingested = _ingest(db, batches)
    thread.join()
    report = outcome.get("report")
    return ingested, float(outcome.get("seconds", 0.0)), report  # type: ignore[return-value]


def main(
    reads_count: Annotated[
        int, typer.Option("--reads", min=1, help="Reads in each day.")
    ] = 200_000,
    ingest_reads: Annotated[
        int,
        typer.Option("--ingest-reads", min=1, help="Reads ingested alone, then during the purge."),
    ] = 20_000,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Reads per ingest call.")] = 2_000,
    flat_days: Annotated[
        int,
        typer.Option(
            "--flat-days", min=0, help="Days in the unpartitioned comparison table (0: skip it)."
        ),
    ] = 0,
    pg_url: Annotated[
        str, typer.Option("--pg-url", help="PostgreSQL server URL.")
    ] = DEFAULT_PG_URL,
) -> None:
    url, conninfo = _urls(pg_url)
    today = datetime.now(UTC).date()
    first, second, third = (today - timedelta(days=d) for d in (40, 39, 38))
    with _schema(pg_url, conninfo):
        engine = create_engine(url, pool_size=4)
        settings = Settings(data_dir=Path("var-bench"), database_url=url)
        db = Database(engine, settings, SystemClock(), sessionmaker(engine, expire_on_commit=False))
        upgrade(engine)
        _register_places(db, Actor.system("bench"))
        with db.unit_of_work() as uow:
            reads.prepare_partitions(uow)
            uow.commit()
        fill_s = sum(_fill(db, d, reads_count) for d in (first, second, third))
        fill_s += _settle(conninfo)
        deleted, delete_s, vacuum_s = _timed_delete(db, conninfo, second)
        dropped, drop_s, drop_commit_s = _timed_drop(db, first)
        flat = None
        if flat_days:
            flat_window = [today - timedelta(days=60 + d) for d in range(flat_days)]
            flat = _timed_flat_delete(db, conninfo, flat_window, reads_count)
        _ingest(db, _batches(batch, batch, seed=10))  # warm-up: first-use costs, not timed
        alone = _ingest(db, _batches(ingest_reads, batch, seed=11))
        during, purge_s, report = _ingest_during_purge(db, _batches(ingest_reads, batch, seed=12))
        engine.dispose()

    ratio = (delete_s + vacuum_s) / drop_s if drop_s else None
    delete_only = delete_s / drop_s if drop_s else None
    alone_rate = alone[0] / alone[1] if alone[1] else 0.0
    during_rate = during[0] / during[1] if during[1] else 0.0
    table = Table(title=f"Purge of one day of {reads_count:,} reads (PostgreSQL)")
    for column in ("measure", "reads", "seconds", "note"):
        table.add_column(column)
    table.add_row("fill (3 days)", f"{3 * reads_count:,}", f"{fill_s:.2f}", "excluded")
    table.add_row("DELETE one day", f"{deleted:,}", f"{delete_s:.3f}", f"+ VACUUM {vacuum_s:.3f}s")
    table.add_row(
        "partition drop",
        f"{dropped:,}",
        f"{drop_s:.4f}",
        f"ratio {ratio:,.0f}x; commit {drop_commit_s:.4f}s",
    )
    table.add_row(
        "ingest alone",
        f"{alone[0]:,}",
        f"{alone[1]:.2f}",
        f"{alone_rate:,.0f}/s, slowest batch {alone[2]:.3f}s",
    )
    table.add_row(
        "ingest during purge",
        f"{during[0]:,}",
        f"{during[1]:.2f}",
        f"{during_rate:,.0f}/s, slowest batch {during[2]:.3f}s; purge took {purge_s:.2f}s "
        f"({report.reads if report else 0:,} reads)",
    )
    ratio_flat = None
    if flat is not None and drop_s:
        ratio_flat = (flat[0] + flat[1]) / drop_s
        table.add_row(
            f"DELETE one day of {flat_days} (no partitions)",
            f"{reads_count:,}",
            f"{flat[0]:.3f}",
            f"+ VACUUM {flat[1]:.3f}s; ratio {ratio_flat:,.0f}x",
        )
    console.print(table)
    sys.stdout.flush()
    print(
        json.dumps(
            {
                "bench": "purge",
                "reads": reads_count,
                "delete_s": round(delete_s, 4),
                "vacuum_s": round(vacuum_s, 4),
                "drop_s": round(drop_s, 5),
                "drop_commit_s": round(drop_commit_s, 5),
                "ratio": round(ratio, 1) if ratio else None,
                "ratio_delete_only": round(delete_only, 1) if delete_only else None,
                "flat_days": flat_days,
                "flat_delete_s": round(flat[0], 4) if flat else None,
                "flat_vacuum_s": round(flat[1], 4) if flat else None,
                "ratio_unpartitioned": round(ratio_flat, 1) if ratio_flat else None,
                "purge_service_s": round(purge_s, 3),
                "purge_service_reads": report.reads if report else None,
                "ingest_alone_reads_per_s": round(alone_rate, 1),
                "ingest_during_purge_reads_per_s": round(during_rate, 1),
                "ingest_ratio": round(during_rate / alone_rate, 3) if alone_rate else None,
                "slowest_batch_alone_s": round(alone[2], 4),
                "slowest_batch_during_purge_s": round(during[2], 4),
                "targets": TARGETS,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    typer.run(main)
