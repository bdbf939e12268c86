"""A large city's month of reads, generated inside PostgreSQL, for ``bench/search.py``.

The reads go into the real schema the migrations made (day partitions of ``reads``, the real
indexes) and look like the demo city's (``plateward.demo.city``) at scale: a pool of vehicles
(``city.registered_plates``: the demo's plate formats and state mix) seen in proportion to a Zipf
law, mostly at their home camera, 3 % misread (a look-alike swapped or a character dropped), more
traffic by day than by night, and stored as ingest stores them (``plate`` normalized with O/I
folded for fold states, ``plate_skeleton`` the same mapping as ``plates.rules.skeleton``).

Why it is fast: the vehicle pool is the only thing Python makes (one row per vehicle, COPY);
each day's reads are one ``INSERT … SELECT FROM generate_series`` that the server runs alone.
The indexes of ``reads`` are dropped first and rebuilt afterwards from their own definitions
(``pg_get_indexdef``/``pg_get_constraintdef``, read back before the drop): building an index once
is several times faster than growing it row by row, and the rebuilt set is checked to be the
migrations' set, definition for definition.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

import psycopg
import reindex

from plateward.cameras import service as cameras
from plateward.cameras.service import CameraSpec
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.demo import city
from plateward.demo.build import _register_places
from plateward.plates.rules import normalize_plate, skeleton
from plateward.reads import service as reads

DAYS = 30
SEED = 7
# Day-night swing of traffic: the density of reads over a day is 1 - SWING * cos(...), lowest
# at NIGHT_UTC_HOUR (03:00 in California).
SWING = 0.7
NIGHT_UTC_HOUR = 11
# The busiest vehicle (a taxi, a delivery van on camera-dense streets) is read about this often a
# day. The demo's Zipf law gives that at a million reads a month; at tens of millions the same law
# would have one vehicle read thousands of times a day, so its offset grows to keep the head real.
TOP_READS_PER_DAY = 100
MOBILE_SPREAD = 0.04  # degrees: where a patrol car's reads fall around the city centre
FIXED_SPREAD = 0.0003  # degrees: GPS noise on a fixed camera's reads
_CITY_CENTRE = (37.3382, -121.8863)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Look-alike pairs a misread swaps (the demo's, both ways).
_SWAP_FROM = "".join(city.LOOKALIKES)
_SWAP_TO = "".join(city.LOOKALIKES.values())

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Generated:
    reads: int
    vehicles: int
    cameras: int
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    @property
    def total_s(self) -> float:
        return sum(self.seconds.values())


def generate(
    db: Database,
    conninfo: str,
    count: int,
    camera_count: int,
    end: datetime,
    progress: Progress,
    jobs: int = 2,
) -> Generated:
    """Register places, then fill ``reads`` with ``count`` reads over the DAYS days before end,
    ``jobs`` statements at a time."""
    pool = city.pool_size_for(count)
    out = Generated(count, pool, 0)
    with _phase(out, "places"):
        out.cameras = _register_cameras(db, camera_count)
        with db.unit_of_work() as uow:
            reads.prepare_partitions(uow)
            uow.commit()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        with _phase(out, "vehicles"):
            _vehicle_pool(conn, pool, out.cameras)
        with _phase(out, "drop indexes"):
            indexes = reindex.read_indexes(conn)
            reindex.drop(conn, indexes)
        with _phase(out, "insert"):
            days = _day_statements(conn, count, pool, end)
            _parallel(conninfo, jobs, days, progress, "insert")
        with _phase(out, "build indexes"):
            built = [(sql, 1) for sql in reindex.partition_statements(indexes)]
            _parallel(conninfo, jobs, built, progress, "indexes", setup=_BUILD_SETTINGS)
            for sql in reindex.attach_statements(indexes):
                conn.execute(sql)
        with _phase(out, "vacuum analyze"):
            conn.execute("DROP TABLE bench_vehicles, bench_cameras")
            conn.execute("DROP FUNCTION bench_misread")
            vacuums = [(f"VACUUM (ANALYZE) {name}", 1) for name in _partitions(conn)]
            _parallel(conninfo, jobs, vacuums, progress, "vacuum")
        reindex.check(conn, indexes)
        _check(conn, count)
    return out


# A session setting for the index builds only: sort in memory (the server's default is small).
_BUILD_SETTINGS = ("SET maintenance_work_mem = '512MB'",)

Statement = tuple[Any, int]  # (SQL text or (SQL, parameters), weight for the progress bar)


def _parallel(
    conninfo: str,
    jobs: int,
    statements: Sequence[Statement],
    progress: Progress,
    phase: str,
    *,
    setup: Sequence[str] = (),
) -> None:
    """Run ``statements`` on ``jobs`` connections of their own, each taking the next one."""
    pending = iter(statements)
    lock = threading.Lock()
    total = sum(weight for _, weight in statements)
    done = [0]
    failed = threading.Event()

    def worker() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for sql in setup:
                conn.execute(sql)
            while not failed.is_set():
                with lock:
                    item = next(pending, None)
                if item is None:
                    return
                statement, weight = item
                sql, parameters = statement if isinstance(statement, tuple) else (statement, None)
                try:
                    conn.execute(sql, parameters)
                except BaseException:
                    failed.set()
                    raise
                with lock:
                    done[0] += weight
                    progress(phase, done[0], total)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as executor:
        for future in [executor.submit(worker) for _ in range(max(1, jobs))]:
            future.result()


def _partitions(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'reads'::regclass "
        "ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows]


@contextmanager
def _phase(out: Generated, name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    out.seconds[name] = time.perf_counter() - started


# --- places --------------------------------------------------------------------------------------


def _register_cameras(db: Database, camera_count: int) -> int:
    """The demo city's agencies and cameras, and fixed cameras across it up to ``camera_count``."""
    operator = Actor.system("bench")
    _register_places(db, operator)
    rng = random.Random(f"{SEED}:cameras")
    extra = max(0, camera_count - len(city.CAMERAS))
    with db.unit_of_work() as uow:
        for n in range(1, extra + 1):
            latitude = round(rng.uniform(city.LAT_MIN, city.LAT_MAX), 5)
            longitude = round(rng.uniform(city.LON_MIN, city.LON_MAX), 5)
            spec = CameraSpec(
                code=f"BENCH-FX-{n:04d}",
                name=f"Bench camera {n}",
                kind="fixed",
                location=f"{latitude}, {longitude}, San José, CA",
                vendor=city.VENDORS[n % len(city.VENDORS)],
                agency_ori=city.HOME_AGENCY_ORI,
                latitude=latitude,
                longitude=longitude,
                heading=rng.randrange(360),
                status="active",
            )
            cameras.register_camera(uow, operator, spec)
        uow.commit()
    return len(city.CAMERAS) + extra


