"""Search benchmark: a large city's month of reads on PostgreSQL, searched the way people search.

    .venv/bin/python bench/search.py --reads 1000000 [--queries 100] [--seqscan 5] [--pg-url URL]

In a database of its own (``plateward_bench_search``, created and dropped): the migrations, then
``--reads`` reads over 30 days generated inside PostgreSQL (``bench/bigcity.py``; the time it takes
is printed), then searches of each kind through the real use case, ``search.service.search_reads``
(authorization, purpose checks, the guard, the query through the read gate, the stored search and
its audit entry, the commit), by a bench investigator, over random plates, patterns and windows:

- exact plate (target p95 < 50 ms), partial ``7AB*``/``*123`` and wildcard ``7A?C123`` (< 500 ms),
  fuzzy (< 500 ms);
- each kind again, for ``--seqscan`` of its queries, with index scans switched off in the search's
  own transaction (``SET LOCAL enable_indexscan/bitmapscan/indexonlyscan = off``): the ratio is
  the indexed search's time over the sequential one's, query by query (median);
- the audit's share: the time spent in ``audit.record`` and in writing the buffered entries, over
  the searches' whole time.

The last line printed is one JSON object; nothing here asserts on timings.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import bigcity
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import event, text

from plateward import guard
from plateward.accounts import service as people
from plateward.accounts.models import User
from plateward.core import audit
from plateward.core.clock import SystemClock
from plateward.core.database import Database, make_engine
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor, Role
from plateward.core.purpose import Purpose, purpose
from plateward.core.settings import Settings
from plateward.demo import city
from plateward.guard import justification
from plateward.search import matching
from plateward.search import service as search
from plateward.search.rules import SearchQuery, search_query

DATABASE = "plateward_bench_search"
DEFAULT_PG_URL = os.environ.get(
    "PLATEWARD_BENCH_DATABASE_URL",
    os.environ.get("PLATEWARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)
TARGETS_MS = {"exact": 50, "partial": 500, "fuzzy": 500}
KINDS = ("exact", "partial", "wildcard", "fuzzy")
WINDOW_DAYS = (1, 7, 30)
ABSENT_SHARE = 0.1  # searches for a plate no camera read
SEQSCAN_OFF = ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan")
console = Console(highlight=False)


# --- the database --------------------------------------------------------------------------------


@contextmanager
def _database(url: str, *, keep: bool) -> Iterator[tuple[Database, str]]:
    """A database of its own, dropped at the end: the audit's append lock is a per-database
    advisory lock, which the test suites' schemas in the shared database would contend for."""
    base = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with base.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    engine_url = base.url.set(database=DATABASE)
    settings = Settings(database_url=engine_url.render_as_string(hide_password=False))
    db = Database.from_settings(settings, SystemClock())
    try:
        upgrade(db.engine)  # type: ignore[arg-type]
        yield db, engine_url.set(drivername="postgresql").render_as_string(hide_password=False)
    finally:
        db.dispose()
        if not keep:
            with base.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        base.dispose()


def _investigator(db: Database) -> Actor:
    """A trained investigator who has accepted the restrictions, created as the demo does."""
    operator = Actor.system("bench")
    with db.unit_of_work() as uow:
        spec = people.PersonSpec(
            "bench.investigator",
            "Bench Investigator",
            Role.INVESTIGATOR,
            "Robbery Unit",
            city.HOME_AGENCY_ORI,
            "bench-password-not-secret-1",
            "9999",
        )
        person = people.create_person(uow, operator, spec, pre_enrolled=True)
        today = uow.now().date()
        person_id = person.id  # type: ignore[union-attr]
        people.record_training(uow, operator, person_id, "ALPR", today, today + timedelta(days=365))
        uow.commit()
    with db.unit_of_work() as uow:
        user = uow.session.get(User, person_id)
        version = people.current_statement(uow).version
        return people.actor_for(uow, user, acknowledged_version=version)  # type: ignore[arg-type]


# --- the searches --------------------------------------------------------------------------------

