"""The worker's pulls (core/pull.py): batches through one callback, nothing lost between them."""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from plateward.core.pull import Delivered, Puller, delivered
from tests.reads.stream_support import NatsCluster


def test_the_reply_subject_says_the_stream_sequence_and_the_delivery_count() -> None:
    # v1 (9 tokens) and v2 (domain and account hash first; 11 or 12 tokens)
    assert delivered("$JS.ACK.S.C.3.41.7.1700000000000000000.9") == Delivered(41, 3)
    v2 = "$JS.ACK._.ACCHASH.S.C.2.55.8.1700000000000000000.0"
    assert delivered(v2) == Delivered(55, 2)
    assert delivered(f"{v2}.r4nd0m") == Delivered(55, 2)
    with pytest.raises(ValueError, match="not a JetStream message"):
        delivered("_INBOX.abc.def")


async def _stream(nc: nats.NATS, name: str, count: int) -> None:
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name=name, subjects=[f"{name}.>"]))
    await js.add_consumer(
        name, ConsumerConfig(durable_name="c", ack_policy=AckPolicy.EXPLICIT, ack_wait=30)
    )
    for i in range(count):
        await js.publish(f"{name}.r", str(i).encode())


def test_a_fetch_takes_what_the_consumer_holds_in_batches_and_waits_only_when_idle(
    nats_server: NatsCluster,
) -> None:
    async def run() -> tuple[list[int], list[bytes], float]:
        nc = await nats.connect(nats_server.url)
        name = f"PULL{uuid.uuid4().hex[:8].upper()}"
        try:
            await _stream(nc, name, 25)
            puller = Puller(nc, name, "c")
            await puller.start()
            sizes, bodies = [], []
            for _ in range(3):
                batch = await puller.fetch(10, wait=1.0)
                sizes.append(len(batch))
                bodies += [m.data for m in batch]
                for m in batch:
                    await m.ack()
            started = asyncio.get_running_loop().time()
            idle = await puller.fetch(10, wait=0.5)  # nothing left: waits, then nothing
            waited = asyncio.get_running_loop().time() - started
            sizes.append(len(idle))
            await puller.release()
            return sizes, bodies, waited
        finally:
            await nc.close()

    sizes, bodies, waited = asyncio.run(run())
    assert sizes == [10, 10, 5, 0]
    assert bodies == [str(i).encode() for i in range(25)]
    assert 0.4 < waited < 2.0


def test_messages_held_and_never_fetched_are_handed_back_at_release(
    nats_server: NatsCluster,
) -> None:
    async def run() -> tuple[list[int], float]:
        nc = await nats.connect(nats_server.url)
        name = f"PULL{uuid.uuid4().hex[:8].upper()}"
        try:
            await _stream(nc, name, 3)
            first = Puller(nc, name, "c")
            await first.start()
            # An answer that came after its fetch gave up (a late answer, a reconnection):
            # three messages delivered to this puller, of which the next fetch takes one.
            await first._ask({"batch": 3, "no_wait": True})
            await asyncio.sleep(0.3)
            taken = await first.fetch(1, wait=1.0)
            await taken[0].ack()
            await first.release()
            second = Puller(nc, name, "c")
            await second.start()
            started = asyncio.get_running_loop().time()
            again = await second.fetch(10, wait=1.0)
            took = asyncio.get_running_loop().time() - started
            times = [delivered(m.reply or "").times for m in again]
            await second.release()
            return times, took
        finally:
            await nc.close()

    times, took = asyncio.run(run())
    assert times == [2, 2]  # the two held, delivered again
    assert took < 5  # at once, not after the 30 s acknowledgement wait


def test_a_fetch_of_heavy_messages_takes_about_the_batch_by_weight(
    nats_server: NatsCluster,
) -> None:
    """Bundles weigh their reads: a batch of 1,000 reads is a few bundles, not 1,000 of them;
    a message heavier than the whole batch still goes, alone."""

    async def run() -> list[list[int]]:
        nc = await nats.connect(nats_server.url)
        name = f"PULL{uuid.uuid4().hex[:8].upper()}"
        try:
            js = nc.jetstream()
            await _stream(nc, name, 0)
            for weight in [300] * 7 + [2000, 1]:
                await js.publish(f"{name}.r", str(weight).encode())
            puller = Puller(nc, name, "c")
            await puller.start()
            batches = []
            for _ in range(5):
                batch = await puller.fetch(1000, wait=0.5, weight=lambda m: int(m.data))
                batches.append([int(m.data) for m in batch])
                for m in batch:
                    await m.ack()
            await puller.release()
            return batches
        finally:
            await nc.close()

    assert asyncio.run(run()) == [[300] * 3, [300] * 3, [300], [2000], [1]]


def test_single_reads_then_bundles_never_fill_the_pullers_hands(
    nats_server: NatsCluster,
) -> None:
    """A stream holding a single read, then bundles (cameras and web nodes on one stream): the
    top-up after the single read is bounded in bytes, so the puller does not take in hundreds
    of bundles for a batch of a thousand reads; a weight that fails counts a message once."""

    async def run() -> tuple[list[int], int, list[int]]:
        nc = await nats.connect(nats_server.url)
        name = f"PULL{uuid.uuid4().hex[:8].upper()}"
        try:
            js = nc.jetstream()
            await _stream(nc, name, 0)
            await js.publish(f"{name}.r", b"1")
            for _ in range(40):
                await js.publish(f"{name}.r", b"200" + b" " * 50_000)  # a bundle's size
            await js.publish(f"{name}.r", b"not a number")
            puller = Puller(nc, name, "c")
            await puller.start()
            first = await puller.fetch(
                1000, wait=0.5, weight=lambda m: int(m.data.split()[0]), max_bytes=512_000
            )
            held = len(puller._held)
            for m in first:
                await m.ack()
            rest = []
            while batch := await puller.fetch(
                1000, wait=0.5, weight=lambda m: int(m.data.split()[0]), max_bytes=512_000
            ):
                rest.append(len(batch))
                for m in batch:
                    await m.ack()
            await puller.release()
            return [int(m.data.split()[0]) for m in first], held, rest
        finally:
            await nc.close()

    first, held, rest = asyncio.run(run())
    assert first[0] == 1
    assert sum(first) <= 1000
    assert held <= 12  # about 512 kB in hand, not the 40 bundles the consumer holds
    assert sum(rest) + len(first) == 42  # everything came, the message with no weight too
