"""Timing searches through ``search.service.search_reads``, whole and in parts.

The parts are timed by wrapping, for the length of a run, the module functions a search calls:
the query (``matching.matching``, ``matching.hits``), the audit (``audit.record``, and
``audit._write_buffer``, which sends the buffered entries before the next query or at the commit)
and the guard (``guard.check_purpose``, ``assess_justification`` as the service imported it).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import searches
from rich.progress import Progress
from sqlalchemy import text

from plateward import guard
from plateward.core import audit
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.search import matching
from plateward.search import service as search

SEQSCAN = (
    ("enable_indexscan", "off"),
    ("enable_bitmapscan", "off"),
    ("enable_indexonlyscan", "off"),
)

# --- timing --------------------------------------------------------------------------------------


@dataclass
class Timed:
    """One search: its whole time and the parts spent in the query, the audit and the guard."""

    plan: searches.Planned
    total: float
    parts: dict[str, float]
    results: int

    @property
    def kind(self) -> str:
        return self.plan.kind


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
    # Patched where it is looked up: the service imports it by name.
    ("guard", search, "assess_justification"),
)


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    originals = [(module, name, getattr(module, name)) for _, module, name in _TIMED]
    for (part, module, name), (_, _, original) in zip(_TIMED, originals, strict=True):
        setattr(module, name, watch.wrap(part, original))
    try:
        yield watch
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


@dataclass(frozen=True)
class Bench:
    """Who searches where, and the settings every search's transaction starts with."""

    db: Database
    actor: Actor
    settings: tuple[tuple[str, str], ...] = ()


def run(bench: Bench, plan: searches.Planned, watch: Stopwatch, *, seqscan: bool) -> Timed:
    watch.parts.clear()
    started = time.perf_counter()
    with bench.db.unit_of_work() as uow:
        for name, value in (SEQSCAN if seqscan else ()) + bench.settings:
            # set_config(..., true) is SET LOCAL: it ends with the search's transaction.
            uow.session.execute(
                text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value}
            )
        results = search.search_reads(uow, bench.actor, plan.purpose, plan.query)
    total = time.perf_counter() - started
    if not isinstance(results, search.SearchResults):
        raise RuntimeError(f"the guard sent a bench purpose to review: {results.message}")
    return Timed(plan, total, dict(watch.parts), results.total)


@dataclass(frozen=True)
class Pair:
    """One query run two ways, in the order A B B A (a drift of the load cancels out)."""

    kind: str
    a: tuple[Timed, Timed]
    b: tuple[Timed, Timed]

    def ratio(self, part: str | None = None) -> float:
        """A's time over B's: of the whole search, or of one part of it."""

        def seconds(t: Timed) -> float:
            return t.total if part is None else t.parts.get(part, 0.0)

        a = sum(seconds(t) for t in self.a)
        b = sum(seconds(t) for t in self.b)
        return a / b if b else float("nan")


@dataclass
class Measured:
    timed: list[Timed] = field(default_factory=list)  # every search as the code is
    seqscan: list[Pair] = field(default_factory=list)  # A: with indexes, B: without
    versus: list[Pair] = field(default_factory=list)  # A: as the code is, B: other settings


def measure(
    bench: Bench,
    planned: list[searches.Planned],
    seqscan_each: int,
    progress: Progress,
    versus: Bench | None = None,
) -> Measured:
    """Every planned search (twice, paired with ``versus`` when given), then ``seqscan_each``
    of each kind with their indexes and without."""
    out = Measured()
    again = baseline(planned, seqscan_each)
    with stopwatch() as watch:
        for plan in planned[:20]:  # warm the guard's model, plans and caches
            run(bench, plan, watch, seqscan=False)
            if versus is not None:
                run(versus, plan, watch, seqscan=False)
        task = progress.add_task("searches", total=len(planned))
        for plan in planned:
            if versus is None:
                out.timed.append(run(bench, plan, watch, seqscan=False))
            else:
                pair = _abba(plan, watch, (bench, False), (versus, False))
                out.versus.append(pair)
                out.timed += pair.a
            progress.advance(task)
        task = progress.add_task("with and without indexes", total=len(again))
        for plan in again:
            out.seqscan.append(_abba(plan, watch, (bench, False), (bench, True)))
            progress.advance(task)
    return out


def _abba(
    plan: searches.Planned, watch: Stopwatch, a: tuple[Bench, bool], b: tuple[Bench, bool]
) -> Pair:
    first = run(a[0], plan, watch, seqscan=a[1])
    second = (run(b[0], plan, watch, seqscan=b[1]), run(b[0], plan, watch, seqscan=b[1]))
    return Pair(plan.kind, (first, run(a[0], plan, watch, seqscan=a[1])), second)


def baseline(planned: list[searches.Planned], each: int) -> list[searches.Planned]:
    """The first ``each`` planned searches of every kind, to run again without indexes."""
    chosen: list[searches.Planned] = []
    for kind in searches.KINDS:
        chosen += [p for p in planned if p.kind == kind][:each]
    return chosen
