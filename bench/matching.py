"""Hot-list matching benchmark: the in-memory matcher, ingest with matching on and off, and the
end-to-end latency of a live alert.

    .venv/bin/python bench/matching.py [--entries 1000000] [--db-entries 100000]
        [--latency-seconds 10]

1. **Matching.** An index of ``--entries`` alerting entries (random California-style plates) and
   300,000 read plates (1% listed, 1% one confusable character away, the rest unlisted), matched
   on one core with ``matcher.Index.match`` (exact and confusable), against a plain ``dict.get``
   of the same plates in the same run: ``match_reads_per_s`` and ``dict_ratio``.
2. **Ingest.** A fresh SQLite database (the embedded default) with ``--db-entries`` approved
   entries; batches of 1,000 demo reads (0.1% of them listed) through ``reads.ingest``, in pairs:
   one batch with the matcher on the ingest hook, one without, in random order. The median of
   the pairs' ratios is ``ingest_ratio_with_matching`` (two batches in a row meet the same load
   on a shared machine; rounds far apart do not).
3. **Live alert latency.** ``plateward serve``'s app in a process of its own (uvicorn on a
   loopback port) over that database, an officer signed in with the Alerts stream open, and
   cameras posting 2,000 reads/s over HTTP: a batch of 200 every 100 ms, one listed plate in
   each, each batch sent on time whether or not the previous one was answered (so the server
   meets the full rate, and queues when it cannot keep up). After ``2 s`` of warm-up (not
   counted), ``--latency-seconds`` of traffic are timed: from starting each POST to its alert's
   event arriving on the stream. ``alert_latency_p99_ms`` is the nearest-rank p99 (the 99th of
   100), with ``alert_latency_p50_ms`` and ``camera_reads_per_s`` (the rate really sent).

With ``BENCH_PROFILE_DIR`` set, each server process runs under cProfile and leaves its
profile there (where the time goes; the figures are then not comparable).

The last line printed is one JSON object; nothing here asserts on timings.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import re
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx2
import pyotp
import typer
from sqlalchemy import insert, update

from plateward.accounts import service as accounts
from plateward.accounts import tokens
from plateward.core.database import Database
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor
from plateward.core.settings import Settings
from plateward.demo import city
from plateward.demo.build import _register_places
from plateward.hotlists import rules
from plateward.hotlists.matcher import Index, Matcher
from plateward.hotlists.models import HotListEntry, HotListState
from plateward.hotlists.service import IndexedEntry
from plateward.plates.rules import normalize_plate
from plateward.reads import service as reads
from plateward.reads.outbox import ReadFacts
from plateward.reads.rules import RawRow

TARGETS = {"match_reads_per_s": 200_000, "ingest_ratio_with_matching": 0.9}
LATENCY_TARGET_MS = 250
LETTERS = string.ascii_uppercase
CONFUSABLE = {m: group for group in rules.CONFUSABLE_CLASSES for m in group}


def _plates(count: int, rng: random.Random) -> list[str]:
    """Unique plates shaped like California's (digit, three letters, three digits)."""
    seen: set[str] = set()
    while len(seen) < count:
        seen.add(
            f"{rng.randint(1, 9)}{''.join(rng.choices(LETTERS, k=3))}{rng.randint(0, 999):03d}"
        )
    return list(seen)


def _confusable(plate: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(plate) if c in CONFUSABLE]
    if not spots:
        return plate
    i = rng.choice(spots)
    other = rng.choice([c for c in CONFUSABLE[plate[i]] if c != plate[i]])
    return plate[:i] + other + plate[i + 1 :]


def bench_matching(entries: int) -> dict[str, float]:
    rng = random.Random(14)
    listed = _plates(entries, rng)
    far = date(2100, 1, 1)
    started = time.perf_counter()
    index = Index()
    index.load(IndexedEntry(i, plate, "CA", 2, far, True) for i, plate in enumerate(listed))
    built = time.perf_counter() - started
    plain = {plate: i for i, plate in enumerate(listed)}
    unlisted = [p for p in _plates(300_000, random.Random(15)) if p not in plain]
    hot = rng.sample(listed, 3000)
    sample = unlisted[:294_000] + hot + [_confusable(p, rng) for p in hot]
    rng.shuffle(sample)
    today = date(2026, 11, 28)
    taken = datetime(2026, 11, 28, 12, tzinfo=UTC)
    facts = [ReadFacts(uuid.uuid4(), taken, 1, plate, "CA") for plate in sample]

    def with_index() -> int:
        return len(index.find(facts, today))  # what the matcher runs on each stored batch

    def with_dict() -> int:
        get = plain.get
        return sum(1 for read in facts if get(read.plate) is not None)

    match_s, dict_s = [], []
    for _ in range(3):  # interleaved: the machine's load swings hit both alike
        match_s.append(_timed(with_index))
        dict_s.append(_timed(with_dict))
    hits = with_index()
    match_rate = len(sample) / min(match_s)
    dict_rate = len(sample) / min(dict_s)
    print(
        f"index of {entries:,} entries built in {built:.1f} s; {hits:,} of {len(sample):,} "
        f"reads matched; match {match_rate:,.0f} reads/s, dict {dict_rate:,.0f} reads/s"
    )
    return {"match_reads_per_s": round(match_rate), "dict_ratio": round(match_rate / dict_rate, 3)}


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# --- a database with a hot list -------------------------------------------------------------------