# --- the vehicle pool ----------------------------------------------------------------------------


def _vehicle_pool(conn: psycopg.Connection[Any], pool: int, camera_count: int) -> None:
    """bench_cameras (the active cameras, numbered) and bench_vehicles (COPY from Python)."""
    conn.execute(
        "CREATE UNLOGGED TABLE bench_cameras AS SELECT "
        "(row_number() OVER (ORDER BY id) - 1)::int AS idx, id, agency_id, "
        "coalesce(latitude, %(lat)s) AS lat, coalesce(longitude, %(lon)s) AS lon, "
        "CASE WHEN latitude IS NULL THEN %(mobile)s ELSE %(fixed)s END AS spread "
        "FROM cameras WHERE status = 'active'",
        {
            "lat": _CITY_CENTRE[0],
            "lon": _CITY_CENTRE[1],
            "mobile": MOBILE_SPREAD,
            "fixed": FIXED_SPREAD,
        },
    )
    active = conn.execute("SELECT count(*) FROM bench_cameras").fetchone()
    conn.execute("ALTER TABLE bench_cameras ADD PRIMARY KEY (idx)")
    conn.execute(
        "CREATE UNLOGGED TABLE bench_vehicles (k integer PRIMARY KEY, plate text, state text, "
        "make text, model text, color text, kind text, home integer)"
    )
    with conn.cursor() as cursor, cursor.copy("COPY bench_vehicles FROM STDIN") as copy:
        for row in _vehicles(pool, active[0] if active else camera_count):
            copy.write_row(row)
    conn.execute("ANALYZE bench_cameras, bench_vehicles")
    conn.execute(_MISREAD_FUNCTION)