_CASES = (
    ("PC 211", "Armed robbery of the {n} Story Rd market; suspect vehicle seen leaving east."),
    ("PC 459", "Commercial burglary on Monterey Rd, case {n}; a car waited outside at 2 am."),
    ("VC 10851", "Stolen vehicle report {n}: the owner's car, taken from a driveway overnight."),
    ("PC 245", "Assault with a deadly weapon {n}; witnesses gave a partial plate of the car."),
    ("VC 20001", "Hit and run with injury {n} at Tully Rd; find the vehicle that drove off."),
)


def _purposes() -> list[Purpose]:
    """Five cases, each with its own justification (a copied one would be refused)."""
    return [
        purpose("criminal_investigation", crime, f"26-{4100 + n:06d}", why.format(n=n + 1))
        for n, (crime, why) in enumerate(_CASES)
    ]


@dataclass(frozen=True)
class Planned:
    kind: str
    query: SearchQuery
    purpose: Purpose


def _plan(db: Database, count: int, now: datetime) -> list[Planned]:
    """``count`` searches of each kind over plates read in the city, shuffled together."""
    rng = random.Random(f"{bigcity.SEED}:searches")
    with db.engine.connect() as conn:
        seen = [
            (plate, state)
            for plate, state in conn.execute(
                text(
                    "SELECT plate, plate_state FROM reads TABLESAMPLE SYSTEM (1) "
                    "WHERE length(plate) >= 6 LIMIT :n"
                ),
                {"n": count * len(KINDS) * 2},
            )
        ]
    absent = [p for p, _ in city.registered_plates(count, bigcity.SEED + 1)]
    purposes = _purposes()
    planned = []
    for kind in KINDS:
        for n in range(count):
            plate = rng.choice(absent) if rng.random() < ABSENT_SHARE else rng.choice(seen)[0]
            typed = _typed(kind, plate, rng)
            start, end = _window(rng, now)
            query = search_query(start=start, end=end, plate=typed, fuzzy=kind == "fuzzy")
            planned.append(Planned(kind, query, purposes[n % len(purposes)]))
    rng.shuffle(planned)
    return planned


def _typed(kind: str, plate: str, rng: random.Random) -> str:
    """What a person types for ``kind``, from a plate they half remember."""
    if kind == "partial":
        size = rng.choice((3, 4))
        return plate[:size] + "*" if rng.random() < 0.5 else "*" + plate[-size:]
    if kind == "wildcard":
        i = rng.randrange(1, len(plate) - 1)
        return plate[:i] + "?" + plate[i + 1 :]
    if kind == "fuzzy":
        # As a witness or another camera misread it: a look-alike swapped, or one character off.
        return city.misread_plate(plate, rng) if rng.random() < 0.5 else plate
    return plate


def _window(rng: random.Random, now: datetime) -> tuple[datetime, datetime]:
    days = rng.choice(WINDOW_DAYS)
    # Leave an hour at the retention edge so the data stays visible throughout the run.
    earliest = now - timedelta(days=bigcity.DAYS) + timedelta(hours=1)
    room = max(0.0, (now - earliest).total_seconds() - days * 86400)
    start = earliest + timedelta(seconds=rng.uniform(0, room))
    return start, min(start + timedelta(days=days), now)


# --- timing --------------------------------------------------------------------------------------


@dataclass
class Timed:
    """One search: its whole time and the parts spent in the query, the audit and the guard."""

    kind: str
    total: float
    parts: dict[str, float]
    results: int
    seqscan: bool = False


