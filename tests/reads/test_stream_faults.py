"""Fault tests (issue 21): a three-node NATS cluster started here, `plateward worker` processes,
PostgreSQL behind a proxy the test can cut. Every read is stored exactly once whatever fails.

Bounded: each wait is on a condition with a deadline (stream_support.DEADLINE); every process
started here is killed by the fixture or test that started it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from sqlalchemy.engine import make_url

from plateward.core import broker
from plateward.core.database import Database
from plateward.core.errors import ServiceUnavailable
from plateward.core.settings import Settings
from plateward.reads.publish import ReadPublisher, publish_rows
from plateward.reads.rules import RawRow
from tests.reads.conftest import StreamDatabase
from tests.reads.stream_support import (
    NatsCluster,
    TcpProxy,
    WorkerProcess,
    chunks,
    reads_now,
    wait_for,
    worker_env,
)
from tests.reads.test_stream_worker import SENDER

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsCluster]:
    nodes = NatsCluster(tmp_path_factory.mktemp("nats-cluster"), size=3)
    try:
        yield nodes.start()
    finally:
        nodes.close()


@pytest.fixture
def settings(stream_database: StreamDatabase, cluster: NatsCluster) -> Settings:
    chosen = stream_database.settings(
        nats_url=cluster.url,
        nats_namespace=f"f{uuid.uuid4().hex[:10]}",
        nats_replicas=3,
        worker_ack_wait_seconds=3,
        nats_publish_timeout_seconds=20,
    )
    asyncio.run(broker.setup(chosen))
    return chosen


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.kill()


def start_worker(
    started: list[WorkerProcess], settings: Settings, tmp_path: Path, database_url: str
) -> WorkerProcess:
    env = worker_env(
        database_url,
        settings.nats_url or "",
        tmp_path,
        PLATEWARD_NATS_NAMESPACE=settings.nats_namespace,
        PLATEWARD_WORKER_ACK_WAIT_SECONDS=str(settings.worker_ack_wait_seconds),
    )
    worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log").start()
    started.append(worker)
    return worker


def publish_all(db: Database, reads: list[dict[str, object]], size: int = 250) -> None:
    """Publish as a sender does: a batch refused with 503 is sent again until it is taken."""

    async def send() -> None:
        publisher = ReadPublisher(db.settings)
        try:
            for batch in chunks(reads, size):
                rows = [RawRow.of(str(i), r) for i, r in enumerate(batch)]
                for _attempt in range(10):
                    try:
                        await publish_rows(db, publisher, SENDER, rows, "test")
                        break
                    except ServiceUnavailable:
                        await asyncio.sleep(0.5)
                else:
                    raise AssertionError("the cluster never took a batch")
        finally:
            await publisher.close()

    asyncio.run(send())


def stored(stream_database: StreamDatabase, prefix: str) -> tuple[int, int]:
    """(rows, distinct source ids) of this test's reads."""
    with stream_database.engine.connect() as conn:
        from sqlalchemy import text

        row = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT source_read_id) FROM reads "
                "WHERE source_read_id LIKE :p"
            ),
            {"p": f"{prefix}%"},
        ).one()
    return int(row[0]), int(row[1])


def consumer(settings: Settings) -> tuple[int, int, int]:
    """(pending, ack pending, redelivered) of the workers' consumer."""

    async def look() -> tuple[int, int, int]:
        nc = await nats.connect(settings.nats_url.split(",") if settings.nats_url else [])
        try:
            names = broker.subjects(settings)
            info = await nc.jetstream().consumer_info(names.reads_stream, broker.READS_CONSUMER)
            return info.num_pending or 0, info.num_ack_pending or 0, info.num_redelivered or 0
        finally:
            await nc.close()

    return asyncio.run(look())


DRAIN = 120.0  # a backlog drained by one worker on a loaded two-core machine, after a fault


def drained(stream_database: StreamDatabase, settings: Settings, prefix: str, n: int) -> bool:
    return stored(stream_database, prefix)[0] == n and consumer(settings)[:2] == (0, 0)


