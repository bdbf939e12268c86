"""`plateward worker`: reads from the stream stored once, matched, announced, acknowledged;
garbage and poison quarantined with their reason, never blocking the stream."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterator

import nats
import pytest
from pydantic import SecretStr
from sqlalchemy import text

from plateward.core import broker, metrics
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.core.settings import Settings
from plateward.demo.hotlists import ENTRIES, seed_hotlist
from plateward.reads.publish import ReadPublisher, publish_rows
from plateward.reads.rules import RawRow
from plateward.reads.worker import Worker
from tests.reads.conftest import StreamDatabase
from tests.reads.stream_support import DEADLINE, NatsCluster, reads_now

SENDER = Actor.system("tests:stream")


@pytest.fixture
def stream_settings(stream_database: StreamDatabase, nats_server: NatsCluster) -> Settings:
    settings = stream_database.settings(
        nats_url=nats_server.url,
        nats_namespace=f"w{uuid.uuid4().hex[:10]}",
        worker_max_deliveries=2,
        worker_ack_wait_seconds=10,
    )
    asyncio.run(broker.setup(settings))
    return settings


@pytest.fixture
def stream_db(stream_settings: Settings) -> Iterator[Database]:
    db = Database.from_settings(stream_settings)
    yield db
    db.dispose()


def publish(db: Database, reads: list[dict[str, object]], bundle_reads: int = 200) -> int:
    """Publish as a web node does, ``bundle_reads`` reads a message (1: a message per read)."""
    sender = Database.from_settings(db.settings.with_overrides(nats_bundle_reads=bundle_reads))

    async def send() -> int:
        publisher = ReadPublisher(sender.settings)
        try:
            rows = [RawRow.of(str(i), r) for i, r in enumerate(reads)]
            return (await publish_rows(sender, publisher, SENDER, rows, "test")).published
        finally:
            await publisher.close()

    try:
        return asyncio.run(send())
    finally:
        sender.dispose()


def publish_raw(
    settings: Settings, subject: str, body: bytes, headers: dict[str, str] | None = None
) -> None:
    async def send() -> None:
        nc = await nats.connect(settings.nats_url)
        try:
            await nc.jetstream().publish(subject, body, headers=headers)
        finally:
            await nc.close()

    asyncio.run(send())


def run_worker(db: Database, until: Callable[[], bool], heard: list[bytes] | None = None) -> Worker:
    """Run one worker in this process until ``until()`` holds, then stop it as SIGTERM does."""

    async def main() -> Worker:
        worker = Worker(db)
        stop = asyncio.Event()
        listener = await nats.connect(db.settings.nats_url)
        if heard is not None:

            async def keep(msg: object) -> None:
                heard.append(msg.data)  # type: ignore[attr-defined]

            await listener.subscribe(broker.subjects(db.settings).all_alerts, cb=keep)
        task = asyncio.create_task(worker.run(stop))
        deadline = time.monotonic() + DEADLINE
        try:
            while not await asyncio.to_thread(until):
                if task.done():
                    task.result()
                assert time.monotonic() < deadline, "the worker did not get there in time"
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)  # let the announcement arrive
        finally:
            stop.set()
            await asyncio.wait_for(task, DEADLINE)
            await listener.close()
        return worker

    return asyncio.run(main())


def count(stream_database: StreamDatabase, sql: str, **params: object) -> int:
    return int(stream_database.scalar(sql, **params) or 0)  # type: ignore[call-overload]


def stream_messages(settings: Settings) -> int:
    async def look() -> int:
        nc = await nats.connect(settings.nats_url)
        try:
            info = await nc.jetstream().stream_info(broker.subjects(settings).reads_stream)
            return int(info.state.messages)
        finally:
            await nc.close()

    return asyncio.run(look())


def test_a_worker_stores_each_read_once_matches_and_announces(
    stream_database: StreamDatabase, stream_db: Database, stream_settings: Settings
) -> None:
    seed_hotlist(stream_db)
    listed = ENTRIES[0][0]
    prefix = f"once-{uuid.uuid4().hex[:6]}-"
    reads = reads_now(300, prefix=prefix)
    reads[7]["plate"] = listed
    assert publish(stream_db, reads) == 300
    # A sender re-sending after the duplicate window: the stream holds the reads twice.
    again = stream_settings.with_overrides(nats_duplicate_window_seconds=1)
    agency = count(stream_database, "SELECT id FROM agencies WHERE is_home")
    subject = broker.subjects(again).read(agency, "SJ-FX-001")
    for read in reads[:5]:
        publish_raw(again, subject, json.dumps(read).encode())
    stored = "SELECT count(*) FROM reads WHERE source_read_id LIKE :p"
    heard: list[bytes] = []
    refused = metrics.SEALS_REFUSED._value.get()
    run_worker(
        stream_db,
        lambda: (
            count(stream_database, stored, p=f"{prefix}%") == 300
            and stream_messages(stream_settings) == 0
        ),
        heard,
    )
    assert count(stream_database, stored, p=f"{prefix}%") == 300
    # The web node's bundles were taken as it sealed them (not validated a second time).
    assert metrics.SEALS_REFUSED._value.get() == refused
    hits = count(
        stream_database,
        "SELECT count(*) FROM hotlist_hits h JOIN reads r ON r.id = h.read_id "
        "WHERE r.source_read_id = :rid",
        rid=f"{prefix}7",
    )
    assert hits == 1
    assert heard, "no alert was announced to the web nodes"
    newest = max(json.loads(body)["newest_hit"] for body in heard)
    assert newest == count(stream_database, "SELECT max(id) FROM hotlist_hits")


def test_an_unreadable_message_is_quarantined_at_once(
    stream_database: StreamDatabase, stream_db: Database, stream_settings: Settings
) -> None:
    agency = count(stream_database, "SELECT id FROM agencies WHERE is_home")
    subject = broker.subjects(stream_settings).read(agency, "SJ-FX-001")
    marker = uuid.uuid4().hex
    publish_raw(stream_settings, subject, f"garbage {marker}".encode())
    publish_raw(stream_settings, f"{stream_settings.nats_namespace}.reads.999999.x", b"{}")
    quarantined = "SELECT count(*) FROM quarantined_rows WHERE raw LIKE :p AND reason = :r"
    run_worker(stream_db, lambda: stream_messages(stream_settings) == 0)
    assert count(stream_database, quarantined, p=f"%{marker}%", r="not valid JSON") == 1
    strays = "SELECT count(*) FROM quarantined_rows WHERE reason LIKE '%no known agency%'"
    assert count(stream_database, strays) >= 1


@pytest.mark.parametrize("bundle_reads", [200, 1], ids=["bundled", "one-a-message"])
def test_a_poison_read_is_quarantined_after_n_deliveries_and_blocks_nothing(
    stream_database: StreamDatabase,
    stream_db: Database,
    stream_settings: Settings,
    bundle_reads: int,
) -> None:
    # A read the database refuses on its own (as a constraint a DBA adds would): a real
    # PostgreSQL error from a trigger, for one plate only.
    with stream_database.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                "IF NEW.plate = '9XXX999' THEN RAISE EXCEPTION 'refused by trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER refuse_poison AFTER INSERT ON reads "
                "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
            )
        )
    try:
        prefix = f"poison-{uuid.uuid4().hex[:6]}-"
        reads = reads_now(40, prefix=prefix)
        reads[13]["plate"] = "9XXX999"
        assert publish(stream_db, reads, bundle_reads) == 40
        stored = "SELECT count(*) FROM reads WHERE source_read_id LIKE :p"
        poisoned = (
            "SELECT count(*) FROM quarantined_rows WHERE reason LIKE 'failed 2 deliveries%' "
            "AND raw LIKE :p"
        )
        run_worker(
            stream_db,
            lambda: (
                count(stream_database, poisoned, p=f'%{prefix}13"%') == 1
                and stream_messages(stream_settings) == 0
            ),
        )
        assert count(stream_database, stored, p=f"{prefix}%") == 39
    finally:
        with stream_database.engine.begin() as conn:
            conn.execute(text("DROP TRIGGER IF EXISTS refuse_poison ON reads"))


def test_a_bundle_is_screened_read_by_read_and_a_bundle_that_is_no_array_is_quarantined(
    stream_database: StreamDatabase, stream_db: Database, stream_settings: Settings
) -> None:
    """Anyone holding the stream's credentials may publish a bundle: the worker trusts none of
    it. Each read is validated on its own (a bad one is quarantined with its position in the
    bundle, the others stored); a bundle header on anything but an array quarantines the
    message whole."""
    names = broker.subjects(stream_settings)
    agency = count(stream_database, "SELECT id FROM agencies WHERE is_home")
    prefix = f"bnd-{uuid.uuid4().hex[:6]}-"
    reads: list[object] = list(reads_now(4, prefix=prefix))
    reads[1] = {**reads[1], "camera": "NO-SUCH-CAMERA"}  # type: ignore[dict-item]
    reads.append("not a read")
    header = {broker.BUNDLE_HEADER: str(len(reads))}
    publish_raw(stream_settings, names.bundle(agency), json.dumps(reads).encode(), header)
    marker = uuid.uuid4().hex
    publish_raw(stream_settings, names.bundle(agency), json.dumps({"m": marker}).encode(), header)
    run_worker(stream_db, lambda: stream_messages(stream_settings) == 0)
    stored = "SELECT count(*) FROM reads WHERE source_read_id LIKE :p"
    assert count(stream_database, stored, p=f"{prefix}%") == 3
    rows = stream_database.rows(
        "SELECT position, reason FROM quarantined_rows WHERE raw LIKE :p OR raw LIKE :q "
        "OR raw LIKE :m ORDER BY position",
        p=f'%{prefix}1"%',
        q='%"not a read"%',
        m=f"%{marker}%",
    )
    # A read of a bundle is at "stream:<sequence>.<index>"; a message whole at "stream:<sequence>".
    reasons = {str(pos).partition(".")[2] or "whole": reason for pos, reason in rows}
    assert reasons["1"] == "unknown camera 'NO-SUCH-CAMERA'"
    assert reasons["4"] == "read must be a JSON object"
    assert reasons["whole"] == "a bundle must be a JSON array of reads"


def test_a_bundle_whose_seal_does_not_verify_is_validated_in_full_and_loses_nothing(
    stream_database: StreamDatabase, stream_db: Database, stream_settings: Settings
) -> None:
    """A web node's sealed bundle is taken as validated only by a worker that verifies its seal.
    A worker with another secret key validates every read in full (and stores them all); a
    record changed after sealing (here: its camera) is judged as the read it now says it is."""
    names = broker.subjects(stream_settings)
    agency = count(stream_database, "SELECT id FROM agencies WHERE is_home")
    key = broker.seal_key(stream_settings)
    prefix = f"seal-{uuid.uuid4().hex[:6]}-"
    assert publish(stream_db, reads_now(30, prefix=prefix)) == 30  # sealed by this web node
    # Forged: a record altered after sealing, sent with the seal of the original body.
    rows = [RawRow.of(str(i), r) for i, r in enumerate(reads_now(3, prefix=f"{prefix}forged-"))]
    body = json.dumps(
        [
            [
                uuid.uuid4().hex,
                f"{prefix}forged-{i}",
                "NO-SUCH-CAMERA",
                1,
                r.data["captured_at"],
                "7FRG001",
                "7FRG001",
                "7FRG001",
                "CA",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
            for i, r in enumerate(rows)
        ]
    ).encode()
    seal = broker.seal(key, names.bundle(agency), b"[]")
    publish_raw(
        stream_settings,
        names.bundle(agency),
        body,
        {broker.BUNDLE_HEADER: "3", broker.SEAL_HEADER: seal},
    )
    refused_before = metrics.SEALS_REFUSED._value.get()
    other = Database.from_settings(stream_settings.with_overrides(secret_key=SecretStr("d" * 32)))
    try:
        run_worker(other, lambda: stream_messages(stream_settings) == 0)
    finally:
        other.dispose()
    stored = "SELECT count(*) FROM reads WHERE source_read_id LIKE :p"
    assert count(stream_database, stored, p=f"{prefix}%") == 30
    forged = (
        "SELECT count(*) FROM quarantined_rows WHERE raw LIKE :p "
        "AND reason = 'unknown camera ''NO-SUCH-CAMERA'''"
    )
    assert count(stream_database, forged, p=f"%{prefix}forged-%") == 3
    assert metrics.SEALS_REFUSED._value.get() - refused_before >= 2


def test_headers_and_ids_anyone_may_write_stop_no_worker_and_lose_no_read(
    stream_database: StreamDatabase, stream_db: Database, stream_settings: Settings
) -> None:
    """Whoever holds the stream's credentials writes the headers: a seal in any characters, a
    bundle count that is no number, read ids beyond 64 bits. The worker reads each message for
    what it is and goes on; two reads whose huge numeric ids differ are two reads."""
    names = broker.subjects(stream_settings)
    agency = count(stream_database, "SELECT id FROM agencies WHERE is_home")
    prefix = f"odd-{uuid.uuid4().hex[:6]}-"
    reads = reads_now(4, prefix=prefix)
    publish_raw(
        stream_settings,
        names.bundle(agency),
        json.dumps(reads[:2]).encode(),
        {broker.BUNDLE_HEADER: "2", broker.SEAL_HEADER: "v1.\u00e9t\u00e9-\ufffd"},
    )
    publish_raw(
        stream_settings,
        names.bundle(agency),
        json.dumps(reads[2:]).encode(),
        {broker.BUNDLE_HEADER: "\u00b2"},  # a digit to str.isdigit, not to int()
    )
    huge = 2**70
    for n, plate in enumerate(["7HUG001", "7HUG002"]):
        read = {**reads_now(1, prefix=prefix)[0], "read_id": huge + n, "plate": plate}
        publish_raw(stream_settings, names.read(agency, "SJ-FX-001"), json.dumps(read).encode())
    run_worker(stream_db, lambda: stream_messages(stream_settings) == 0)
    stored = "SELECT count(*) FROM reads WHERE source_read_id LIKE :p"
    assert count(stream_database, stored, p=f"{prefix}%") == 4
    ids = "SELECT count(DISTINCT id) FROM reads WHERE source_read_id IN (:a, :b)"
    assert count(stream_database, ids, a=str(huge), b=str(huge + 1)) == 2
