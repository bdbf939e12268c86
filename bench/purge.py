"""Purge benchmark (PostgreSQL): one day of N reads purged by partition drop vs by DELETE, and
ingest throughput while the retention purge runs.

    .venv/bin/python bench/purge.py --reads 200000 [--flat-days 30] [--ingest-reads 20000]
        [--pg-url URL] [--tablespace NAME]

It works in its own schema (``plateward_bench_purge``: dropped and re-created, dropped again at
the end). Three expired capture days are filled with N reads each, server-side
(``INSERT … SELECT … FROM generate_series``, the same columns and indexes as ingest writes),
then a ``CHECKPOINT`` writes and syncs their pages, as a day's are long before it expires; every
path starts from that state:

1. **drop**: the first day removed by ``reads.service.purge_day`` (detach + drop the partition),
   committed (``drop_commit_s``: the commit, where PostgreSQL removes the partition's files).
   Where the bench may read the server's files (a superuser), it sums what is left of the
   partition's files afterwards (``drop_file_bytes_left``: 0, the files are gone);
2. **DELETE from a table without partitions**, the purge of a deployment that keeps its whole
   retention window in one table: ``reads_flat`` (the reads table's columns, keys and indexes)
   holds ``--flat-days`` days of N reads (default 30, the retention period), filled oldest
   first, and the oldest day is deleted (``flat_delete_s``), then vacuumed (``flat_vacuum_s``:
   dead index entries removed, the space made reusable). ``ratio = (flat_delete_s +
   flat_vacuum_s) / drop_s`` (target ≥ 100).
   A VACUUM does not erase: with ``pageinspect`` the bench then looks for sampled deleted
   reads' ids in their heap pages (``flat_remnants_found`` of ``flat_remnants_sampled``; they
   stay until new rows happen to overwrite them). Removing the day from the database's files,
   as DUP §7 asks ("purged entirely"), takes rewriting the table, ``VACUUM FULL``
   (``flat_rewrite_s``; an ACCESS EXCLUSIVE lock on the table for its whole run, so ingest and
   searches wait): ``ratio_erased = (flat_delete_s + flat_rewrite_s) / drop_s``. Both VACUUMs
   run with ``maintenance_work_mem`` 1 GB, as the index builds;
3. **DELETE of the day's own partition**: the second day's reads removed with ``DELETE FROM
   reads WHERE captured_at in the day`` (``reads.storage.delete_day_rows_by_delete``), then
   that partition's ``VACUUM`` (``delete_s``, ``vacuum_s``): ``ratio_partition_delete =
   (delete_s + vacuum_s) / drop_s`` and ``ratio_delete_only = delete_s / drop_s``. No
   deployment would purge this way (with partitions one drops the day); it shows the per-row
   cost alone, without the window's indexes;
4. **ingest during the purge**: ``--ingest-reads`` fresh reads go through ``reads.ingest`` in
   batches, first alone (baseline), then while ``retention.purge.purge`` removes the third day
   (daily counts first, then the drop, then the rewrite of any table it deleted rows from) in
   another thread. ``ingest_ratio`` = reads/s during the purge ÷ reads/s alone, and the slowest
   batch of each run is shown.

The drop's time is mostly its commit freeing the partition's files, which depends on the file
system; ``--tablespace NAME`` keeps every table of the bench in that tablespace, to measure on
the disk the deployment's reads live on. The last line printed is one JSON object; nothing here
asserts on timings.
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
from typing import Annotated, Any, NamedTuple

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
_REMNANT_SAMPLE = 500  # deleted reads whose heap pages are read after the VACUUM
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


def _urls(pg_url: str, tablespace: str | None = None) -> tuple[str, str]:
    options = f"-csearch_path={SCHEMA},public"
    if tablespace:
        options += f" -cdefault_tablespace={tablespace}"
    url = make_engine(pg_url).url.update_query_dict({"options": options})
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


class FlatPurge(NamedTuple):
    """The oldest day purged by DELETE from a table without partitions."""

    delete_s: float
    vacuum_s: float
    rewrite_s: float
    remnants: tuple[int, int] | None  # (found, sampled) after the VACUUM; None: not allowed
    rewrite_bytes_left: int | None  # the old files' bytes after the VACUUM FULL


def _relation_files(conn: psycopg.Connection[Any], table: str) -> list[str]:
    """The data file (first segment) of ``table``, of its TOAST table and of their indexes."""
    rows = conn.execute(
        "SELECT pg_relation_filepath(c.oid) "
        "FROM (SELECT oid, reltoastrelid FROM pg_class WHERE oid = %s::regclass) AS t, pg_class c "
        "WHERE c.oid IN (t.oid, t.reltoastrelid) OR c.oid IN "
        "(SELECT indexrelid FROM pg_index WHERE indrelid IN (t.oid, t.reltoastrelid))",
        (table,),
    ).fetchall()
    return [path for (path,) in rows if path]


def _bytes_left(conn: psycopg.Connection[Any], paths: list[str]) -> int | None:
    """How many bytes the server's files at ``paths`` still hold (a removed file: 0), or None
    where this role may not look at the server's files (``pg_stat_file``: superusers)."""
    total = 0
    try:
        for path in paths:
            row = conn.execute(
                "SELECT coalesce((pg_stat_file(%s, true)).size, 0)", (path,)
            ).fetchone()
            total += int(row[0]) if row else 0
    except psycopg.errors.InsufficientPrivilege:
        return None
    return total