def _vehicles(pool: int, cameras_active: int) -> Iterator[tuple[object, ...]]:
    """One row per vehicle: the demo's plates and vehicle mix, one home camera each."""
    rng = random.Random(f"{SEED}:vehicles")
    # The demo city's vehicle mix (private to it; this bench is its only other reader).
    models = city._MODELS
    colors = city._COLOR_SHARES
    model_cum = list(accumulate(share for *_, share in models))
    color_cum = list(accumulate(share for _, share in colors))
    for k, (plate, state) in enumerate(city.registered_plates(pool, SEED)):
        make, model, kind, _ = models[_pick(model_cum, rng)]
        color = colors[_pick(color_cum, rng)][0]
        yield (k, plate, state, make, model, color, kind, rng.randrange(cameras_active))


def _pick(cumulative: list[float], rng: random.Random) -> int:
    target = rng.random() * cumulative[-1]
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] <= target:
            low = middle + 1
        else:
            high = middle
    return low


# A misread: at a position drawn by p, the look-alike swapped (mostly) or the character dropped.
_MISREAD_FUNCTION = f"""
CREATE FUNCTION bench_misread(plate text, p double precision, k double precision)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN k < 0.7 AND strpos('{_SWAP_FROM}', substr(plate, i, 1)) > 0
    THEN overlay(plate PLACING translate(substr(plate, i, 1), '{_SWAP_FROM}', '{_SWAP_TO}')
                 FROM i FOR 1)
    ELSE overlay(plate PLACING '' FROM i FOR 1) END
  FROM (SELECT 1 + least(length(plate) - 1, floor(p * length(plate))::int) AS i) AS at
$$"""


# --- the reads -----------------------------------------------------------------------------------

# One day's reads. Innermost: row j of m gets a time (u spread over the day, then warped so
# traffic follows the day-night curve; each row keeps its own slice of the day, so times are
# distinct and (camera, captured_at, plate) stays unique) and a vehicle rank drawn from the Zipf
# law by inverting its continuous distribution function.
_DAY_SQL = """
INSERT INTO reads (id, captured_at, source_read_id, camera_id, plate_raw, plate, plate_skeleton,
    plate_state, confidence, vehicle_make, vehicle_model, vehicle_color, vehicle_type,
    latitude, longitude, image_ref, source_agency_id, received_at)
SELECT gen_random_uuid(), r.at, 'bench-' || %(day)s || '-' || r.j, c.id, r.raw, r.plate,
       translate(r.plate, %(sk_from)s, %(sk_to)s), r.state, round(r.confidence::numeric, 3),
       r.make, r.model, r.color, r.kind,
       round((c.lat + (random() - 0.5) * c.spread)::numeric, 6),
       round((c.lon + (random() - 0.5) * c.spread)::numeric, 6),
       'bench://images/' || %(day)s || '/' || r.j || '.jpg', c.agency_id,
       r.at + random() * interval '20 seconds'
FROM (
  SELECT m.*, CASE WHEN m.state = ANY(%(fold)s) THEN translate(m.raw, 'OI', '01')
                   ELSE m.raw END AS plate
  FROM (
    SELECT d.j, d.at, v.state, v.make, v.model, v.color, v.kind,
           CASE WHEN d.home_draw < %(home)s THEN v.home ELSE d.away END AS cam,
           CASE WHEN d.misread_draw < %(misread)s
                THEN bench_misread(v.plate, d.pos_draw, d.kind_draw) ELSE v.plate END AS raw,
           CASE WHEN d.misread_draw < %(misread)s THEN 0.55 + 0.25 * d.conf_draw
                ELSE 0.85 + 0.14 * d.conf_draw END AS confidence
    FROM (
      SELECT g.j,
             %(day_start)s::timestamptz + interval '1 second' * 86400 * (g.u + %(swing)s
               / (2 * pi()) * (sin(2 * pi() * (g.u - %(phi)s)) + sin(2 * pi() * %(phi)s))) AS at,
             least(%(pool)s - 1, greatest(0, floor(power(%(c0)s - random() * (%(c0)s - %(c1)s),
               %(inv)s) - %(offset)s)))::int AS k,
             floor(random() * %(cameras)s)::int AS away,
             random() AS home_draw, random() AS misread_draw, random() AS pos_draw,
             random() AS kind_draw, random() AS conf_draw
      FROM (SELECT j, (j + random()) / %(m)s AS u FROM generate_series(0, %(m)s - 1) AS j) AS g
    ) AS d JOIN bench_vehicles v ON v.k = d.k
  ) AS m
) AS r JOIN bench_cameras c ON c.idx = r.cam
"""


