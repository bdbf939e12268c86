"""Batches from a JetStream pull consumer, at a fixed cost per batch rather than per message.

nats-py's ``PullSubscription.fetch`` awaits each message of a batch through ``next_msg``, which
makes a task, a uuid and an ``asyncio.wait_for`` (a second task) per message: a third of a
worker's own CPU per read at thousands of reads a second (issue 21, docs/deploy.md). Here the
messages of every pull request arrive through one subscription callback into a list, and a
fetch takes what the list holds.

The protocol is JetStream's own (``$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>``, the same
request nats-py sends): an idle fetch asks for one message and waits for it (up to ``wait``);
once one has come, one request without waiting (``no_wait``) tops the batch up with whatever
else the consumer holds. A message delivered after its fetch gave up (a late answer, a
reconnection) is not lost: it waits in the list for the next fetch, and ``release`` hands back
whatever is left when the worker stops. Delivery, acknowledgement and redelivery are
JetStream's, unchanged: every message is acknowledged (or not) on its own by its holder.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.aio.subscription import Subscription

log = logging.getLogger(__name__)

_STATUS = "Status"  # nats-py's key for the status line of a server's answer
_HEARTBEAT = "100"
_NO_MESSAGES = ("404", "408")  # nothing (more) to deliver; the request has ended
# A request with ``max_bytes`` ends with a 409 saying so once the next message would not fit:
# the request's normal end, not a refusal.
_FULL = "Message Size Exceeds MaxBytes"
# A top-up asks for at least this many bytes: more than the largest message the stream takes
# (64 KiB and its headers), so a request never ends before its first message.
MIN_BYTES = 72 * 1024
# A late answer gets this long past the request's own expiry before the fetch gives up.
_GRACE = 0.5


def _one(msg: Msg) -> int:
    del msg
    return 1


def _weigh(weight: Callable[[Msg], int], msg: Msg) -> int:
    """What ``weight`` says of a message, at least 1; 1 when it cannot say (a header anyone
    may write must not stop the fetch)."""
    try:
        return max(1, int(weight(msg)))
    except Exception:  # a weight that fails counts the message once
        return 1


class Delivered(NamedTuple):
    """What JetStream's acknowledgement subject says of a message (``Msg.metadata`` builds a
    datetime and two frozen dataclasses per message to say it; a worker needs two numbers)."""

    stream_sequence: int
    times: int  # this is delivery number ``times`` of the message


def delivered(reply: str) -> Delivered:
    """Parse ``$JS.ACK.<stream>.<consumer>.<times>.<stream seq>.<consumer seq>.<ts>.<pending>``
    (v1, 9 tokens) or the v2 form with the domain and account hash first (11 or 12 tokens)."""
    tokens = reply.split(".")
    if len(tokens) < 9 or tokens[0] != "$JS" or tokens[1] != "ACK":
        msg = f"not a JetStream message (reply subject has {len(tokens)} tokens)"
        raise ValueError(msg)
    first = 4 if len(tokens) == 9 else 6
    return Delivered(int(tokens[first + 1]), int(tokens[first]))


class Puller:
    """One process's pulls from one durable consumer: ``start``, ``fetch`` in a loop,
    ``release`` at the end."""

    def __init__(self, nc: Client, stream: str, consumer: str) -> None:
        self._nc = nc
        self._next = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._inbox = nc.new_inbox()
        self._held: list[Msg] = []
        self._ended = 0  # requests the server has ended (no messages, expired, refused)
        self._refused: str | None = None  # the last refusal (a 409: consumer deleted, ...)
        self._changed = asyncio.Event()
        self._sub: Subscription | None = None

    async def start(self) -> None:
        self._sub = await self._nc.subscribe(self._inbox, cb=self._arrived)

    async def _arrived(self, msg: Msg) -> None:
        status = msg.headers.get(_STATUS) if msg.headers else None
        if status is None:
            self._held.append(msg)
        elif status == _HEARTBEAT:
            return
        else:
            self._ended += 1
            described = msg.headers.get("Description", "") if msg.headers else ""
            if status not in _NO_MESSAGES and _FULL not in described:
                self._refused = f"{status} {described}".strip()
        self._changed.set()

    async def _ask(self, request: dict[str, object]) -> int:
        ended = self._ended
        await self._nc.publish(self._next, json.dumps(request).encode(), reply=self._inbox)
        return ended

    async def _until(self, done: Callable[[], object], seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not done():
            left = deadline - loop.time()
            if left <= 0:
                return
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                return

    async def fetch(
        self,
        batch: int,
        wait: float,
        weight: Callable[[Msg], int] = _one,
        max_bytes: int | None = None,
    ) -> list[Msg]:
        """Messages weighing up to ``batch`` in all (at least one message); waits up to ``wait``
        seconds only while none is there.

        ``weight`` says what a message counts for (a bundle of reads: its reads). The top-up
        asks for as many messages as the heaviest one held suggests fill the batch and, with
        ``max_bytes``, for no more bytes than that (JetStream stops there): so a fetch never
        takes in hundreds of bundles for a batch of a thousand reads, whatever mix of single
        reads and bundles the stream holds. What is taken in and not taken stays held for the
        next fetch.
        """
        if not self._held:
            self._refused = None  # only this request's refusal counts here
            ended = await self._ask({"batch": 1, "expires": int(wait * 1e9)})
            await self._until(lambda: self._held or self._ended > ended, wait + _GRACE)
            if not self._held and self._refused:
                refused, self._refused = self._refused, None
                log.warning("the consumer refused a pull request: %s", refused)
                await asyncio.sleep(min(wait, _GRACE))  # never spin on a refusal
        weights = [_weigh(weight, m) for m in self._held]
        held = sum(weights)
        if self._held and held < batch:
            more = -(-(batch - held) // max(weights))  # rounded up
            request: dict[str, object] = {"batch": more, "no_wait": True}
            if max_bytes is not None:
                in_hand = sum(len(m.data or b"") for m in self._held)
                request["max_bytes"] = max(max_bytes - in_hand, MIN_BYTES)
            wanted = len(self._held) + more
            ended = await self._ask(request)
            await self._until(lambda: len(self._held) >= wanted or self._ended > ended, wait)
        count, total = 0, 0
        for msg in self._held:
            total += _weigh(weight, msg)
            if count and total > batch:
                break
            count += 1
        taken, self._held = self._held[:count], self._held[count:]
        return taken

    async def release(self) -> None:
        """Hand back what was delivered and never fetched (JetStream delivers it again now,
        not after the acknowledgement wait), and stop listening."""
        if self._sub is not None:
            await self._sub.unsubscribe()
            self._sub = None
        held, self._held = self._held, []
        for msg in held:
            try:
                await msg.nak()
            except Exception:  # the acknowledgement wait hands it back anyway
                log.debug("nak failed", exc_info=True)
