"""Live alerts: wakes every open alert stream of this process when a hit is stored anywhere.

The hits table is the source of truth, so the fan-out works with several server processes on
one machine: the bus of each process watches the newest hit id (one indexed ``max(id)`` query
every ``POLL_SECONDS`` while at least one stream is open, on SQLite and PostgreSQL alike), and a
hit stored by this very process wakes its streams at once (``poke``, from the matcher). Each stream
then asks the alerts service for what is new *for its officer*, through the read gate, audited.
With a broker configured (issue 21) the workers store the hits on other machines: each worker
announces on the alerts subject once its hits have committed, and ``follow_broker`` wakes this
node's streams at once; the poll stays, every ``BACKSTOP_POLL_SECONDS``, so an announcement lost
with a NATS server delays an alert and never loses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable

from anyio import to_thread

from plateward.core import broker, metrics
from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.hotlists import service

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
BACKSTOP_POLL_SECONDS = 2.0  # with a broker: the announcements wake the streams


class AlertBus:
    def __init__(self, db: Database, poll_seconds: float = POLL_SECONDS) -> None:
        self._db = db
        self._poll_seconds = poll_seconds
        self._newest = -1  # unknown until the first look
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watchers = 0
        self._poller: asyncio.Task[None] | None = None

    @property
    def newest(self) -> int:
        return self._newest

    def advance(self, newest: int) -> None:
        """On this loop: a hit up to ``newest`` is stored (a worker announced it)."""
        self._advance(newest)

    @property
    def poll_seconds(self) -> float:
        return self._poll_seconds

    @poll_seconds.setter
    def poll_seconds(self, seconds: float) -> None:
        self._poll_seconds = seconds

    def _advance(self, newest: int) -> None:
        if newest > self._newest:
            self._newest = newest
            self._changed.set()
            self._changed = asyncio.Event()

    def poke(self, newest: int) -> None:
        """From any thread: a hit up to ``newest`` was just stored in this process."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is closing: nobody listens
                loop.call_soon_threadsafe(self._advance, newest)

    def _read_newest(self) -> int:
        with self._db.unit_of_work() as uow:
            return service.newest_hit_id(uow)

    async def _poll(self) -> None:
        while self._watchers > 0:
            try:
                self._advance(await to_thread.run_sync(self._read_newest))
            except Exception:  # a database hiccup must not end the streams; try again
                log.exception("could not read the newest hit id")
            await asyncio.sleep(self._poll_seconds)
        self._poller = None

    async def start(self) -> int:
        """Register a stream; returns the newest hit id now."""
        self._loop = asyncio.get_running_loop()
        self._watchers += 1
        if self._newest < 0:
            self._advance(await to_thread.run_sync(self._read_newest))
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll())
        return self._newest

    def stop(self) -> None:
        self._watchers = max(self._watchers - 1, 0)

    async def wait_beyond(self, seen: int, timeout: float) -> int:
        """Wait until a hit newer than ``seen`` exists (or ``timeout``); the newest id."""
        if self._newest <= seen:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self._newest


async def follow_broker(bus: AlertBus, settings: Settings) -> Callable[[], Awaitable[None]]:
    """Wake ``bus`` on every worker's announcement; returns the coroutine that stops listening.

    Connects in the background, retrying, so a web node starts (and polls) while NATS is away.
    """
    connection: list[object] = []

    async def heard(msg: object) -> None:
        try:
            body = json.loads(msg.data)  # type: ignore[attr-defined]
            newest, at = int(body["newest_hit"]), float(body.get("at", 0))
        except (ValueError, KeyError, TypeError):
            return  # not ours: ignored
        if at:
            metrics.ALERT_LATENCY.observe(max(0.0, time.time() - at))
        bus.advance(newest)

    async def connect() -> None:
        while True:
            try:
                nc = await broker.connect(settings, "plateward-web-alerts")
            except Exception as exc:  # NATS not there yet: the poll covers, try again
                log.warning("alerts: broker unreachable (%s); retrying", type(exc).__name__)
                await asyncio.sleep(2.0)
                continue
            await nc.subscribe(broker.subjects(settings).all_alerts, cb=heard)
            connection.append(nc)
            return

    bus.poll_seconds = BACKSTOP_POLL_SECONDS
    task = asyncio.create_task(connect())

    async def stop() -> None:
        task.cancel()
        for nc in connection:
            with contextlib.suppress(Exception):
                await nc.close()  # type: ignore[attr-defined]

    return stop
