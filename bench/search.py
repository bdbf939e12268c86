"""Search benchmark: a large city's month of reads on PostgreSQL, searched the way people search.

    .venv/bin/python bench/search.py --reads 1000000 [--queries 100] [--seqscan 5] [--pg-url URL]

In a database of its own (``plateward_bench_search``, created and dropped): the migrations, then
``--reads`` reads over 30 days generated inside PostgreSQL (``bench/bigcity.py``; the time it takes
is printed), then searches of each kind through the real use case, ``search.service.search_reads``
(authorization, purpose checks, the guard, the query through the read gate, the stored search and
its audit entry, the commit), by a bench investigator, over random plates, patterns and windows:

- exact plate (target p95 < 50 ms), partial ``7AB*``/``*123`` and wildcard ``7A?C123`` (< 500 ms),
  fuzzy (< 500 ms);
- ``--seqscan`` searches of each kind again, each run with its indexes and without, in the order
  A B B A (index scans switched off in the search's own transaction: ``SET LOCAL
  enable_indexscan/bitmapscan/indexonlyscan = off``); ``<kind>_over_seqscan`` is the median over
  those queries of the query's time with indexes over its time without (``matching.matching``
  and ``matching.hits``: the reads SQL and the checks of its rows), ``<kind>_search_over_seqscan``
  the same for the whole search;
- the audit's share: the time spent in ``audit.record`` and in writing the buffered entries
  (``audit._write_buffer``), over the searches' whole time; the guard's and the query's likewise.

``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of the reads statements of each kind's slowest
search; ``--keep`` leaves the database for a look; ``--set NAME=VALUE`` (repeatable) runs every
search with ``SET LOCAL NAME = VALUE`` in its transaction, to measure a change of settings through
the same path; ``--versus NAME=VALUE`` (repeatable) runs each search both as the code is and with
those settings, in the order A B B A, and adds their figures under ``"versus"`` (e.g. ``--versus
plan_cache_mode=force_custom_plan --versus jit=off``).

The last line printed is one JSON object; nothing here asserts on timings.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import bigcity
import psycopg
import searches
import timing
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import event, select, text

from plateward.accounts import service as people
from plateward.accounts.models import User
from plateward.core.clock import SystemClock
from plateward.core.database import Database, make_engine
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor, Role
from plateward.core.settings import Settings
from plateward.demo import city

DATABASE = "plateward_bench_search"
DEFAULT_PG_URL = os.environ.get(
    "PLATEWARD_BENCH_DATABASE_URL",
    os.environ.get("PLATEWARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)
TARGETS_MS = {"exact": 50, "partial": 500, "fuzzy": 500}
# Wide enough for the table when the output goes to a file (rich would use 80 columns).
console = Console(highlight=False, width=None if sys.stdout.isatty() else 130)


# --- the database --------------------------------------------------------------------------------


@contextmanager
def _database(url: str, name: str, *, keep: bool, reuse: bool) -> Iterator[tuple[Database, str]]:
    """A database of its own, dropped at the end: the audit's append lock is a per-database
    advisory lock, which the test suites' schemas in the shared database would contend for.
    With ``reuse`` the database a ``--keep`` run left is searched again as it is."""
    base = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    if not reuse:
        with base.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine_url = base.url.set(database=name)
    settings = Settings(database_url=engine_url.render_as_string(hide_password=False))
    db = Database.from_settings(settings, SystemClock())
    try:
        if not reuse:
            upgrade(db.engine)
        yield db, engine_url.set(drivername="postgresql").render_as_string(hide_password=False)
    finally:
        db.dispose()
        if not keep:
            with base.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        base.dispose()


INVESTIGATOR = "bench.investigator"


def trained_investigator(db: Database) -> Actor:
    """A trained investigator who has accepted the restrictions, created as the demo does (or
    the one a kept database holds)."""
    operator = Actor.system("bench")
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == INVESTIGATOR))
        if user is None:
            spec = people.PersonSpec(
                INVESTIGATOR,
                "Bench Investigator",
                Role.INVESTIGATOR,
                "Robbery Unit",
                city.HOME_AGENCY_ORI,
                "bench-password-not-secret-1",
                "9999",
            )
            person = people.create_person(uow, operator, spec, pre_enrolled=True)
            today = uow.now().date()
            expires = today + timedelta(days=365)
            people.record_training(uow, operator, person.id, "ALPR", today, expires)
            uow.commit()
            user = uow.session.get(User, person.id)
        if user is None:
            raise RuntimeError("the bench investigator was not created")
        version = people.current_statement(uow).version
        return people.actor_for(uow, user, acknowledged_version=version)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


# --- figures -------------------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _figures(measured: timing.Measured) -> dict[str, Any]:
    figures = _times(measured.timed)
    for kind in searches.KINDS:
        mine = [p for p in measured.seqscan if p.kind == kind]
        # The query (reads SQL and the checks on its rows), with indexes over without.
        figures[f"{kind}_over_seqscan"] = _median([p.ratio("query") for p in mine], 4)
        figures[f"{kind}_search_over_seqscan"] = _median([p.ratio() for p in mine], 4)
        figures[f"{kind}_seqscan_median_ms"] = _median(
            [_ms(statistics.mean(t.total for t in p.b)) for p in mine], 2
        )
    timed = measured.timed
    total = sum(t.total for t in timed)
    for part in ("audit", "guard", "query"):
        figures[f"{part}_share"] = round(sum(t.parts.get(part, 0.0) for t in timed) / total, 4)
    return figures


def _times(timed: list[timing.Timed]) -> dict[str, Any]:
    """p95 and median of the whole search, by kind."""
    by_kind = {k: [t for t in timed if t.kind == k] for k in searches.KINDS}
    figures: dict[str, Any] = {
        f"{kind}_p95_ms": _ms(_p95([t.total for t in runs])) for kind, runs in by_kind.items()
    }
    # The "partial/wildcard" target: both pattern kinds together.
    figures["partial_p95_ms"] = _ms(
        _p95([t.total for t in by_kind["partial"] + by_kind["wildcard"]])
    )
    return figures | {
        f"{kind}_median_ms": _ms(statistics.median(t.total for t in runs))
        for kind, runs in by_kind.items()
    }


def _versus(measured: timing.Measured, settings: dict[str, str]) -> dict[str, Any]:
    """The same searches with ``settings``: their times, and their time over the code's as it
    is, search by search (median; below 1 is faster)."""
    figures = {"settings": settings, **_times([t for p in measured.versus for t in p.b])}
    for kind in searches.KINDS:
        ratios = [1 / p.ratio() for p in measured.versus if p.kind == kind]
        figures[f"{kind}_over_as_is"] = _median(ratios, 4)
    return figures


def _median(values: list[float], digits: int) -> float | None:
    return round(statistics.median(values), digits) if values else None


def _kind_table(measured: timing.Measured, versus: str) -> Table:
    table = Table(title="Searches through search_reads (ms)")
    if versus:
        table.caption = f"--versus: {versus}"
    columns = ("kind", "runs", "median", "p95", "max", "query median", "query p95", "audit median")
    for column in (*columns, "results"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    groups = (
        ("", measured.timed),
        (" --versus", [t for p in measured.versus for t in p.b]),
        (" without indexes", [t for p in measured.seqscan for t in p.b]),
    )
    for label, runs_of in groups:
        for kind in searches.KINDS:
            runs = [t for t in runs_of if t.kind == kind]
            if runs:
                table.add_row(f"{kind}{label}", *_row(runs))
    return table


def _row(runs: list[timing.Timed]) -> list[str]:
    totals = [t.total for t in runs]
    queries = [t.parts.get("query", 0.0) for t in runs]
    return [
        str(len(runs)),
        f"{_ms(statistics.median(totals)):,}",
        f"{_ms(_p95(totals)):,}",
        f"{_ms(max(totals)):,}",
        f"{_ms(statistics.median(queries)):,}",
        f"{_ms(_p95(queries)):,}",
        f"{_ms(statistics.median(t.parts.get('audit', 0.0) for t in runs)):,}",
        f"{statistics.median(t.results for t in runs):,.0f}",
    ]


# --- explaining the slowest search of a kind ------------------------------------------------------


def _explain(bench: timing.Bench, timed: list[timing.Timed]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) the reads statements of each kind's slowest search, twice:
    planned for its own values (a statement sent once), and with the generic plan a prepared
    statement may switch to (psycopg prepares a statement sent five times on a connection, and
    PostgreSQL may then keep one plan for all values)."""
    for kind in searches.KINDS:
        slowest = max((t for t in timed if t.kind == kind), key=lambda t: t.total).plan
        console.rule(f"{kind}: {slowest.query.plate} ({slowest.query.terms()['start']} …)")
        for statement, parameters in _statements(bench, slowest):
            with bench.db.unit_of_work() as uow:
                driver = uow.session.connection().connection.driver_connection
                if not isinstance(driver, psycopg.Connection):
                    raise TypeError("the bench runs on psycopg")
                custom = driver.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                custom_plan = [row[0] for row in custom.fetchall()]
                generic_plan = _generic_plan(driver, statement, parameters)
            # Plain print: plans are wide, and rich would wrap them.
            print(statement, parameters, "-- custom plan:", *custom_plan, sep="\n")
            print("-- generic plan:", *generic_plan, sep="\n")


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _generic_plan(driver: psycopg.Connection[Any], statement: str, parameters: Any) -> list[str]:
    """The plan PostgreSQL keeps for a prepared ``statement`` whatever its values."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    prepared = _PLACEHOLDER.sub(number, statement).replace("%%", "%")
    driver.execute("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)")
    driver.execute(f"PREPARE bench_generic AS {prepared}")
    try:
        values = ", ".join(["%s"] * len(names))
        cursor = psycopg.ClientCursor(driver)  # the values written into the EXECUTE
        cursor.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_generic({values})",
            [parameters[n] for n in names],
        )
        return [row[0] for row in cursor.fetchall()]
    finally:
        driver.execute("DEALLOCATE bench_generic")


def _statements(bench: timing.Bench, plan: searches.Planned) -> list[tuple[str, Any]]:
    """The statements over reads that one search sends, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if "FROM reads" in statement:
            statements.append((statement, parameters))

    event.listen(bench.db.engine, "before_cursor_execute", capture)
    try:
        with timing.stopwatch() as watch:
            timing.run(bench, plan, watch, seqscan=False)
    finally:
        event.remove(bench.db.engine, "before_cursor_execute", capture)
    return statements


