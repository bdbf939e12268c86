"""Reads in, with a broker configured: validate, quarantine, publish to JetStream, then answer.

The same validation and quarantine as in-process ingest (reads/rules.py, one verdict per row),
then the accepted reads are published: in bundles of up to ``nats_bundle_reads`` to
``<ns>.reads.<agency>._bundle`` (one message, one acknowledgement for many reads: issue 21's
throughput), or one a message to ``<ns>.reads.<agency>.<camera>`` with its read id as
``Nats-Msg-Id`` (``nats_bundle_reads = 1``; core/broker.py has the scheme). The caller
(``POST /api/v1/reads``, the MQTT bridge) answers the sender only once JetStream has
acknowledged every read: from then on the read survives the loss of this process and of one
NATS server of three. A ``plateward worker`` stores it (reads/worker.py).

Order of effects, so a failure at any step loses nothing and stores nothing twice:
1. the quarantine rows and the audit entry are written, uncommitted;
2. the reads are published and their acknowledgements awaited (``ServiceUnavailable`` if the
   broker does not acknowledge in time: the transaction rolls back, the sender retries);
3. the transaction commits. Should it fail now, the sender retries, and the stream's duplicate
   window (then the database's uniqueness on the read id) keeps the reads single.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

import orjson

from plateward.cameras import service as cameras
from plateward.core import audit, broker, metrics
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import Database, UnitOfWork
from plateward.core.errors import PayloadTooLarge, ServiceUnavailable
from plateward.core.permissions import Actor, Permission
from plateward.core.settings import Settings
from plateward.reads.ingest import _policy, _quarantine
from plateward.reads.rules import (
    RawRow,
    ReadCandidate,
    Rejection,
    validate_row,
    vouched_record,
)
from plateward.sharing import service as agencies

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg

log = logging.getLogger(__name__)

BUNDLE_LIMIT = broker.BUNDLE_MAX_BYTES - 2  # the array's brackets

# Acknowledgements one publisher awaits at once (beyond it, publishing waits for answers): a
# batch of 2,000 ten times over; a batch of ``max_batch_reads`` (at most 100,000) goes in parts.
MAX_IN_FLIGHT = 20_000


class ReadMessage(NamedTuple):
    """One message for the stream: one read, or a bundle of ``reads`` (a NamedTuple: immutable,
    and cheaper than a frozen dataclass to build once per read)."""

    subject: str
    body: bytes
    headers: dict[str, str]
    reads: int = 1


@dataclass
class Outgoing:
    """A screened batch: what to publish, and what the answer will say."""

    batch_id: str
    channel: str
    received: int
    messages: list[ReadMessage] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    duplicates_in_batch: int = 0

    @property
    def reads(self) -> int:
        return sum(m.reads for m in self.messages)


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
    accepted: list[tuple[ReadCandidate, str, RawRow]] = []
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
        # The camera's code as validation read it (numbers as text, white space trimmed): the
        # code a worker looks the camera up by again.
        accepted.append((verdict, str(data.get("camera", "")).strip(), row))
    out.messages = list(
        _messages(
            _Bundling(names, agency_id, headers, broker.seal_key(uow.settings)),
            accepted,
            uow.settings.nats_bundle_reads,
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
                "published": out.reads,
                "duplicates": out.duplicates_in_batch,
                "rejected": len(out.rejected),
            },
        ),
    )
    metrics.QUARANTINED.labels(stage="publish").inc(len(out.rejected))
    return out


@dataclass(frozen=True)
class _Bundling:
    """What every message of one screened batch shares."""

    names: broker.Subjects
    agency_id: int
    headers: dict[str, str]
    seal_key: bytes


def _messages(
    how: _Bundling, accepted: list[tuple[ReadCandidate, str, RawRow]], bundle_reads: int
) -> Iterator[ReadMessage]:
    """The accepted reads as messages: sealed bundles of up to ``bundle_reads`` reads and
    ``BUNDLE_MAX_BYTES``, in the batch's order; a read left alone goes as a read message (the
    native read, as a camera sends it).

    A bundle holds each read as validation made it (``rules.vouched_record``) and is sealed
    (``broker.seal``): a worker that verifies the seal need not validate the reads again. Its
    ``Nats-Msg-Id`` is a digest of its reads' ids, in order: the same batch sent again makes the
    same bundles, which the stream's duplicate window holds once.
    """
    if bundle_reads == 1:
        for read in accepted:
            yield _one(how, read)
        return
    bundle: list[tuple[ReadCandidate, str, RawRow]] = []
    records: list[bytes] = []
    size = 0
    for read in accepted:
        record = orjson.dumps(vouched_record(read[0], read[1]))
        if bundle and (len(bundle) >= bundle_reads or size + len(record) + 1 > BUNDLE_LIMIT):
            yield _bundle(how, bundle, records)
            bundle, records, size = [], [], 0
        bundle.append(read)
        records.append(record)
        size += len(record) + 1
    if bundle:
        yield _bundle(how, bundle, records)


def _one(how: _Bundling, read: tuple[ReadCandidate, str, RawRow]) -> ReadMessage:
    candidate, camera, row = read
    return ReadMessage(
        how.names.read(how.agency_id, camera),
        row.data_json(),
        {**how.headers, "Nats-Msg-Id": str(candidate.id)},
    )


def _bundle(
    how: _Bundling, reads: list[tuple[ReadCandidate, str, RawRow]], records: list[bytes]
) -> ReadMessage:
    if len(reads) == 1:
        return _one(how, reads[0])
    subject = how.names.bundle(how.agency_id)
    body = b"[" + b",".join(records) + b"]"
    digest = hashlib.sha256(b"".join(r[0].id.bytes for r in reads)).hexdigest()
    return ReadMessage(
        subject,
        body,
        {
            **how.headers,
            "Nats-Msg-Id": f"bundle-{digest[:40]}",
            broker.BUNDLE_HEADER: str(len(reads)),
            broker.SEAL_HEADER: broker.seal(how.seal_key, subject, body),
        },
        len(reads),
    )


class _Answers:
    """JetStream's answers to one connection's publishes, through one reply subscription.

    nats-py's ``publish_async`` makes, per message, a NUID and random reply token, a future with
    a done callback, a semaphore acquisition, and ``asyncio.wait`` then walks the futures: about
    a fifth of a publisher's CPU per read (issue 21). Here each message's reply subject is this
    connection's prefix and a counter; the subscription's callback records the answer in its
    batch and wakes the batch once every message is answered.
    """

    def __init__(self, nc: Client) -> None:
        self._nc = nc
        self.prefix = f"{nc.new_inbox()}."
        self._count = 0
        self._waiting: dict[str, tuple[_Batch, int]] = {}
        self._room = asyncio.Event()
        self._room.set()

    async def start(self) -> None:
        await self._nc.subscribe(f"{self.prefix}*", cb=self._answered)

    async def _answered(self, msg: Msg) -> None:
        entry = self._waiting.pop(msg.subject[len(self.prefix) :], None)
        if entry is None:
            return  # the answer to a message given up on (and published again)
        batch, index = entry
        batch.answer(index, msg)
        if len(self._waiting) < MAX_IN_FLIGHT:
            self._room.set()

    async def publish_all(
        self, messages: Sequence[ReadMessage], timeout: float
    ) -> list[bool | None]:
        """Publish every message at once (pipelined); for each, whether the stream already held
        it (``duplicate``), or None when it was not acknowledged in time (or refused).

        Every message goes out before the first acknowledgement is awaited: JetStream stores and
        acknowledges them while the rest are still being written, so a batch costs one round
        trip, not one per read. Each message keeps its own ``Nats-Msg-Id`` (the stream's
        duplicate window) and its own acknowledgement (a read not acknowledged is published
        again, alone).
        """
        batch = _Batch(len(messages))
        tokens = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            for index, m in enumerate(messages):
                if len(self._waiting) >= MAX_IN_FLIGHT:  # bounded, like the library's stall wait
                    self._room.clear()
                    await asyncio.wait_for(self._room.wait(), max(deadline - loop.time(), 0.001))
                self._count += 1
                token = str(self._count)
                self._waiting[token] = (batch, index)
                tokens.append(token)
                await self._nc.publish(
                    m.subject, m.body, reply=self.prefix + token, headers=m.headers
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(batch.done.wait(), max(deadline - loop.time(), 0.001))
        except Exception:  # stalled or disconnected: what was not acknowledged is retried
            log.debug("publishing stopped early", exc_info=True)
        finally:
            for token in tokens:
                self._waiting.pop(token, None)
            if len(self._waiting) < MAX_IN_FLIGHT:
                self._room.set()
        return batch.answers


class _Batch:
    """The answers to one ``publish_all``: per message, duplicate or not, None until answered."""

    def __init__(self, size: int) -> None:
        self.answers: list[bool | None] = [None] * size
        self._left = size
        self.done = asyncio.Event()
        if not size:
            self.done.set()

    def answer(self, index: int, msg: Msg) -> None:
        self._left -= 1
        if not self._left:
            self.done.set()
        if msg.headers and msg.headers.get("Status"):  # no responders: not stored
            return
        try:
            ack = json.loads(msg.data)
        except ValueError:
            return
        if isinstance(ack, dict) and "error" not in ack:
            self.answers[index] = bool(ack.get("duplicate"))


class ReadPublisher:
    """One process's connection to JetStream for publishing reads (a web node, the bridge)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._nc: Client | None = None
        self._answers: _Answers | None = None
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
                    # One reply subscription per connection, for every batch's answers.
                    self._answers = _Answers(self._nc)
                    await self._answers.start()
                except Exception as exc:  # no server reachable now: the sender retries
                    log.warning("cannot reach the broker: %s", type(exc).__name__)
                    raise ServiceUnavailable(
                        "the message broker is unreachable; send the batch again shortly"
                    ) from None
            return self._nc

    async def publish(self, messages: Sequence[ReadMessage]) -> int:
        """Publish and wait until JetStream acknowledged every message; the duplicates' count.

        A message whose acknowledgement does not come is published again (same id: the stream
        keeps one) until ``nats_publish_timeout_seconds`` has passed; then ``ServiceUnavailable``.
        """
        if not messages:
            return 0
        await self.connection()
        answers = self._answers
        if answers is None:  # closed meanwhile
            raise ServiceUnavailable("the message broker connection closed; send the batch again")
        deadline = time.monotonic() + self._settings.nats_publish_timeout_seconds
        pending = list(messages)
        duplicates = 0
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServiceUnavailable(
                    "the message broker did not acknowledge the reads in time; send them again"
                )
            acks = await answers.publish_all(pending, min(left, 5.0))
            failed = []
            for message, duplicate in zip(pending, acks, strict=True):
                if duplicate is None:
                    failed.append(message)
                elif duplicate:
                    duplicates += message.reads
            pending = failed
            if pending:
                await asyncio.sleep(0.2)
        metrics.READS_PUBLISHED.inc(sum(m.reads for m in messages) - duplicates)
        return duplicates

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.drain()
        self._nc = None
        self._answers = None


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
        out.reads - duplicates,
        out.duplicates_in_batch + duplicates,
        out.rejected,
    )