def _remnants(
    conn: psycopg.Connection[Any], sample: list[tuple[int, bytes]]
) -> tuple[int, int] | None:
    """(how many of the sampled deleted reads still have their id in their heap page's bytes,
    how many were sampled), or None where ``pageinspect`` is missing or not allowed."""
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        row = conn.execute(
            "SELECT count(*) FROM unnest(%s::bigint[], %s::bytea[]) AS s(block, id) "
            "WHERE position(s.id IN get_raw_page('reads_flat', s.block)) > 0",
            ([block for block, _ in sample], [read_id for _, read_id in sample]),
        ).fetchone()
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFile):
        return None
    return (int(row[0]) if row else 0), len(sample)


def _flat_table(db: Database, conninfo: str, days: list[date], n: int) -> None:
    """``reads_flat``: the reads table's columns, constraints and indexes (``LIKE reads
    INCLUDING ALL``) in one table without partitions, holding ``days`` of ``n`` reads each.

    Its keys and indexes are set aside, the days filled, and the same keys and indexes built
    again over the full table (a sort each, not a million random inserts into a B-tree of random
    uuids: at 30 days of 1,000,000 reads the indexed fill did not finish in 40 minutes). What is
    timed afterwards meets the same table and indexes either way."""
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
            conn.execute("SET maintenance_work_mem = '1GB'")  # the builds only: its own session
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


def _timed_flat_delete(db: Database, conninfo: str, days: list[date], n: int) -> FlatPurge:
    """The first (oldest) of ``days`` purged by DELETE from ``reads_flat`` holding all of them:
    the DELETE, its VACUUM, a look at what the VACUUM left in the pages, then the VACUUM FULL
    that removes it. The table is vacuumed and checkpointed first (untimed), as autovacuum and
    checkpoints would have done long before a day expires; so is the VACUUM's work before the
    VACUUM FULL."""
    _flat_table(db, conninfo, days, n)
    start = datetime.combine(days[0], day_time(), UTC)
    bounds = (start, start + timedelta(days=1))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE reads_flat")
        sample = [
            (int(block), bytes(read_id))
            for block, read_id in conn.execute(
                "SELECT (ctid::text::point)[0]::bigint, uuid_send(id) FROM reads_flat "
                "WHERE captured_at >= %s AND captured_at < %s ORDER BY random() LIMIT %s",
                (*bounds, _REMNANT_SAMPLE),
            ).fetchall()
        ]
        conn.execute("CHECKPOINT")
        conn.execute("SET maintenance_work_mem = '1GB'")  # for the two VACUUMs, as the builds
        started = time.perf_counter()
        conn.execute("DELETE FROM reads_flat WHERE captured_at >= %s AND captured_at < %s", bounds)
        deleted_s = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("VACUUM reads_flat")
        vacuum_s = time.perf_counter() - started
        remnants = _remnants(conn, sample)
        old_files = _relation_files(conn, "reads_flat")
        conn.execute("CHECKPOINT")
        started = time.perf_counter()
        conn.execute("VACUUM FULL reads_flat")
        rewrite_s = time.perf_counter() - started
        left = _bytes_left(conn, old_files)
        conn.execute("DROP TABLE reads_flat")
    return FlatPurge(deleted_s, vacuum_s, rewrite_s, remnants, left)