# --- main ----------------------------------------------------------------------------------------


def main(
    reads_count: Annotated[int, typer.Option("--reads", help="Reads generated.")] = 1_000_000,
    queries: Annotated[int, typer.Option(help="Searches timed per kind.")] = 100,
    seqscan: Annotated[int, typer.Option(help="Searches per kind run again without indexes.")] = 5,
    camera_count: Annotated[int, typer.Option("--cameras", help="Cameras registered.")] = 300,
    jobs: Annotated[int, typer.Option(help="Statements run at once while generating.")] = 2,
    setting: Annotated[
        list[str] | None,
        typer.Option("--set", help="NAME=VALUE: SET LOCAL in every search (repeatable)."),
    ] = None,
    versus: Annotated[
        list[str] | None,
        typer.Option(help="NAME=VALUE: each search also run so, paired A B B A (repeatable)."),
    ] = None,
    explain: Annotated[bool, typer.Option(help="EXPLAIN each kind's slowest search.")] = False,
    keep: Annotated[bool, typer.Option(help="Leave the database for a look (psql).")] = False,
    reuse: Annotated[
        bool, typer.Option(help="Search the database a --keep run left, without generating.")
    ] = False,
    database: Annotated[
        str, typer.Option(help="The bench's own database (dropped and created).")
    ] = DATABASE,
    pg_url: Annotated[str, typer.Option(help="PostgreSQL URL.")] = DEFAULT_PG_URL,
) -> None:
    settings = tuple(_name_value(s) for s in setting or ())
    other = tuple(_name_value(s) for s in versus or ())
    with _database(pg_url, database, keep=keep or reuse, reuse=reuse) as (db, conninfo):
        generated = (
            _reused(db) if reuse else _generate(db, conninfo, reads_count, camera_count, jobs)
        )
        reads_count = generated.reads
        bench = timing.Bench(db, trained_investigator(db), settings)
        against = timing.Bench(db, bench.actor, settings + other) if other else None
        planned = searches.plan(db, reads_count, queries, db.clock.now())
        load_before = os.getloadavg()[0]
        with _progress() as progress:
            measured = timing.measure(bench, planned, seqscan, progress, against)
        load_after = os.getloadavg()[0]
        if explain:
            _explain(bench, measured.timed)
    console.print(_kind_table(measured, ", ".join(versus or ())))
    figures = {
        "bench": "search",
        "reads": reads_count,
        "cameras": generated.cameras,
        "vehicles": generated.vehicles,
        # None when --reuse searched a kept database: nothing was generated.
        "generation_s": round(generated.total_s, 1) if generated.seconds else None,
        "generation_s_per_million": (
            round(generated.total_s / (reads_count / 1e6), 1) if generated.seconds else None
        ),
        "generation_phases_s": {k: round(v, 1) for k, v in generated.seconds.items()},
        "queries_per_kind": queries,
        "settings": dict(settings),
        **_figures(measured),
        # The machine's 1-minute load average as the searches began and ended: on a shared
        # machine, compare runs only under similar load.
        "load_average": [round(load_before, 1), round(load_after, 1)],
        "targets_p95_ms": TARGETS_MS,
    }
    if other:
        figures["versus"] = _versus(measured, dict(other))
    print(json.dumps(figures))


