"""Live alerts: wakes every open alert stream of this process when a hit is stored anywhere.

The hits table is the source of truth, so the fan-out works with several server processes on
one machine: the bus of each process watches the recent hits (one indexed query of the newest id
and the number of hits above a recent floor, every ``POLL_SECONDS`` while at least one stream is
open, on SQLite and PostgreSQL alike), and a hit stored by this very process wakes its streams at
once (``poke``, from the matcher). The bus counts changes in a version number, not in hit ids: on
PostgreSQL two ingests may commit in the other order than they took their ids, so a hit can appear
below the newest id, and the count catches it. Each stream then asks the alerts service for what is
new *for its officer*, through the read gate, audited (``alert_pages.alert_stream``).
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
WINDOW = 10_000  # the watermark counts the hits among the last this many ids
BACKSTOP_POLL_SECONDS = 2.0  # with a broker: the announcements wake the streams


class AlertBus:
    def __init__(self, db: Database, poll_seconds: float = POLL_SECONDS) -> None:
        self._db = db
        self._poll_seconds = poll_seconds
        self._watermark: tuple[int, int] | None = None  # (newest id, hits above the floor)
        self._floor = 0
        self._version = 0
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watchers = 0
        self._poller: asyncio.Task[None] | None = None
        self._poked_at = float("-inf")  # when this process last stored a hit (loop time)

    @property
    def version(self) -> int:
        """Grows each time a hit is seen stored; streams wait for it to move."""
        return self._version

    def advance(self, newest: int) -> None:
        """On this loop: hits up to ``newest`` are stored (a worker announced them)."""
        del newest  # any announcement is news: a lower id may have committed late
        self._bump()

    @property
    def poll_seconds(self) -> float:
        return self._poll_seconds

    @poll_seconds.setter
    def poll_seconds(self, seconds: float) -> None:
        self._poll_seconds = seconds

    def _bump(self) -> None:
        self._version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def _observe(self, watermark: tuple[int, int], floor: int) -> None:
        # A new floor makes the count incomparable with the last: wake the streams anyway (a
        # needless look finds nothing new; a missed one would hold an alert back).
        if (watermark, floor) != (self._watermark, self._floor):
            if self._watermark is not None:
                self._bump()
            self._watermark, self._floor = watermark, floor

    def poke(self, newest: int) -> None:
        """From any thread: a hit up to ``newest`` was just stored in this process."""
        del newest  # any stored hit is news, whatever its id
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is closing: nobody listens
                loop.call_soon_threadsafe(self._poked)

    def _poked(self) -> None:
        self._poked_at = asyncio.get_running_loop().time()
        self._bump()

    def _look(self) -> tuple[tuple[int, int], int]:
        newest = self._watermark[0] if self._watermark else None
        with self._db.unit_of_work() as uow:
            if newest is None:
                newest = service.newest_hit_id(uow)
            floor = max(newest - WINDOW, 0) // WINDOW * WINDOW  # moves in steps, not every hit
            return service.hit_watermark(uow, floor), floor

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        while self._watchers > 0:
            # A poke since the last look already woke the streams, and each of them fetches
            # every hit it has not shown, other processes' included: no look needed. This keeps
            # a busy process from taking the database's write lock (SQLite) ten times a second.
            if loop.time() - self._poked_at >= self._poll_seconds:
                try:
                    self._observe(*await to_thread.run_sync(self._look))
                except Exception:  # a database hiccup must not end the streams; try again
                    log.exception("could not look at the newest hits")
            await asyncio.sleep(self._poll_seconds)
        self._poller = None

    async def start(self) -> int:
        """Register a stream; returns the bus's version now."""
        self._loop = asyncio.get_running_loop()
        self._watchers += 1
        if self._watermark is None:
            self._observe(*await to_thread.run_sync(self._look))
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll())
        return self._version

    def stop(self) -> None:
        self._watchers = max(self._watchers - 1, 0)

    async def wait_beyond(self, seen: int, timeout: float) -> int:
        """Wait until the version moves past ``seen`` (or ``timeout``); the version then."""
        if self._version <= seen:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self._version


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