def _timed_drop(db: Database, conninfo: str, day: date) -> tuple[int, float, float, int | None]:
    """(reads dropped, seconds in all, of which the commit, bytes left in the partition's files
    afterwards or None): the detach and the drop are catalog changes; the commit is where
    PostgreSQL removes the partition's files."""
    with db.unit_of_work() as uow:
        counted = reads.day_counts_by_camera(uow, day)  # not timed: the purge counts beforehand
    with psycopg.connect(conninfo, autocommit=True) as conn:
        files = _relation_files(conn, storage.partition_name(day))
    started = time.perf_counter()
    with db.unit_of_work() as uow:
        reads.purge_day(uow, day)
        committing = time.perf_counter()
        uow.commit()
    ended = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        left = _bytes_left(conn, files)
    return sum(counted.values()), ended - started, ended - committing, left


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
    flat_days: Annotated[
        int,
        typer.Option(
            "--flat-days",
            min=1,
            help="Days of reads in the table without partitions (the retention window).",
        ),
    ] = 30,
    ingest_reads: Annotated[
        int,
        typer.Option("--ingest-reads", min=1, help="Reads ingested alone, then during the purge."),
    ] = 20_000,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Reads per ingest call.")] = 2_000,
    pg_url: Annotated[
        str, typer.Option("--pg-url", help="PostgreSQL server URL.")
    ] = DEFAULT_PG_URL,
    tablespace: Annotated[
        str | None,
        typer.Option(
            "--tablespace",
            help="Keep the bench's tables in this tablespace (the disk the reads live on).",
        ),
    ] = None,
) -> None:
    if tablespace and not tablespace.replace("_", "").isalnum():
        raise typer.BadParameter(
            "a tablespace's name: letters, digits and _", param_hint="--tablespace"
        )
    url, conninfo = _urls(pg_url, tablespace)
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
        dropped, drop_s, drop_commit_s, drop_left = _timed_drop(db, conninfo, first)
        # Oldest first, as a window fills: the day purged is at the head of the table.
        flat_window = [today - timedelta(days=60 + flat_days - 1 - d) for d in range(flat_days)]
        flat = _timed_flat_delete(db, conninfo, flat_window, reads_count)
        _ingest(db, _batches(batch, batch, seed=10))  # warm-up: first-use costs, not timed
        alone = _ingest(db, _batches(ingest_reads, batch, seed=11))
        during, purge_s, report = _ingest_during_purge(db, _batches(ingest_reads, batch, seed=12))
        engine.dispose()

    def per_drop(seconds: float) -> float | None:
        return round(seconds / drop_s, 1) if drop_s else None

    ratio = per_drop(flat.delete_s + flat.vacuum_s)
    erased = per_drop(flat.delete_s + flat.rewrite_s)
    alone_rate = alone[0] / alone[1] if alone[1] else 0.0
    during_rate = during[0] / during[1] if during[1] else 0.0
    remnants = f"{flat.remnants[0]:,} of {flat.remnants[1]:,}" if flat.remnants else "not looked"
    table = Table(title=f"Purge of one day of {reads_count:,} reads (PostgreSQL)")
    for column in ("purge", "reads", "seconds", "x drop", "note"):
        table.add_column(column)
    table.add_row(
        "partition drop",
        f"{dropped:,}",
        f"{drop_s:.4f}",
        "1",
        f"commit {drop_commit_s:.4f}s; bytes left in its files: {_shown(drop_left)}",
    )
    table.add_row(
        f"DELETE + VACUUM, {flat_days} days in one table",
        f"{reads_count:,}",
        f"{flat.delete_s + flat.vacuum_s:.3f}",
        f"{ratio:,.0f}" if ratio else "-",
        f"DELETE {flat.delete_s:.3f}s + VACUUM {flat.vacuum_s:.3f}s; sampled deleted reads "
        f"still in their pages: {remnants}",
    )
    table.add_row(
        f"DELETE + VACUUM FULL, {flat_days} days in one table",
        f"{reads_count:,}",
        f"{flat.delete_s + flat.rewrite_s:.3f}",
        f"{erased:,.0f}" if erased else "-",
        f"rewrite {flat.rewrite_s:.3f}s (the table locked); bytes left in the old files: "
        f"{_shown(flat.rewrite_bytes_left)}",
    )
    table.add_row(
        "DELETE + VACUUM of the day's partition",
        f"{deleted:,}",
        f"{delete_s + vacuum_s:.3f}",
        f"{per_drop(delete_s + vacuum_s) or 0:,.0f}",
        f"DELETE {delete_s:.3f}s + VACUUM {vacuum_s:.3f}s",
    )
    table.add_row("fill (3 days)", f"{3 * reads_count:,}", f"{fill_s:.2f}", "", "excluded")
    table.add_row(
        "ingest alone",
        f"{alone[0]:,}",
        f"{alone[1]:.2f}",
        "",
        f"{alone_rate:,.0f}/s, slowest batch {alone[2]:.3f}s",
    )
    table.add_row(
        "ingest during purge",
        f"{during[0]:,}",
        f"{during[1]:.2f}",
        "",
        f"{during_rate:,.0f}/s, slowest batch {during[2]:.3f}s; purge took {purge_s:.2f}s "
        f"({report.reads if report else 0:,} reads)",
    )
    console.print(table)
    sys.stdout.flush()
    print(
        json.dumps(
            {
                "bench": "purge",
                "reads": reads_count,
                "flat_days": flat_days,
                "tablespace": tablespace,
                "drop_s": round(drop_s, 5),
                "drop_commit_s": round(drop_commit_s, 5),
                "drop_file_bytes_left": drop_left,
                "flat_delete_s": round(flat.delete_s, 4),
                "flat_vacuum_s": round(flat.vacuum_s, 4),
                "flat_rewrite_s": round(flat.rewrite_s, 4),
                "flat_remnants_found": flat.remnants[0] if flat.remnants else None,
                "flat_remnants_sampled": flat.remnants[1] if flat.remnants else None,
                "flat_rewrite_file_bytes_left": flat.rewrite_bytes_left,
                "ratio": ratio,
                "ratio_erased": erased,
                "delete_s": round(delete_s, 4),
                "vacuum_s": round(vacuum_s, 4),
                "ratio_partition_delete": per_drop(delete_s + vacuum_s),
                "ratio_delete_only": per_drop(delete_s),
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


def _shown(count: int | None) -> str:
    return f"{count:,}" if count is not None else "not looked (not a superuser)"


if __name__ == "__main__":
    typer.run(main)