def _reused(db: Database) -> bigcity.Generated:
    """What a kept database holds (its generation was timed by the run that made it)."""
    with db.unit_of_work() as uow:
        count = uow.session.scalar(text("SELECT count(*) FROM reads")) or 0
        cameras = uow.session.scalar(text("SELECT count(*) FROM cameras")) or 0
    console.print(f"Searching the kept database again: {count:,} reads, {cameras} cameras")
    return bigcity.Generated(count, city.pool_size_for(count), cameras)


def _name_value(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise typer.BadParameter(f"--set takes NAME=VALUE, not {text!r}")
    return name.strip(), value.strip()


def _generate(
    db: Database, conninfo: str, count: int, camera_count: int, jobs: int
) -> bigcity.Generated:
    started = time.perf_counter()
    with _progress() as progress:
        tasks: dict[str, Any] = {}
        tenths: dict[str, int] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(f"generating: {phase}", total=total)
            progress.update(tasks[phase], completed=done)
            tenth = 10 * done // max(total, 1)
            if not console.is_terminal and tenth > tenths.get(phase, 0):
                # No live bar without a terminal (a log file): a line every tenth instead.
                tenths[phase] = tenth
                elapsed = time.perf_counter() - started
                console.print(f"generating: {phase} {done:,}/{total:,} ({elapsed:.0f} s)")

        generated = bigcity.generate(
            db, conninfo, count, camera_count, datetime.now(UTC), report, jobs
        )
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in generated.seconds.items())
    console.print(
        f"Generated {count:,} reads ({generated.vehicles:,} vehicles, {generated.cameras} cameras) "
        f"in {generated.total_s:.1f} s: {phases}"
    )
    return generated


if __name__ == "__main__":
    typer.run(main)