def _day_statements(
    conn: psycopg.Connection[Any], count: int, pool: int, end: datetime
) -> list[Statement]:
    """DAYS statements of one day each, ending at ``end``, ``count`` reads in all."""
    start = end - timedelta(days=DAYS)
    cameras_row = conn.execute("SELECT count(*) FROM bench_cameras").fetchone()
    exponent = 1 - city.ZIPF_EXPONENT
    offset = zipf_offset(count, pool)
    base = {
        "pool": pool,
        "offset": offset,
        "c0": offset**exponent,
        "c1": (pool + offset) ** exponent,
        "inv": 1 / exponent,
        "cameras": cameras_row[0] if cameras_row else 1,
        "home": city.HOME_SHARE,
        "misread": city.MISREAD_RATE,
        "swing": SWING,
        "fold": sorted(_fold_states()),
        **_skeleton_translation(),
    }
    statements: list[Statement] = []
    done = 0
    for day in range(DAYS):
        rows = count * (day + 1) // DAYS - done
        day_start = start + timedelta(days=day)
        hour = (day_start.hour + day_start.minute / 60) / 24
        phi = (NIGHT_UTC_HOUR / 24 - hour) % 1
        parameters = {**base, "day": day, "m": rows, "day_start": day_start, "phi": phi}
        statements.append(((_DAY_SQL, parameters), rows))
        done += rows
    return statements


def zipf_offset(count: int, pool: int) -> float:
    """The Zipf offset (at least the demo's) at which the busiest vehicle of ``pool`` is read
    TOP_READS_PER_DAY times a day out of ``count`` reads over DAYS days."""
    s = city.ZIPF_EXPONENT

    def top_per_day(offset: float) -> float:
        mass = (offset ** (1 - s) - (pool + offset) ** (1 - s)) / (s - 1)
        return float(offset**-s / mass * count / DAYS)

    low, high = float(city.ZIPF_OFFSET), 1e9
    if top_per_day(low) <= TOP_READS_PER_DAY:
        return low
    for _ in range(100):  # bisection: fewer top reads as the offset grows
        middle = (low * high) ** 0.5
        low, high = (middle, high) if top_per_day(middle) > TOP_READS_PER_DAY else (low, middle)
    return high


def _fold_states() -> frozenset[str]:
    from plateward.core.settings import Settings

    return Settings().plate_fold_states


def _skeleton_translation() -> dict[str, str]:
    """``translate()`` arguments that compute ``plates.rules.skeleton`` in SQL."""
    changed = [(c, skeleton(c)) for c in _ALPHABET if skeleton(c) != c]
    return {"sk_from": "".join(a for a, _ in changed), "sk_to": "".join(b for _, b in changed)}


# --- checks --------------------------------------------------------------------------------------


def _check(conn: psycopg.Connection[Any], count: int) -> None:
    """Every read is there, and plates are stored as ingest stores them."""
    stored = conn.execute("SELECT count(*) FROM reads").fetchone()
    if stored is None or stored[0] != count:
        raise RuntimeError(f"{stored} reads stored, {count} generated")
    fold = _fold_states()
    sample = conn.execute(
        "SELECT plate_raw, plate_state, plate, plate_skeleton FROM reads "
        "TABLESAMPLE SYSTEM (1) LIMIT 5000"
    ).fetchall()
    for raw, state, plate, stored_skeleton in sample:
        if normalize_plate(raw, state, fold) != plate or skeleton(plate) != stored_skeleton:
            raise RuntimeError(f"a generated read is not stored as ingest stores it: {raw!r}")
