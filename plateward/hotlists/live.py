"""Live alerts: wakes every open alert stream of this process when a hit is stored anywhere.

The hits table is the source of truth, so the fan-out works with several server processes on
one machine: the bus of each process watches the newest hit id (one indexed ``max(id)`` query
every ``POLL_SECONDS`` while at least one stream is open, on SQLite and PostgreSQL alike), and a
hit stored by this very process wakes its streams at once (``poke``, from the matcher). Each stream
then asks the alerts service for what is new *for its officer*, through the read gate, audited.
A broker can replace the polling later (the scale-out work) without changing the streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from anyio import to_thread

from plateward.core.database import Database
from plateward.hotlists import service

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1


class AlertBus:
    def __init__(self, db: Database, poll_seconds: float = POLL_SECONDS) -> None:
        self._db = db
        self._poll_seconds = poll_seconds
        self._newest = -1  # unknown until the first look
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watchers = 0
        self._poller: asyncio.Task[None] | None = None
        self._poked_at = float("-inf")  # when this process last stored a hit (loop time)

    @property
    def newest(self) -> int:
        return self._newest

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
                loop.call_soon_threadsafe(self._poked, newest)

    def _poked(self, newest: int) -> None:
        self._poked_at = asyncio.get_running_loop().time()
        self._advance(newest)

    def _read_newest(self) -> int:
        with self._db.unit_of_work() as uow:
            return service.newest_hit_id(uow)

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        while self._watchers > 0:
            # A poke since the last look already woke the streams, and each of them fetches
            # every hit after the last it showed, other processes' included: no look needed.
            # This keeps a busy process from taking the database's write lock (SQLite) ten
            # times a second for a number it already has.
            if loop.time() - self._poked_at >= self._poll_seconds:
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