def _list_entries(db: Database, count: int) -> list[str]:
    """``count`` approved entries on the department's list, inserted at once; their plates."""
    # Stored as normalized, like every entry (California folds O/I onto 0/1).
    listed = [normalize_plate(p, "CA") for p in _plates(count, random.Random(16))]
    now = datetime.now(UTC)
    rows = [
        {
            "list_name": "department",
            "plate": plate,
            "plate_state": "CA",
            "vehicle_description": "bench vehicle",
            "reason": "stolen_vehicle",
            "crime_type": "10851 VC",
            "case_numbers": ["26-000001"],
            "synopsis": "Benchmark entry, approved at set-up.",
            "priority": 2,
            "expires_on": now.date() + timedelta(days=30),
            "status": "active",
            "created_at": now,
            "created_by_name": "bench",
            "guard_decision": "allow",
            "change_seq": 1,
        }
        for plate in listed
    ]
    with db.unit_of_work() as uow:
        uow.session.execute(insert(HotListEntry), rows)
        uow.session.execute(update(HotListState).values(version=1))
        uow.commit()
    return listed


def _database(folder: Path, db_entries: int) -> tuple[Database, list[str]]:
    settings = Settings(
        data_dir=folder, database_url=f"sqlite:///{folder / 'bench.db'}", secret_key="b" * 32
    )
    db = Database.from_settings(settings)
    upgrade(db.engine)
    _register_places(db, Actor.system("bench"))
    listed = _list_entries(db, db_entries)
    return db, listed


def _batches(listed: list[str], count: int, size: int, rng: random.Random) -> list[list[RawRow]]:
    generated = list(city.generate_reads(count * size, end=datetime.now(UTC), days=2, seed=21))
    for row in rng.sample(generated, len(generated) // 1000):  # 0.1% of the reads are listed
        row["plate"], row["plate_state"] = rng.choice(listed), "CA"
    return [
        [RawRow.of(str(i), r) for i, r in enumerate(generated[b * size : (b + 1) * size])]
        for b in range(count)
    ]


def bench_ingest(db: Database, listed: list[str], pairs: int = 30) -> float:
    """Ingest throughput with matching over without: batches of 1,000 in pairs, one with the
    matcher on the hook and one without, in random order; the median of the pairs' ratios (two
    batches in a row meet the same load on a shared machine, rounds far apart do not)."""
    size = 1000
    batches = _batches(listed, 2 * pairs + 2, size, random.Random(17))
    matcher = Matcher()
    with db.unit_of_work() as uow:
        matcher.refresh(uow)  # loaded at start-up, as a server does
    operator = Actor.system("bench")
    order = random.Random(19)

    def timed_batch(batch: list[RawRow], matching: bool) -> float:
        remove = reads.on_reads_stored(matcher.on_reads_stored) if matching else None
        try:
            started = time.perf_counter()
            with db.unit_of_work() as uow:
                reads.ingest(uow, operator, batch, "bench")
            return time.perf_counter() - started
        finally:
            if remove:
                remove()

    timed_batch(batches[0], True)  # first statements compiled and cached, both ways
    timed_batch(batches[1], False)
    on, off, ratios = [], [], []
    for p in range(pairs):
        first_on = order.random() < 0.5
        a = timed_batch(batches[2 + 2 * p], first_on)
        b = timed_batch(batches[3 + 2 * p], not first_on)
        with_s, without_s = (a, b) if first_on else (b, a)
        on.append(size / with_s)
        off.append(size / without_s)
        ratios.append(without_s / with_s)
    ratio = statistics.median(ratios)
    print(
        f"ingest on SQLite: {statistics.median(on):,.0f} reads/s matching, "
        f"{statistics.median(off):,.0f} without; ratio {ratio:.3f} (median of {pairs} pairs)"
    )
    return round(ratio, 3)


# --- end-to-end: HTTP ingest to the event on a live stream ----------------------------------------

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="([^"]+)"')
_PLATE = re.compile(r'<span class="plate">([A-Z0-9]+)</span>')


