"""``plateward worker``: reads from the JetStream stream into the database, matched, acknowledged.

Any number of workers, on any number of machines, share one durable pull consumer; JetStream
hands each batch to one of them. For each batch a worker:

1. stores the reads through the one ingest service (``store_batch``: the same validation,
   quarantine, COPY and audit entry as every other driver), per sending agency, and commits;
2. runs the after-commit hook (``after_commit``: matching stores the hits) and, when hits were
   stored, publishes on the alerts subject so every web node wakes its officers' streams;
3. acknowledges the batch's messages, only now.

A worker killed anywhere in between leaves its messages unacknowledged: JetStream delivers them
again after ``worker_ack_wait_seconds``, and storing them again stores nothing (the database is
unique on the read id), so every read is stored exactly once. A message is one read or a bundle of
many (``Plateward-Reads``; core/broker.py): each read of a bundle is screened on its own. A read
that fails on its own (the batch is retried message by message, a bundle read by read, to find it)
is delivered again with its message until ``worker_max_deliveries``, then quarantined with its
reason and the message acknowledged: it never blocks the stream. When the database is unreachable,
the whole batch is handed back with a delay and the worker backs off (doubling, up to
``MAX_BACKOFF``): the stream holds the backlog, and the workers drain it once the database answers.
SIGTERM finishes the batch in hand (or hands it back) before the worker exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
import psycopg
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from plateward.core import audit, broker, metrics
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.database import Database
from plateward.core.permissions import Actor, Permission
from plateward.core.pull import Puller, delivered
from plateward.reads import service as reads
from plateward.reads.ingest import _quarantine
from plateward.reads.rules import RAW_TEXT_LIMIT, RawRow, Rejection, vouched_rows
from plateward.reads.visibility import quarantined_positions
from plateward.sharing import service as agencies

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg

log = logging.getLogger(__name__)

WORKER = Actor.worker("stream-ingest", Permission.READS_INGEST)
CHANNEL = "stream"
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
LAG_EVERY_SECONDS = 5.0
# A fetch takes in at most this many bytes a read of its batch (a native read is about 300, a
# sealed record about 250): bundles and single reads mixed never fill a worker's hands.
BYTES_PER_READ = 512
FETCH_WAIT = 1.0  # an idle worker asks again each second; SIGTERM never waits longer


class DatabaseUnavailable(Exception):
    """The database did not answer: the batch goes back to the stream, nothing is lost."""


def _is_unavailable(exc: BaseException) -> bool:
    # COPY runs on the driver's connection: its errors arrive unwrapped by SQLAlchemy.
    if isinstance(
        exc,
        OperationalError
        | InterfaceError
        | DisconnectionError
        | psycopg.OperationalError
        | psycopg.InterfaceError,
    ):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class Delivery(NamedTuple):
    """One read of a message, decoded as far as it can be without the database (a NamedTuple:
    as immutable as a frozen dataclass, cheaper to build once per read)."""

    agency_id: int | None
    row: RawRow
    redelivered: bool = False


def decode(msg: Msg, namespace: str, seal_key: bytes) -> list[Delivery]:
    """The agency (from the subject: ``<ns>.reads.<agency>.…``) and the message's rows: one for a
    read (a JSON object), one per element for a bundle (a JSON array, ``Plateward-Reads``): of
    native reads, or, sealed by a web node (``Plateward-Seal``), of read records, vouched for
    when the seal verifies under ``seal_key``.

    Each row's position names the message's stream sequence (and, in a bundle, its index), so
    a quarantined row can be traced to the message it came in. Anyone holding the stream's
    credentials may publish: whatever a message holds, it becomes rows (an unreadable one a row
    that says so), never an exception that would stop the worker."""
    meta = delivered(msg.reply)
    position = f"stream:{meta.stream_sequence}"
    parts = msg.subject.split(".")
    agency = parts[2] if len(parts) >= 4 and parts[0] == namespace else ""
    agency_id = int(agency) if agency.isascii() and agency.isdigit() else None
    again = meta.times > 1
    try:
        rows = _rows(msg, position, seal_key)
    except Exception as exc:  # a message no branch foresaw: quarantined, the stream goes on
        log.warning("an unreadable read message (%s)", type(exc).__name__)
        text = (msg.data or b"").decode("utf-8", errors="replace")
        rows = [RawRow(position, None, text[:RAW_TEXT_LIMIT], "unreadable message")]
    return [Delivery(agency_id, row, again) for row in rows]


def _rows(msg: Msg, position: str, seal_key: bytes) -> list[RawRow]:
    headers = msg.headers or {}
    seal = headers.get(broker.SEAL_HEADER)
    if seal is not None:
        # A web node's sealed bundle of read records (its own JSON, parsed with orjson):
        # taken as validated only when the seal verifies; otherwise each record is validated
        # in full as the read it stands for.
        trusted = broker.sealed_by(seal_key, msg.subject, msg.data, seal)
        if not trusted:
            _seal_refused()
        try:
            records: Any = orjson.loads(msg.data)
        except orjson.JSONDecodeError:
            return [_not_json(msg, position)]
        return vouched_rows(records, position, trusted=trusted)
    # Anything else is a sender's JSON, parsed as the standard library parses it (exact
    # integers of any size, invalid UTF-8 replaced), as in-process ingest does.
    text = msg.data.decode("utf-8", errors="replace")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        return [_not_json(msg, position)]
    if broker.BUNDLE_HEADER in headers:
        if not isinstance(data, list) or not data:
            reason = "a bundle must be a JSON array of reads"
            return [RawRow(position, None, text[:RAW_TEXT_LIMIT], reason)]
        # Each read's text, should it be quarantined, is made from its data then.
        return [RawRow.of(f"{position}.{i}", item) for i, item in enumerate(data)]
    # The message body is the read's JSON already: quarantine keeps it as it came.
    if isinstance(data, dict):
        return [RawRow(position, data, text[:RAW_TEXT_LIMIT])]
    return [RawRow.of(position, data)]


def _not_json(msg: Msg, position: str) -> RawRow:
    text = msg.data.decode("utf-8", errors="replace")
    return RawRow(position, None, text[:RAW_TEXT_LIMIT], "not valid JSON")


class _Occasionally:
    """Says yes at most once per ``seconds``: a warning that would otherwise repeat per message."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._last: float | None = None

    def due(self) -> bool:
        now = time.monotonic()
        if self._last is not None and now - self._last < self._seconds:
            return False
        self._last = now
        return True


