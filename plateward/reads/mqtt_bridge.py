"""``plateward bridge mqtt``: camera messages from an MQTT broker (Mosquitto) into the stream.

Each message is read as a Frigate NVR message (``…/events``, ``…/tracked_object_update``; see
reads/camera_formats.py) or as any payload ``POST /api/v1/reads`` accepts (native reads, OpenALPR,
Plate Recognizer, Verkada). Its reads get the same validation and quarantine as every other
driver (reads/publish.py), are published to JetStream, and only once JetStream has acknowledged
them is the MQTT message acknowledged (QoS 1, PUBACK sent by hand). A bridge that dies before
that leaves the message unacknowledged; the MQTT broker delivers it again to the bridge's
persistent session, and the read's id keeps it single in the stream and in the database.

While JetStream does not acknowledge, the bridge retries the message in hand (backing off) and
takes no other: the MQTT broker holds the rest, queued for the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from plateward.core.database import Database
from plateward.core.errors import InvalidInput, PlatewardError, ServiceUnavailable
from plateward.core.permissions import Actor, Permission
from plateward.reads.adapters import _raw, to_raw_rows
from plateward.reads.camera_formats import frigate_rows
from plateward.reads.publish import ReadPublisher, publish_rows
from plateward.reads.rules import RAW_TEXT_LIMIT, RawRow
from plateward.sharing import service as agencies

log = logging.getLogger(__name__)

BRIDGE = Actor.worker("mqtt-bridge", Permission.READS_INGEST)
CHANNEL = "mqtt"
SESSION_ID = "plateward-bridge"  # a persistent session: messages wait for the bridge
FRIGATE_SUFFIXES = ("/events", "/tracked_object_update")


def rows_of(topic: str, body: bytes) -> list[RawRow]:
    """The reads one MQTT message carries (possibly none, for a Frigate message without a plate)."""
    text = body.decode("utf-8", errors="replace")
    try:
        payload: Any = json.loads(text)
    except json.JSONDecodeError:
        return [RawRow(topic, None, text[:RAW_TEXT_LIMIT], "not valid JSON")]
    if topic.endswith(FRIGATE_SUFFIXES) and not topic.startswith("plateward/"):
        return frigate_rows(topic, payload)
    try:
        return to_raw_rows(payload)
    except InvalidInput as exc:
        return [RawRow(topic, None, _raw(payload), exc.detail)]


class Bridge:
    def __init__(
        self, db: Database, agency_ori: str | None = None, session_id: str = SESSION_ID
    ) -> None:
        self.db = db
        self.session_id = session_id
        self.settings = db.settings
        self.publisher = ReadPublisher(self.settings)
        with db.unit_of_work() as uow:
            agency = (
                agencies.agency_by_ori(uow, agency_ori) if agency_ori else agencies.home_agency(uow)
            )
        self.actor = replace(BRIDGE, agency_id=agency.id, agency_name=agency.name)
        self.forwarded = 0

    async def run(self, stop: asyncio.Event) -> None:
        import aiomqtt

        url = urlsplit(self.settings.mqtt_url)
        while not stop.is_set():
            try:
                client = aiomqtt.Client(
                    url.hostname or "127.0.0.1",
                    url.port or 1883,
                    username=url.username,
                    password=url.password,
                    identifier=self.session_id,
                    clean_session=False,
                )
                # aiomqtt acknowledges on receipt; the PUBACK must wait for JetStream's ack.
                client._client.manual_ack_set(True)
                async with client:
                    for topic in self.settings.mqtt_topics:
                        await client.subscribe(topic, qos=1)
                    await self._forward(client, stop)
            except aiomqtt.MqttError as exc:
                log.warning("MQTT connection lost (%s); reconnecting", type(exc).__name__)
                await _pause(stop, 1.0)
        await self.publisher.close()

    async def _forward(self, client: Any, stop: asyncio.Event) -> None:
        messages = client.messages.__aiter__()
        while not stop.is_set():
            next_message = asyncio.ensure_future(messages.__anext__())
            stopping = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait(
                {next_message, stopping}, return_when=asyncio.FIRST_COMPLETED
            )
            stopping.cancel()
            if next_message not in done:
                next_message.cancel()  # not acknowledged: the broker keeps it for the session
                return
            message = next_message.result()
            if not await self._deliver(str(message.topic), bytes(message.payload), stop):
                return  # stopping before JetStream took it: left unacknowledged, redelivered
            client._client.ack(message.mid, message.qos)

    async def _deliver(self, topic: str, body: bytes, stop: asyncio.Event) -> bool:
        """Publish the message's reads; False when stopping before JetStream acknowledged."""
        rows = rows_of(topic, body)
        if not rows:
            return True
        wait = 0.5
        while True:
            try:
                await publish_rows(self.db, self.publisher, self.actor, rows, CHANNEL)
            except ServiceUnavailable:
                if stop.is_set():
                    return False
                await _pause(stop, wait)
                wait = min(wait * 2, 30.0)
                continue
            except PlatewardError as exc:  # a batch refused as a whole (too large): not a read
                log.warning("an MQTT message was refused: %s", exc.detail)
            self.forwarded += len(rows)
            return True


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
