"""Reads in, with a broker configured: validate, quarantine, publish to JetStream, then answer.

The same validation and quarantine as in-process ingest (reads/rules.py, one verdict per row),
then each accepted read is published to ``<ns>.reads.<agency>.<camera>`` with its read id as
``Nats-Msg-Id``. The caller (``POST /api/v1/reads``, the MQTT bridge) answers the sender only once
JetStream has acknowledged every read: from then on the read survives the loss of this process
and of one NATS server of three. A ``plateward worker`` stores it (reads/worker.py).

Order of effects, so a failure at any step loses nothing and stores nothing twice:
1. the quarantine rows and the audit entry are written, uncommitted;
2. the reads are published and their acknowledgements awaited (``ServiceUnavailable`` if the
   broker does not acknowledge in time: the transaction rolls back, the sender retries);
3. the transaction commits. Should it fail now, the sender retries, and the stream's duplicate
   window (then the database's uniqueness on the read id) keeps the reads single.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from plateward.cameras import service as cameras
from plateward.core import audit, broker, metrics
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import Database, UnitOfWork
from plateward.core.errors import PayloadTooLarge, ServiceUnavailable
from plateward.core.permissions import Actor, Permission
from plateward.core.settings import Settings
from plateward.reads.ingest import _policy, _quarantine
from plateward.reads.rules import RawRow, Rejection, validate_row
from plateward.sharing import service as agencies

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.js.api import PubAck
    from nats.js.client import JetStreamContext

log = logging.getLogger(__name__)

# Acknowledgements one publisher awaits at once: a whole batch of the largest size
# (``max_batch_reads`` is at most 100,000), and then some for the batches of other requests.
MAX_IN_FLIGHT = 20_000


@dataclass(frozen=True)
class ReadMessage:
    subject: str
    read_id: uuid.UUID
    body: bytes
    headers: dict[str, str]


@dataclass
class Outgoing:
    """A screened batch: what to publish, and what the answer will say."""

    batch_id: str
    channel: str
    received: int
    messages: list[ReadMessage] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    duplicates_in_batch: int = 0


@dataclass(frozen=True)
class PublishReport:
    batch_id: str
    channel: str
    received: int
    published: int  # new to the stream, acknowledged by JetStream
    duplicates: int  # repeated in the batch, or already in the stream's duplicate window
    rejected: list[Rejection]


def screen_for_stream(uow: UnitOfWork, actor: Actor, rows: list[RawRow], channel: str) -> Outgoing:
    """Validate a batch and write its quarantine rows and audit entry, uncommitted."""
    authorize(uow, actor, Permission.READS_INGEST, target=f"ingest:{channel}")
    limit = uow.settings.max_batch_reads
    if len(rows) > limit:
        raise PayloadTooLarge(f"a batch holds at most {limit} reads; this one has {len(rows)}")
    names = broker.subjects(uow.settings)
    policy = _policy(uow)
    refs = cameras.camera_refs(uow)
    agency_id = actor.agency_id or agencies.home_agency(uow).id
    out = Outgoing(str(uuid.uuid4()), channel, len(rows))
    seen_ids: set[uuid.UUID] = set()
    seen_keys: set[tuple[int, datetime, str]] = set()
    headers = {
        broker.AGENCY_HEADER: str(agency_id),
        broker.SENDER_HEADER: actor.username,
        broker.CHANNEL_HEADER: channel,
    }
    for row in rows:
        verdict = validate_row(row, refs, policy)
        if isinstance(verdict, Rejection):
            out.rejected.append(verdict)
            continue
        if verdict.id in seen_ids or verdict.natural_key in seen_keys:
            out.duplicates_in_batch += 1
            continue
        seen_ids.add(verdict.id)
        seen_keys.add(verdict.natural_key)
        data = row.data or {}  # a row without data never validates
        camera = str(data.get("camera", ""))
        body = row.data_json().encode()  # the row's own JSON when it has it: no second pass
        out.messages.append(
            ReadMessage(
                names.read(agency_id, camera),
                verdict.id,
                body,
                {**headers, "Nats-Msg-Id": str(verdict.id)},
            )
        )
    _quarantine(uow, actor, out.batch_id, channel, out.rejected)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.READS_INGESTED,
            details={
                "batch_id": out.batch_id,
                "channel": channel,
                "received": len(rows),
                "stored": 0,
                # Held by the broker; the worker's own entry says what it stored.
                "published": len(out.messages),
                "duplicates": out.duplicates_in_batch,
                "rejected": len(out.rejected),
            },
        ),
    )
    metrics.QUARANTINED.labels(stage="publish").inc(len(out.rejected))
    return out


class ReadPublisher:
    """One process's connection to JetStream for publishing reads (a web node, the bridge)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._connecting: asyncio.Lock | None = None

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def connection(self) -> Client:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._nc is None or self._nc.is_closed:
                try:
                    self._nc = await broker.connect(self._settings, "plateward-publisher")
                    # One context per connection: each holds its reply subscription and its
                    # bound on acknowledgements in flight (a context per batch would leak both).
                    self._js = self._nc.jetstream(publish_async_max_pending=MAX_IN_FLIGHT)
                except Exception as exc:  # no server reachable now: the sender retries
                    log.warning("cannot reach the broker: %s", type(exc).__name__)
                    raise ServiceUnavailable(
                        "the message broker is unreachable; send the batch again shortly"
                    ) from None
            return self._nc

    async def jetstream(self) -> JetStreamContext:
        """This connection's JetStream context (made with the connection)."""
        nc = await self.connection()
        if self._js is None:
            self._js = nc.jetstream(publish_async_max_pending=MAX_IN_FLIGHT)
        return self._js

    async def publish(self, messages: Sequence[ReadMessage]) -> int:
        """Publish and wait until JetStream acknowledged every message; the duplicates' count.

        A message whose acknowledgement does not come is published again (same id: the stream
        keeps one) until ``nats_publish_timeout_seconds`` has passed; then ``ServiceUnavailable``.
        """
        if not messages:
            return 0
        js = await self.jetstream()
        deadline = time.monotonic() + self._settings.nats_publish_timeout_seconds
        pending = list(messages)
        duplicates = 0
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServiceUnavailable(
                    "the message broker did not acknowledge the reads in time; send them again"
                )
            acks = await _publish_all(js, pending, min(left, 5.0))
            failed = []
            for message, ack in zip(pending, acks, strict=True):
                if ack is None:
                    failed.append(message)
                elif ack.duplicate:
                    duplicates += 1
            pending = failed
            if pending:
                await asyncio.sleep(0.2)
        metrics.READS_PUBLISHED.inc(len(messages) - duplicates)
        return duplicates

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.drain()
        self._nc = None
        self._js = None