_SEAL_WARNING = _Occasionally(60.0)


def _seal_refused() -> None:
    """Count a refused seal; warn at most once a minute (a worker with the wrong key would
    otherwise log every bundle)."""
    metrics.SEALS_REFUSED.inc()
    if _SEAL_WARNING.due():
        log.warning(
            "a sealed bundle whose seal does not verify (forged, or this worker's seal key differs"
            " from the web nodes'): its reads are validated in full"
        )


def reads_in(msg: Msg) -> int:
    """The reads a message says it carries (a bundle's header; otherwise one): what a fetch
    weighs, so a batch holds about ``worker_batch_size`` reads whatever the messages carry."""
    count = msg.headers.get(broker.BUNDLE_HEADER) if msg.headers else None
    if count and count.isascii() and count.isdigit():
        return max(1, min(int(count), 1000))
    return 1


class Worker:
    """One worker process's loop; ``run`` until ``stop`` is set."""

    def __init__(self, db: Database, *, batch_size: int | None = None) -> None:
        self.db = db
        self.settings = db.settings
        self.names = broker.subjects(self.settings)
        self.batch_size = batch_size or self.settings.worker_batch_size
        self._backoff = FIRST_BACKOFF
        self._newest_hit = 0
        self._agencies: set[int] | None = None
        self._remove_matcher: Callable[[], None] | None = None
        self._seal_key = broker.seal_key(self.settings)
        self.stored = 0

    def _heard_hits(self, newest: int) -> None:
        self._newest_hit = max(self._newest_hit, newest)

    async def run(self, stop: asyncio.Event) -> None:
        from nats.js.errors import NotFoundError

        from plateward.hotlists.wiring import register_matcher

        if not self.settings.has_own_seal_key and self.settings.secret_key is None:
            log.warning(
                "no PLATEWARD_NATS_SEAL_KEY (or PLATEWARD_SECRET_KEY) is set: bundles sealed by"
                " web nodes verify only if they share this machine's generated key; the others"
                " are validated in full"
            )
        nc = await broker.connect(self.settings, "plateward-worker")
        self._remove_matcher = register_matcher(self.settings, self._heard_hits)
        try:
            js = nc.jetstream()
            try:
                await js.consumer_info(self.names.reads_stream, broker.READS_CONSUMER)
            except NotFoundError:
                msg = "the reads stream or its consumer is missing: run `plateward broker setup`"
                raise RuntimeError(msg) from None
            puller = Puller(nc, self.names.reads_stream, broker.READS_CONSUMER)
            await puller.start()
            lag_task = asyncio.create_task(self._watch_lag(js, stop))
            while not stop.is_set():
                try:
                    # Returns as soon as reads arrive; waits this long only on an idle stream.
                    batch = await puller.fetch(
                        self.batch_size, FETCH_WAIT, reads_in, self.batch_size * BYTES_PER_READ
                    )
                except Exception as exc:  # a server lost mid-fetch: the client reconnects
                    log.warning("fetch failed (%s); trying again", type(exc).__name__)
                    await _pause(stop, 0.5)
                    continue
                if batch:
                    await self.handle(nc, batch, stop)
            lag_task.cancel()
            await puller.release()
        finally:
            if self._remove_matcher is not None:
                self._remove_matcher()
            await nc.drain()

    async def _watch_lag(self, js: Any, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                info = await js.consumer_info(self.names.reads_stream, broker.READS_CONSUMER)
                metrics.CONSUMER_LAG.set(info.num_pending or 0)
                metrics.ACK_PENDING.set(info.num_ack_pending or 0)
            except Exception:  # a metric is never worth stopping for
                log.debug("consumer info unavailable", exc_info=True)
            await _pause(stop, LAG_EVERY_SECONDS)

    async def handle(self, nc: Client, batch: Sequence[Msg], stop: asyncio.Event) -> None:
        """Store, match, acknowledge one batch; on failure hand it back or find the poison."""
        started = time.monotonic()
        decoded = [decode(m, self.settings.nats_namespace, self._seal_key) for m in batch]
        deliveries = [d for ds in decoded for d in ds]
        metrics.REDELIVERIES.inc(sum(1 for m in decoded if m[0].redelivered))
        try:
            alerts = await asyncio.to_thread(self._store, deliveries)
        except DatabaseUnavailable:
            await self._hand_back(batch, stop)
            return
        except Exception:  # one read breaks the batch: retry each message alone to find it
            log.warning("a batch of %d reads failed; retrying message by message", len(deliveries))
            for msg, rows in zip(batch, decoded, strict=True):
                await self._alone(nc, msg, rows, stop)
            return
        self._backoff = FIRST_BACKOFF
        metrics.DATABASE_UP.set(1)
        await self._announce(nc, alerts)
        for msg in batch:
            await msg.ack()
        metrics.BATCH_SECONDS.observe(time.monotonic() - started)

    async def _alone(self, nc: Client, msg: Msg, rows: list[Delivery], stop: asyncio.Event) -> None:
        """One message on its own; a bundle that fails is tried read by read, and the reads that
        fail on their own are delivered again (the message is), or quarantined at the last
        delivery. Reads of the bundle already stored are not stored twice (the read id)."""
        failures: list[tuple[Delivery, Exception]] = []
        try:
            alerts = await asyncio.to_thread(self._store, rows)
        except DatabaseUnavailable:
            await self._hand_back([msg], stop)
            return
        except Exception as exc:
            if len(rows) == 1:
                alerts, failures = {}, [(rows[0], exc)]
            else:
                try:
                    alerts, failures = await asyncio.to_thread(self._store_each, rows)
                except DatabaseUnavailable:
                    await self._hand_back([msg], stop)
                    return
        await self._announce(nc, alerts)
        if failures:
            await self._poison(msg, failures)
            return
        await msg.ack()

    async def _poison(self, msg: Msg, failures: list[tuple[Delivery, Exception]]) -> None:
        times = delivered(msg.reply).times
        if times < self.settings.worker_max_deliveries:
            await msg.nak(delay=1.0)
            return
        try:
            for delivery, exc in failures:
                reason = f"failed {times} deliveries: {type(exc).__name__}"
                await asyncio.to_thread(self._quarantine_poison, delivery, reason)
        except Exception:  # not even quarantine works: deliver it again later
            await msg.nak(delay=5.0)
            return
        log.warning("%d read(s) of a message quarantined after %d deliveries", len(failures), times)
        await msg.ack()

    async def _hand_back(self, batch: Sequence[Msg], stop: asyncio.Event) -> None:
        """The database is down: the stream keeps the batch; wait, longer each time."""
        metrics.DATABASE_UP.set(0)
        log.warning(
            "database unavailable; %d messages handed back, retrying in %.1fs",
            len(batch),
            self._backoff,
        )
        for msg in batch:
            try:
                await msg.nak(delay=self._backoff)
            except Exception:  # the ack wait will hand it back anyway
                log.debug("nak failed", exc_info=True)
        await _pause(stop, self._backoff)
        self._backoff = min(self._backoff * 2, MAX_BACKOFF)

    async def _announce(self, nc: Client, alerts: dict[int, int]) -> None:
        """Tell every web node that hits were stored (hotlists/live.py wakes the streams)."""
        for agency_id, newest in alerts.items():
            body = json.dumps({"newest_hit": newest, "at": time.time()}).encode()
            try:
                await nc.publish(self.names.alerts(agency_id), body)
            except Exception:  # the web nodes also look at the hits table: late, not lost
                log.warning("could not announce new hits")

    # --- in a thread: the database ---------------------------------------------------------

    def _known_agencies(self) -> set[int]:
        if self._agencies is None:
            with self.db.unit_of_work() as uow:
                self._agencies = {a.id for a in agencies.list_agencies(uow)}
        return self._agencies

    def _store(self, deliveries: Sequence[Delivery]) -> dict[int, int]:
        """Store the batch in one transaction; the newest hit id per agency that got hits."""
        try:
            return self._store_batch(deliveries)
        except Exception as exc:
            if _is_unavailable(exc):
                raise DatabaseUnavailable from exc
            raise

    def _store_each(
        self, rows: Sequence[Delivery]
    ) -> tuple[dict[int, int], list[tuple[Delivery, Exception]]]:
        """Each read in a transaction of its own: the alerts of those stored, and the reads
        that failed with their errors (DatabaseUnavailable stops it: the message goes back)."""
        alerts: dict[int, int] = {}
        failures: list[tuple[Delivery, Exception]] = []
        for row in rows:
            try:
                for agency_id, newest in self._store([row]).items():
                    alerts[agency_id] = max(newest, alerts.get(agency_id, 0))
            except DatabaseUnavailable:
                raise
            except Exception as exc:
                failures.append((row, exc))
        return alerts, failures

    def _store_batch(self, deliveries: Sequence[Delivery]) -> dict[int, int]:
        known = self._known_agencies()
        by_agency: dict[int, list[RawRow]] = {}
        strays: list[Rejection] = []
        again = [d.row.position for d in deliveries if d.redelivered]
        handled: set[str] = set()
        if again:
            with self.db.unit_of_work() as uow:
                handled = quarantined_positions(uow.session, CHANNEL, again)
        for d in deliveries:
            if d.row.position in handled:
                continue  # a redelivery of a message quarantined before its ack got through
            if d.agency_id is None or d.agency_id not in known:
                strays.append(
                    Rejection(d.row.position, "the subject names no known agency", d.row.raw)
                )
            else:
                by_agency.setdefault(d.agency_id, []).append(d.row)
        limit = self.settings.max_batch_reads
        with self.db.unit_of_work() as uow:
            done = []
            for agency_id, rows in by_agency.items():
                actor = replace(WORKER, agency_id=agency_id)
                for start in range(0, len(rows), limit):
                    chunk = rows[start : start + limit]
                    done.append((agency_id, reads.store_batch(uow, actor, chunk, CHANNEL)))
            if strays:
                _quarantine(uow, WORKER, "stream-strays", CHANNEL, strays)
            uow.commit()
            alerts: dict[int, int] = {}
            for agency_id, report in done:
                before = self._newest_hit
                reads.after_commit(uow, report)
                if self._newest_hit > before:
                    alerts[agency_id] = self._newest_hit
                self.stored += report.stored
                metrics.READS_STORED.inc(report.stored)
                metrics.READS_DUPLICATE.inc(report.duplicates)
                metrics.QUARANTINED.labels(stage="worker").inc(len(report.rejected))
            metrics.QUARANTINED.labels(stage="worker").inc(len(strays))
        return alerts

    def _quarantine_poison(self, delivery: Delivery, reason: str) -> None:
        row = delivery.row
        with self.db.unit_of_work() as uow:
            _quarantine(
                uow, WORKER, row.position[:36], CHANNEL, [Rejection(row.position, reason, row.raw)]
            )
            audit.record(
                uow,
                WORKER,
                AuditEvent(
                    AuditAction.READS_INGESTED,
                    details={"channel": CHANNEL, "received": 1, "stored": 0, "rejected": 1},
                ),
            )
            uow.commit()
        metrics.QUARANTINED.labels(stage="poison").inc()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake at once when asked to stop."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
