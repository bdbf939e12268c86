"""Running a ``SearchQuery`` against the reads, always from the read gate (reads/visibility.py).

The gate already limits the query to what this actor may see now (retention, camera scope,
holds); this module adds the search's own conditions. What SQL can decide exactly (exact plate,
LIKE patterns, state, cameras, vehicle, time) it decides; what it can only narrow (fuzzy plates,
a circle or a polygon) is narrowed in SQL with index-friendly conditions and then checked here
with the pure rules of ``search/rules.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, text

from plateward.core.database import UnitOfWork
from plateward.plates.rules import skeleton
from plateward.reads.models import Read
from plateward.reads.visibility import ReadGate
from plateward.search.rules import (
    PlateMatch,
    PlatePattern,
    SearchQuery,
    one_edit_or_confusable,
    plate_variants,
)

# From this length on, a plate's one-edit neighbours all keep a trigram similarity of at least
# 0.33 (a middle substitution in five characters leaves 3 of 9 trigrams shared).
_TRIGRAM_REACH = 5


@dataclass(frozen=True)
class ReadHit:
    """One result row: what a search shows of a read."""

    id: str
    captured_at: datetime
    plate: str
    plate_state: str | None
    camera_code: str
    camera_name: str | None
    latitude: float | None
    longitude: float | None
    make: str | None
    model: str | None
    color: str | None
    vehicle_type: str | None
    confidence: float | None
    has_image: bool


@dataclass(frozen=True)
class Matches:
    """The keys of the matching reads, newest first (captured_at DESC, id), up to the cap."""

    keys: list[tuple[uuid.UUID, datetime]]
    capped: bool


@dataclass(frozen=True)
class Plan:
    """A query made ready to run: the camera ids its codes name, and the fold states."""

    query: SearchQuery
    camera_ids: tuple[int, ...]
    fold_states: frozenset[str]
    dialect: str

    @property
    def checked_in_python(self) -> bool:
        return self.query.fuzzy or self.query.area is not None

    def conditions(self) -> list[ColumnElement[bool]]:
        q = self.query
        conditions: list[ColumnElement[bool]] = [
            Read.captured_at >= q.start,
            Read.captured_at <= q.end,
        ]
        plate = self._plate_condition()
        if plate is not None:
            conditions.append(plate)
        if q.plate_state is not None:
            conditions.append(Read.plate_state == q.plate_state)
        if q.cameras:
            conditions.append(Read.camera_id.in_(self.camera_ids))
        columns = {
            "make": Read.vehicle_make,
            "model": Read.vehicle_model,
            "color": Read.vehicle_color,
            "vehicle_type": Read.vehicle_type,
        }
        conditions += [func.lower(columns[k]) == v.lower() for k, v in q.vehicle.items()]
        if q.area is not None:
            min_lat, min_lon, max_lat, max_lon = q.area.bounds()
            conditions += [
                Read.latitude.between(min_lat, max_lat),
                Read.longitude.between(min_lon, max_lon),
            ]
        return conditions

    def _plate_condition(self) -> ColumnElement[bool] | None:
        pattern = self.query.pattern
        if pattern is None:
            return None
        variants = plate_variants(pattern, self.query.plate_state, self.fold_states)
        match = self.query.plate_match
        if match is PlateMatch.EXACT:
            return Read.plate.in_(variants)
        if match is PlateMatch.FUZZY:
            return self._fuzzy_prefilter(pattern.text)
        return or_(*(Read.plate.like(PlatePattern(v).like(), escape="\\") for v in variants))

    def _fuzzy_prefilter(self, plate: str) -> ColumnElement[bool]:
        same_skeleton = Read.plate_skeleton == skeleton(plate)
        near_length = func.length(Read.plate).between(len(plate) - 1, len(plate) + 1)
        if self.dialect == "postgresql" and len(plate) >= _TRIGRAM_REACH:
            # Both arms use an index: ix_reads_plate_skeleton, and the trigram index
            # ix_reads_plate_trgm for "%" (similarity above pg_trgm's threshold, 0.3 by
            # default), which every one-edit neighbour of a plate of five or more reaches.
            return or_(same_skeleton, Read.plate.op("%")(plate))
        # SQLite has neither, and a shorter plate's neighbours may share too few trigrams:
        # narrow by length within the window, then check each candidate in Python.
        return or_(same_skeleton, near_length)

    def accepts(self, plate: str, latitude: float | None, longitude: float | None) -> bool:
        """The exact test of what the SQL conditions only narrowed."""
        q = self.query
        if q.fuzzy and q.plate is not None and not one_edit_or_confusable(plate, q.plate):
            return False
        return q.area is None or q.area.contains(latitude, longitude)


def _keys_query(gate: ReadGate, plan: Plan) -> Select[Any]:
    columns: list[Any] = [Read.id, Read.captured_at]
    if plan.checked_in_python:
        columns += [Read.plate, Read.latitude, Read.longitude]
    return (
        gate.read_columns(*columns)
        .where(*plan.conditions())
        .order_by(Read.captured_at.desc(), Read.id)
    )


# PostgreSQL: plan each search's statements for its own values, without JIT. A statement the
# driver has prepared (psycopg prepares one sent five times on a connection) may switch to a
# generic plan that can neither prune the window's day partitions nor use the pattern's trigrams
# (bench/search.py at 30M reads: partial 2.0 s generic against 0.44 s planned for its values), and
# JIT compilation of large candidate sets costs more than running them. SET LOCAL: this
# transaction only.
_PER_SEARCH_PLANS = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('jit', 'off', true)"
)


def _plan_per_search(uow: UnitOfWork) -> None:
    if uow.dialect == "postgresql":
        uow.session.execute(_PER_SEARCH_PLANS)


def matching(uow: UnitOfWork, gate: ReadGate, plan: Plan, cap: int) -> Matches:
    """The keys of every read matching ``plan`` that the gate lets through, up to ``cap``."""
    _plan_per_search(uow)
    query = _keys_query(gate, plan)
    if not plan.checked_in_python:
        rows = uow.session.execute(query.limit(cap + 1)).all()
        keys = [(row[0], row[1]) for row in rows]
        return Matches(keys[:cap], len(keys) > cap)
    return _checked(uow, query, plan, cap)


def _checked(uow: UnitOfWork, query: Select[Any], plan: Plan, cap: int) -> Matches:
    """Candidates read in chunks of the result order (keyset: after the last one seen), each
    checked in Python, until more than ``cap`` match or none are left. Plain queries, not a
    server-side cursor: PostgreSQL plans a cursor for its first rows, which is slower here."""
    keys: list[tuple[uuid.UUID, datetime]] = []
    chunk, after = cap + 1, None
    while True:
        page = query if after is None else query.where(_after(*after))
        rows = uow.session.execute(page.limit(chunk)).all()
        for read_id, captured_at, plate, latitude, longitude in rows:
            if plan.accepts(plate, latitude, longitude):
                keys.append((read_id, captured_at))
        if len(keys) > cap or len(rows) < chunk:
            return Matches(keys[:cap], len(keys) > cap)
        after = (rows[-1][1], rows[-1][0])


def _after(captured_at: datetime, read_id: uuid.UUID) -> ColumnElement[bool]:
    """Rows after (captured_at, id) in the order captured_at DESC, id ASC."""
    return or_(
        Read.captured_at < captured_at,
        and_(Read.captured_at == captured_at, Read.id > read_id),
    )


_HIT_COLUMNS = (
    Read.id,
    Read.captured_at,
    Read.plate,
    Read.plate_state,
    Read.camera_id,
    Read.latitude,
    Read.longitude,
    Read.vehicle_make,
    Read.vehicle_model,
    Read.vehicle_color,
    Read.vehicle_type,
    Read.confidence,
    Read.image_ref,
)


def hits(
    uow: UnitOfWork,
    gate: ReadGate,
    keys: Sequence[tuple[uuid.UUID, datetime]],
    cameras: dict[int, tuple[str, str]],
) -> list[ReadHit]:
    """The result rows for ``keys`` (one page), through the gate again, in the keys' order."""
    if not keys:
        return []
    times = [k[1] for k in keys]
    query = gate.read_columns(*_HIT_COLUMNS).where(
        Read.id.in_([k[0] for k in keys]),
        Read.captured_at >= min(times),
        Read.captured_at <= max(times),
    )
    found = {row.id: hit_of(row, cameras) for row in uow.session.execute(query)}
    return [found[k[0]] for k in keys if k[0] in found]