def _officer_and_camera(db: Database) -> tuple[str, str]:
    operator = Actor.system("bench")
    with db.unit_of_work() as uow:
        spec = accounts.PersonSpec(
            "benchofficer",
            "Bench Officer",
            "officer",
            "Patrol",
            city.HOME_AGENCY_ORI,
            "bench password 1234",
            "9999",
        )
        person = accounts.create_person(uow, operator, spec, pre_enrolled=True)
        today = datetime.now(UTC).date()
        accounts.record_training(
            uow, operator, person.id, "bench", today - timedelta(days=1), today + timedelta(days=9)
        )
        token = tokens.issue_service_credential(
            uow, operator, "bench cameras", city.HOME_AGENCY_ORI
        )
        uow.commit()
    return person.totp_secret or "", token


def _sign_in(client: httpx2.Client, secret: str) -> None:
    page = client.get("/login")
    csrf = _CSRF.search(page.text)
    assert csrf  # noqa: S101
    form = {
        "username": "benchofficer",
        "password": "bench password 1234",
        "code": pyotp.TOTP(secret).now(),
        "csrf_token": csrf.group(1),
        "next": "/",
    }
    client.post("/login", data=form)
    page = client.get("/acknowledge")
    csrf, version = _CSRF.search(page.text), _VERSION.search(page.text)
    assert csrf and version  # noqa: S101
    client.post(
        "/acknowledge",
        data={"csrf_token": csrf.group(1), "version": version.group(1), "accept": "yes"},
    )


_SERVER = """
import json, sys
import uvicorn
from plateward.core.settings import Settings
from plateward.web.app import create_app
given = json.loads(sys.argv[1])
app = create_app(Settings(**given["settings"]))
config = uvicorn.Config(app, fd=given["fd"], log_level="warning", access_log=False)
uvicorn.Server(config).run()
"""


def _serve(settings: Settings) -> tuple[subprocess.Popen[bytes], str]:
    """``plateward serve`` in a process of its own over the bench's database, as a server runs:
    the camera and the officer's stream are other programs, not threads sharing its GIL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    given = {
        "fd": listener.fileno(),
        "settings": {
            "data_dir": str(settings.data_dir),
            "database_url": settings.database_url,
            "secret_key": settings.secret_key.get_secret_value(),
            # With a broker (bench/scale.py): the web node publishes and follows the alerts.
            **(
                {
                    "nats_url": settings.nats_url,
                    "nats_namespace": settings.nats_namespace,
                    "nats_bundle_reads": settings.nats_bundle_reads,
                }
                if settings.nats_url
                else {}
            ),
        },
    }
    command = [sys.executable, "-c", _SERVER]
    profile = os.environ.get("BENCH_PROFILE_DIR")  # where to leave a cProfile of the server
    if profile:
        script = Path(profile) / "server.py"
        script.write_text(_SERVER)
        command = [sys.executable, "-m", "cProfile", "-o", f"{profile}/server.prof", str(script)]
    server = subprocess.Popen(  # noqa: S603 — this interpreter, the bench's own script
        [*command, json.dumps(given)],
        pass_fds=(listener.fileno(),),
        cwd=Path(__file__).resolve().parent.parent,
    )
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()  # the server holds its copy
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx2.HTTPError):
            if httpx2.get(f"{url}/healthz", timeout=5).status_code == 200:
                return server, url
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("the bench server did not start")


def _listen(client: httpx2.Client, arrived: dict[str, float], ready: threading.Event) -> None:
    try:
        with client.stream("GET", "/alerts/stream?seconds=300") as response:
            ready.set()
            for line in response.iter_lines():
                if line.startswith("data:"):
                    for plate in _PLATE.findall(line)[:1]:
                        arrived.setdefault(plate, time.perf_counter())
    except httpx2.HTTPError:
        return  # the bench closed the stream once every alert had arrived


def _batch(
    n: int, plate: str, cameras: list[str], rng: random.Random, size: int = 200
) -> list[dict[str, str]]:
    """A camera network's batch: ``size - 1`` unlisted reads, then the listed plate."""
    now = datetime.now(UTC)
    rows = [
        {
            "camera": rng.choice(cameras),
            "captured_at": (now - timedelta(milliseconds=i)).isoformat(),
            "plate": f"9Z{n:04d}{i:03d}"[:8],
            "plate_state": "CA",
        }
        for i in range(size - 1)
    ]
    rows.append(
        {"camera": cameras[0], "captured_at": now.isoformat(), "plate": plate, "plate_state": "CA"}
    )
    return rows


