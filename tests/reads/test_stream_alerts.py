"""Alert fan-out with a broker: every web node wakes its officers' streams on a worker's
announcement, within moments, without waiting for its look at the hits table."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import nats

from plateward.core import broker, metrics
from plateward.core.database import Database
from plateward.hotlists.live import BACKSTOP_POLL_SECONDS, AlertBus, follow_broker
from tests.reads.conftest import StreamDatabase
from tests.reads.stream_support import NatsCluster


def _observed() -> float:
    return sum(
        sample.value
        for family in metrics.ALERT_LATENCY.collect()
        for sample in family.samples
        if sample.name.endswith("_count")
    )


def test_every_web_node_wakes_on_a_workers_announcement(
    stream_database: StreamDatabase, nats_server: NatsCluster
) -> None:
    settings = stream_database.settings(
        nats_url=nats_server.url, nats_namespace=f"a{uuid.uuid4().hex[:10]}"
    )
    db = Database.from_settings(settings)
    before = _observed()

    async def scenario() -> list[bool]:
        nodes = [AlertBus(db), AlertBus(db)]  # two web nodes' buses
        stops = [await follow_broker(bus, settings) for bus in nodes]
        seen = [await bus.start() for bus in nodes]
        assert all(bus.poll_seconds == BACKSTOP_POLL_SECONDS for bus in nodes)
        announced = 10**9  # no such hit in the table: only the broker can say it
        nc = await nats.connect(settings.nats_url)
        try:
            deadline = time.monotonic() + 30
            woken: list[int] = list(seen)
            # A bus counts what it hears in a version: each node's must move past where it started
            # (no hit is stored here, so neither the backstop poll nor a poke can move it).
            while not all(w > s for w, s in zip(woken, seen, strict=True)) and (
                time.monotonic() < deadline
            ):
                # Announced until heard: a node's subscription may still be connecting.
                await nc.publish(broker.subjects(settings).alerts(1), b"not json")
                body = {"newest_hit": announced, "at": time.time()}
                await nc.publish(broker.subjects(settings).alerts(1), json.dumps(body).encode())
                woken = [await bus.wait_beyond(s, 0.5) for bus, s in zip(nodes, seen, strict=True)]
        finally:
            await nc.close()
            for bus in nodes:
                bus.stop()
            for stop in stops:
                await stop()
            for bus in nodes:  # each poller ends at its next look, its connection returned
                while bus._poller is not None and time.monotonic() < deadline + 30:
                    await asyncio.sleep(0.05)
        return [w > s for w, s in zip(woken, seen, strict=True)]

    try:
        woken = asyncio.run(scenario())
    finally:
        db.dispose()
    assert woken == [True, True]  # both web nodes woke on the announcement
    assert _observed() > before  # the fan-out latency is measured for Prometheus
