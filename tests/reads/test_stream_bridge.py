"""`plateward bridge mqtt` against the machine's Mosquitto: a Frigate NVR plate event published
at QoS 1 reaches the reads stream, validated; a message without a plate does not."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import aiomqtt
import nats

from plateward.core import broker
from plateward.core.database import Database
from plateward.reads.mqtt_bridge import Bridge
from tests.reads.conftest import StreamDatabase
from tests.reads.stream_support import DEADLINE, NatsCluster


def test_a_frigate_plate_event_reaches_the_stream(
    stream_database: StreamDatabase, nats_server: NatsCluster
) -> None:
    tag = uuid.uuid4().hex[:10]
    prefix = f"frigate{tag}"  # Frigate's topic_prefix, ours alone on the shared Mosquitto
    settings = stream_database.settings(
        nats_url=nats_server.url,
        nats_namespace=f"m{tag}",
        mqtt_url="mqtt://127.0.0.1:1883",
        mqtt_topics=(f"{prefix}/events", f"{prefix}/tracked_object_update"),
    )
    asyncio.run(broker.setup(settings))
    db = Database.from_settings(settings)
    now = time.time() - 60
    event = {
        "type": "update",
        "before": {},
        "after": {
            "id": f"{now}-{tag}",
            "camera": "SJ-FX-001",
            "label": "car",
            "frame_time": now,
            "start_time": now - 2,
            "false_positive": False,
            "recognized_license_plate": "7ABC123",
            "recognized_license_plate_score": 0.93,
        },
    }
    person = {"type": "new", "after": {"id": "p", "camera": "SJ-FX-001", "label": "person"}}

    async def scenario() -> tuple[int, str]:
        bridge = Bridge(db, session_id=f"plateward-test-{tag}")
        stop = asyncio.Event()
        running = asyncio.create_task(bridge.run(stop))
        nc = await nats.connect(settings.nats_url)
        js = nc.jetstream()
        names = broker.subjects(settings)
        try:
            async with aiomqtt.Client("127.0.0.1", 1883) as camera:
                deadline = time.monotonic() + DEADLINE
                held = 0
                while held == 0:  # published until the bridge (subscribing) has taken it
                    assert time.monotonic() < deadline, "the bridge forwarded nothing"
                    assert not running.done(), running
                    await camera.publish(f"{prefix}/events", json.dumps(person), qos=1)
                    await camera.publish(f"{prefix}/events", json.dumps(event), qos=1)
                    await asyncio.sleep(0.5)
                    held = (await js.stream_info(names.reads_stream)).state.messages
            message = await js.get_msg(names.reads_stream, 1)
            return held, message.subject
        finally:
            stop.set()
            await asyncio.wait_for(running, DEADLINE)
            await nc.close()

    try:
        held, subject = asyncio.run(scenario())
    finally:
        db.dispose()
    assert held == 1  # the same plate event again is the same read: held once
    assert subject.endswith(".SJ-FX-001")