async def _publish_all(
    js: JetStreamContext, messages: Sequence[ReadMessage], timeout: float
) -> list[PubAck | None]:
    """Publish every message at once (pipelined), each answer or None for those not acked.

    Every message goes out before the first acknowledgement is awaited: JetStream stores and
    acknowledges them while the rest are still being written, so a batch costs one round trip,
    not one per read. Each message keeps its own ``Nats-Msg-Id`` (the stream's duplicate window)
    and its own acknowledgement (a read not acknowledged is published again, alone).
    """
    futures: list[asyncio.Future[PubAck] | None] = []
    for m in messages:
        # Below the bound on acknowledgements in flight the library's stall wait is skipped
        # (``asyncio.wait_for`` costs a task per call); at the bound, it waits up to ``timeout``.
        stall = None if js.publish_async_pending() < MAX_IN_FLIGHT - 1 else timeout
        try:
            futures.append(
                await js.publish_async(m.subject, m.body, headers=m.headers, wait_stall=stall)
            )
        except Exception:  # stalled or disconnected: this one is retried
            futures.append(None)
    done: list[PubAck | None] = []
    waiting = [f for f in futures if f is not None]
    if waiting:
        await asyncio.wait(waiting, timeout=timeout)
    for f in futures:
        if f is None or not f.done() or f.cancelled() or f.exception() is not None:
            if f is not None and not f.done():
                f.cancel()
            done.append(None)
        else:
            done.append(f.result())
    return done


async def publish_rows(
    db: Database | UnitOfWork,
    publisher: ReadPublisher,
    actor: Actor,
    rows: list[RawRow],
    channel: str,
) -> PublishReport:
    """Screen, publish, commit (in the order the module's docstring gives)."""
    if isinstance(db, Database):
        with db.unit_of_work() as uow:
            return await _publish_in(uow, publisher, actor, rows, channel)
    return await _publish_in(db, publisher, actor, rows, channel)


async def _publish_in(
    uow: UnitOfWork, publisher: ReadPublisher, actor: Actor, rows: list[RawRow], channel: str
) -> PublishReport:
    out = await asyncio.to_thread(screen_for_stream, uow, actor, rows, channel)
    try:
        duplicates = await publisher.publish(out.messages)
    except BaseException:
        await asyncio.to_thread(uow.rollback)
        raise
    await asyncio.to_thread(uow.commit)
    return PublishReport(
        out.batch_id,
        channel,
        out.received,
        len(out.messages) - duplicates,
        out.duplicates_in_batch + duplicates,
        out.rejected,
    )