@dataclass
class Stopwatch:
    """Times calls of named module functions by part, outermost call only (record() recurses)."""

    parts: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    depth: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def wrap(self, part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.depth[part] += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.depth[part] -= 1
                if self.depth[part] == 0:
                    self.parts[part] += time.perf_counter() - started

        return timed


_TIMED = (
    ("query", matching, "matching"),
    ("query", matching, "hits"),
    ("audit", audit, "record"),
    ("audit", audit, "_write_buffer"),
    ("guard", guard, "check_purpose"),
    ("guard", justification, "assess_justification"),
)


@contextmanager
def _stopwatch() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    originals = [(module, name, getattr(module, name)) for _, module, name in _TIMED]
    for (part, module, name), (_, _, original) in zip(_TIMED, originals, strict=True):
        setattr(module, name, watch.wrap(part, original))
    try:
        yield watch
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def _run(db: Database, actor: Actor, plan: Planned, watch: Stopwatch, *, seqscan: bool) -> Timed:
    watch.parts.clear()
    started = time.perf_counter()
    with db.unit_of_work() as uow:
        if seqscan:
            for setting in SEQSCAN_OFF:
                uow.session.execute(text(f"SET LOCAL {setting} = off"))
        results = search.search_reads(uow, actor, plan.purpose, plan.query)
    total = time.perf_counter() - started
    if not isinstance(results, search.SearchResults):
        raise RuntimeError(f"the guard sent a bench purpose to review: {results.message}")
    return Timed(plan.kind, total, dict(watch.parts), results.total, seqscan)


def _measure(db: Database, actor: Actor, planned: list[Planned], seqscan_each: int) -> list[Timed]:
    timed: list[Timed] = []
    baseline = _baseline(planned, seqscan_each)
    with _stopwatch() as watch, _progress() as progress:
        for plan in planned[:20]:  # warm the guard's model, plans and caches
            _run(db, actor, plan, watch, seqscan=False)
        task = progress.add_task("searches", total=len(planned))
        for plan in planned:
            timed.append(_run(db, actor, plan, watch, seqscan=False))
            progress.advance(task)
        task = progress.add_task("sequential", total=len(baseline))
        for plan in baseline:
            timed.append(_run(db, actor, plan, watch, seqscan=True))
            progress.advance(task)
    return timed


def _baseline(planned: list[Planned], each: int) -> list[Planned]:
    """The first ``each`` planned searches of every kind, to run again without indexes."""
    chosen: list[Planned] = []
    for kind in KINDS:
        chosen += [p for p in planned if p.kind == kind][:each]
    return chosen


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


def _figures(timed: list[Timed], planned: list[Planned], seqscan_each: int) -> dict[str, Any]:
    indexed = [t for t in timed if not t.seqscan]
    by_kind = {k: [t for t in indexed if t.kind == k] for k in KINDS}
    figures: dict[str, Any] = {
        f"{kind}_p95_ms": _ms(_p95([t.total for t in runs])) for kind, runs in by_kind.items()
    }
    figures["partial_p95_ms"] = _ms(
        _p95([t.total for t in by_kind["partial"] + by_kind["wildcard"]])
    )
    baseline = _baseline(planned, seqscan_each)
    sequential = [t for t in timed if t.seqscan]
    for kind in KINDS:
        pairs = [
            (next(t for t, p in zip(indexed, planned, strict=True) if p is plan), seq)
            for plan, seq in zip(baseline, sequential, strict=True)
            if plan.kind == kind
        ]
        figures[f"{kind}_over_seqscan"] = (
            round(statistics.median(i.total / s.total for i, s in pairs), 4) if pairs else None
        )
        figures[f"{kind}_seqscan_median_ms"] = (
            _ms(statistics.median(s.total for _, s in pairs)) if pairs else None
        )
    total = sum(t.total for t in indexed)
    figures["audit_share"] = round(sum(t.parts.get("audit", 0.0) for t in indexed) / total, 4)
    figures["guard_share"] = round(sum(t.parts.get("guard", 0.0) for t in indexed) / total, 4)
    figures["query_share"] = round(sum(t.parts.get("query", 0.0) for t in indexed) / total, 4)
    return figures


def _kind_table(timed: list[Timed]) -> Table:
    table = Table(title="Searches through search_reads (ms)")
    for column in ("kind", "runs", "median", "p95", "max", "query p95", "audit p95", "results"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for seqscan in (False, True):
        for kind in KINDS:
            runs = [t for t in timed if t.kind == kind and t.seqscan is seqscan]
            if not runs:
                continue
            totals = [t.total for t in runs]
            table.add_row(
                f"{kind}{' (seq scan)' if seqscan else ''}",
                str(len(runs)),
                f"{_ms(statistics.median(totals)):,}",
                f"{_ms(_p95(totals)):,}",
                f"{_ms(max(totals)):,}",
                f"{_ms(_p95([t.parts.get('query', 0.0) for t in runs])):,}",
                f"{_ms(_p95([t.parts.get('audit', 0.0) for t in runs])):,}",
                f"{statistics.median(t.results for t in runs):,.0f}",
            )
    return table


# --- explaining the slowest search of a kind ------------------------------------------------------


def _explain(db: Database, actor: Actor, timed: list[Timed], planned: list[Planned]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) the reads statements of each kind's slowest search."""
    indexed = [t for t in timed if not t.seqscan]
    for kind in KINDS:
        runs = [(t, p) for t, p in zip(indexed, planned, strict=True) if t.kind == kind]
        slowest = max(runs, key=lambda r: r[0].total)[1]
        console.rule(f"{kind}: {slowest.query.plate} ({slowest.query.terms()['start']} …)")
        with db.engine.connect() as conn:
            for statement, parameters in _statements(db, actor, slowest):
                plan = conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                ).all()
                # Plain print: plans are wide, and rich would wrap them.
                print(statement, parameters, *(row[0] for row in plan), sep="\n")


def _statements(db: Database, actor: Actor, plan: Planned) -> list[tuple[str, Any]]:
    """The statements over reads that one search sends, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if "FROM reads" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with _stopwatch() as watch:
            _run(db, actor, plan, watch, seqscan=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return statements


# --- main ----------------------------------------------------------------------------------------


def main(
    reads_count: Annotated[int, typer.Option("--reads", help="Reads generated.")] = 1_000_000,
    queries: Annotated[int, typer.Option(help="Searches timed per kind.")] = 100,
    seqscan: Annotated[int, typer.Option(help="Searches per kind run again without indexes.")] = 5,
    camera_count: Annotated[int, typer.Option("--cameras", help="Cameras registered.")] = 300,
    explain: Annotated[bool, typer.Option(help="EXPLAIN each kind's slowest search.")] = False,
    keep: Annotated[
        bool, typer.Option(help=f"Leave the database {DATABASE} for a look (psql).")
    ] = False,
    pg_url: Annotated[str, typer.Option(help="PostgreSQL URL.")] = DEFAULT_PG_URL,
) -> None:
    with _database(pg_url, keep=keep) as (db, conninfo):
        generated = _generate(db, conninfo, reads_count, camera_count)
        actor = _investigator(db)
        planned = _plan(db, queries, db.clock.now())
        load_before = os.getloadavg()[0]
        timed = _measure(db, actor, planned, seqscan)
        load_after = os.getloadavg()[0]
        if explain:
            _explain(db, actor, timed, planned)
    console.print(_kind_table(timed))
    figures = {
        "bench": "search",
        "reads": reads_count,
        "cameras": generated.cameras,
        "vehicles": generated.vehicles,
        "generation_s": round(generated.total_s, 1),
        "generation_s_per_million": round(generated.total_s / (reads_count / 1e6), 1),
        "generation_phases_s": {k: round(v, 1) for k, v in generated.seconds.items()},
        "queries_per_kind": queries,
        **_figures(timed, planned, seqscan),
        # The machine's 1-minute load average as the searches began and ended: on a shared
        # machine, compare runs only under similar load.
        "load_average": [round(load_before, 1), round(load_after, 1)],
        "targets_p95_ms": TARGETS_MS,
    }
    print(json.dumps(figures))


def _generate(db: Database, conninfo: str, count: int, camera_count: int) -> bigcity.Generated:
    with _progress() as progress:
        tasks: dict[str, Any] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(f"generating: {phase}", total=total)
            progress.update(tasks[phase], completed=done)

        generated = bigcity.generate(db, conninfo, count, camera_count, datetime.now(UTC), report)
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in generated.seconds.items())
    console.print(
        f"Generated {count:,} reads ({generated.vehicles:,} vehicles, {generated.cameras} cameras) "
        f"in {generated.total_s:.1f} s: {phases}"
    )
    return generated


if __name__ == "__main__":
    typer.run(main)