def hit_of(row: Any, cameras: dict[int, tuple[str, str]]) -> ReadHit:
    """The result row for a read (a ``Read``, or a row of its columns: the names are the same)."""
    code, name = cameras.get(row.camera_id, ("?", None))
    return ReadHit(
        id=str(row.id),
        captured_at=row.captured_at,
        plate=row.plate,
        plate_state=row.plate_state,
        camera_code=code,
        camera_name=name or None,
        latitude=row.latitude,
        longitude=row.longitude,
        make=row.vehicle_make,
        model=row.vehicle_model,
        color=row.vehicle_color,
        vehicle_type=row.vehicle_type,
        confidence=row.confidence,
        has_image=bool(row.image_ref),
    )


def one_read(uow: UnitOfWork, gate: ReadGate, plan: Plan, read_id: uuid.UUID) -> Read | None:
    """The read ``read_id`` if it is one of ``plan``'s matches that the gate lets through."""
    _plan_per_search(uow)
    query = gate.reads().where(Read.id == read_id, *plan.conditions()).limit(1)
    read = uow.session.scalars(query).first()
    if read is None or not plan.accepts(read.plate, read.latitude, read.longitude):
        return None
    return read


def reads_of(
    uow: UnitOfWork, gate: ReadGate, keys: Iterable[tuple[uuid.UUID, datetime]]
) -> list[Read]:
    """Whole reads for ``keys`` (an export), through the gate, in the keys' order."""
    wanted = list(keys)
    if not wanted:
        return []
    _plan_per_search(uow)
    times = [k[1] for k in wanted]
    rows: dict[uuid.UUID, Read] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        query = gate.reads().where(
            Read.id.in_([k[0] for k in chunk]),
            Read.captured_at >= min(times),
            Read.captured_at <= max(times),
        )
        rows.update((r.id, r) for r in uow.session.scalars(query))
    return [rows[k[0]] for k in wanted if k[0] in rows]