def wait_drained(stream_database: StreamDatabase, settings: Settings, prefix: str, n: int) -> None:
    try:
        wait_for(lambda: drained(stream_database, settings, prefix, n), "the backlog", DRAIN)
    except AssertionError as exc:
        state = f"stored {stored(stream_database, prefix)}, consumer {consumer(settings)}"
        raise AssertionError(f"{exc} of {n} reads to drain: {state}") from None


def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(
    stream_database: StreamDatabase,
    settings: Settings,
    workers: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    prefix = f"kill-{uuid.uuid4().hex[:6]}-"
    n = 3000
    db = Database.from_settings(settings)
    try:
        publish_all(db, reads_now(n, prefix=prefix), size=1000)
    finally:
        db.dispose()
    first = start_worker(workers, settings, tmp_path, stream_database.url)
    wait_for(lambda: stored(stream_database, prefix)[0] > 0, "the first worker to store a batch")
    first.kill()  # SIGKILL: whatever batch it held is neither acknowledged nor finished
    assert stored(stream_database, prefix)[0] < n, "the worker finished before it was killed"
    start_worker(workers, settings, tmp_path, stream_database.url)
    wait_drained(stream_database, settings, prefix, n)
    assert stored(stream_database, prefix) == (n, n)


def test_one_nats_server_lost_during_ingest_loses_nothing(
    stream_database: StreamDatabase,
    settings: Settings,
    cluster: NatsCluster,
    workers: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    prefix = f"node-{uuid.uuid4().hex[:6]}-"
    n = 2000
    reads = reads_now(n, prefix=prefix)
    start_worker(workers, settings, tmp_path, stream_database.url)
    db = Database.from_settings(settings)
    lost = cluster.nodes[0]
    try:
        publish_all(db, reads[: n // 2])
        cluster.stop_node(lost)  # while the worker is still storing the first half
        publish_all(db, reads[n // 2 :])
        wait_drained(stream_database, settings, prefix, n)
    finally:
        db.dispose()
        if lost.process is None:
            cluster.start_node(lost)
    assert stored(stream_database, prefix) == (n, n)


def test_the_backlog_drains_once_postgresql_is_back(
    stream_database: StreamDatabase,
    settings: Settings,
    workers: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    url = make_url(stream_database.url)
    proxy = TcpProxy(url.port or 5432).start()
    behind_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    prefix = f"pgdown-{uuid.uuid4().hex[:6]}-"
    n = 1200
    reads = reads_now(n, prefix=prefix)
    db = Database.from_settings(settings)
    try:
        start_worker(workers, settings, tmp_path, behind_proxy)
        publish_all(db, reads[:200])
        wait_for(lambda: stored(stream_database, prefix)[0] == 200, "the first reads to be stored")
        proxy.cut()  # PostgreSQL is now unreachable for the worker (and only for it)
        publish_all(db, reads[200:])
        wait_for(lambda: consumer(settings)[2] > 0, "the worker to hand reads back")
        assert stored(stream_database, prefix)[0] < n
        proxy.restore()
        wait_drained(stream_database, settings, prefix, n)
    finally:
        db.dispose()
        proxy.cut()
    assert stored(stream_database, prefix) == (n, n)


def test_sigterm_finishes_the_batch_in_hand_and_exits(
    stream_database: StreamDatabase,
    settings: Settings,
    workers: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    prefix = f"term-{uuid.uuid4().hex[:6]}-"
    n = 1000
    db = Database.from_settings(settings)
    try:
        publish_all(db, reads_now(n, prefix=prefix), size=1000)
    finally:
        db.dispose()
    worker = start_worker(workers, settings, tmp_path, stream_database.url)
    wait_for(lambda: stored(stream_database, prefix)[0] > 0, "the worker to store a batch")
    assert worker.terminate() == 0
    # Whatever it had taken is stored and acknowledged, or handed back: nothing waits on it.
    wait_for(lambda: consumer(settings)[1] == 0, "no read to be left in the stopped worker's hands")
    start_worker(workers, settings, tmp_path, stream_database.url)
    wait_drained(stream_database, settings, prefix, n)
    assert stored(stream_database, prefix) == (n, n)