def _nearest_rank(values: list[float], share: float) -> float:
    """The value at the nearest rank (p99 of 100 values is the 99th smallest, not the largest)."""
    if not values:
        return float("inf")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def bench_latency(
    db: Database, listed: list[str], seconds: float = 10.0, warm_up: float = 2.0
) -> dict[str, float]:
    secret, token = _officer_and_camera(db)
    server, url = _serve(db.settings)
    officer = httpx2.Client(base_url=url, timeout=30)
    camera = httpx2.Client(base_url=url, timeout=30)
    _sign_in(officer, secret)
    arrived: dict[str, float] = {}
    sent: dict[str, float] = {}
    ready = threading.Event()
    reader = threading.Thread(target=_listen, args=(officer, arrived, ready), daemon=True)
    reader.start()
    ready.wait(10)
    rng = random.Random(18)
    warm, measured = int(warm_up * 10), int(seconds * 10)
    hot = rng.sample(listed, warm + measured)  # one listed plate per batch of 200
    cameras = [c.code for c in city.CAMERAS if c.status == "active"]
    headers = {"Authorization": f"Bearer {token}"}
    interval = 0.1  # 200 reads every 0.1 s: 2,000 reads/s

    def post(plate: str, rows: list[dict[str, str]]) -> bool:
        sent[plate] = time.perf_counter()
        answer = camera.post("/api/v1/reads", json={"reads": rows}, headers=headers)
        return answer.status_code == 200

    # Cameras are many devices: a batch leaves on time whether or not the previous one has been
    # answered, so the server meets the full rate (and queues when it cannot keep up).
    with ThreadPoolExecutor(max_workers=8) as cameras_sending:
        posted = []
        started = time.perf_counter()
        for n, plate in enumerate(hot):
            if n == warm:  # warmed up (first requests, templates, the stream's first look)
                _wait_for(arrived, hot[:warm])
                started = time.perf_counter()
            rows = _batch(n, plate, cameras, rng)
            time.sleep(max(0.0, started + (n - warm) * interval - time.perf_counter()))
            posted.append(cameras_sending.submit(post, plate, rows))
        sent_in = time.perf_counter() - started + interval
        failed = sum(not f.result() for f in posted)
    _wait_for(arrived, hot)
    officer.close()
    reader.join(timeout=5)
    camera.close()
    server.terminate()
    server.wait(timeout=60)
    timed = {p: sent[p] for p in hot[warm:]}
    latencies = [(arrived[p] - t) * 1000 for p, t in timed.items() if p in arrived]
    missing = len(timed) - len(latencies)
    rate = measured * 200 / sent_in
    p50, p99 = _nearest_rank(latencies, 0.5), _nearest_rank(latencies, 0.99)
    order = list(timed)
    slowest = sorted(
        ((arrived[p] - t) * 1000, order.index(p)) for p, t in timed.items() if p in arrived
    )[-3:]
    print(f"camera: {rate:,.0f} reads/s sent, {failed} batch(es) refused")
    print("slowest alerts: " + ", ".join(f"batch {n + 1} {ms:.0f} ms" for ms, n in slowest))
    print(
        f"live alerts: {len(latencies)} of {len(timed)} received (missing {missing}); "
        f"median {p50:.0f} ms, p99 {p99:.0f} ms at {rate:,.0f} reads/s"
    )
    return {
        "alert_latency_p99_ms": round(p99, 1) if not missing else float("inf"),
        "alert_latency_p50_ms": round(p50, 1),
        "camera_reads_per_s": round(rate),
    }


def _wait_for(arrived: dict[str, float], plates: list[str], seconds: float = 10.0) -> None:
    deadline = time.perf_counter() + seconds
    while any(p not in arrived for p in plates) and time.perf_counter() < deadline:
        time.sleep(0.02)


def main(
    entries: Annotated[int, typer.Option(help="Entries in the in-memory index.")] = 1_000_000,
    db_entries: Annotated[int, typer.Option(help="Entries in the database.")] = 100_000,
    latency_seconds: Annotated[
        float, typer.Option(help="Seconds of camera traffic timed (10 alerts a second).")
    ] = 10.0,
) -> None:
    result: dict[str, float] = bench_matching(entries)
    with tempfile.TemporaryDirectory() as folder:
        db, listed = _database(Path(folder), db_entries)
        try:
            result["ingest_ratio_with_matching"] = bench_ingest(db, listed)
            result |= bench_latency(db, listed, latency_seconds)
        finally:
            db.dispose()
    met = all(result[k] >= v for k, v in TARGETS.items())
    met = met and result["alert_latency_p99_ms"] < LATENCY_TARGET_MS
    print(f"targets met: {met}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    typer.run(main)
