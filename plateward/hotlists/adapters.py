"""The outside world of hot lists behind interfaces: CLETS verification and external lists.

DUP §4.3 — before acting on an alert the officer attempts to verify through CLETS that it is still
valid. A department connects Plateward to its CLETS message switch through an adapter with this
interface; until one is configured the officer records the result of the query made by radio or
mobile terminal (``ManualClets``: the page offers the result choices). ``SimulatedClets`` answers
for the demo and the tests, like the state's system would: "valid" unless the plate is cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from plateward.hotlists.feed_rules import FeedRecord, parse_csv, parse_doj, parse_ndjson
from plateward.hotlists.rules import Verification


class CletsUnavailable(Exception):
    """The CLETS service did not answer; the attempt is still recorded (DUP §4.3)."""


@dataclass(frozen=True)
class CletsAnswer:
    result: Verification
    summary: str  # what the switch said, recorded with the step (no personal details)


class Clets(Protocol):
    """A CLETS verification service."""

    @property
    def automated(self) -> bool:
        """True when ``verify`` queries a system; False when the officer records the result."""
        ...

    def verify(self, plate: str, plate_state: str) -> CletsAnswer:
        """Whether the plate is still wanted; raises ``CletsUnavailable`` when no answer came."""
        ...


class ManualClets:
    """No CLETS connection: the officer queries by radio or terminal and records the result."""

    automated = False

    def verify(self, plate: str, plate_state: str) -> CletsAnswer:
        del plate, plate_state
        raise CletsUnavailable("no CLETS connection is configured: record the result by hand")


@dataclass
class SimulatedClets:
    """The demo's CLETS: every plate is still wanted unless cleared; can be taken offline."""

    cleared: set[str] = field(default_factory=set)
    online: bool = True
    automated: bool = True

    def verify(self, plate: str, plate_state: str) -> CletsAnswer:
        if not self.online:
            raise CletsUnavailable("simulated CLETS did not answer")
        if plate in self.cleared:
            return CletsAnswer(Verification.NOT_VALID, f"{plate_state}: no want on file (cleared)")
        return CletsAnswer(Verification.VALID, f"{plate_state}: record active, want confirmed")


# --- external hot lists (DUP §4.6) ---------------------------------------------------------------


class FeedUnavailable(Exception):
    """The source could not be reached (a lost connection): the sync is retried, and a loss that
    lasts raises the administrators' alarm."""


@dataclass(frozen=True)
class FeedDelivery:
    records: list[FeedRecord]
    full: bool  # the whole list (entries missing from it were removed at the source)


class FeedSource(Protocol):
    """Where an external list comes from."""

    def fetch(self, full: bool, since: datetime | None) -> FeedDelivery:
        """The whole list (``full``) or what changed since ``since``; raises
        ``FeedUnavailable`` when the source cannot be reached, ``FeedRejected`` when what came is
        not acceptable as a whole."""
        ...


_PARSERS = {"ndjson": parse_ndjson, "csv": parse_csv, "doj": parse_doj}


@dataclass(frozen=True)
class FileFeed:
    """A file drop (NDJSON, CSV or a DOJ fixed-width extract): always the whole list."""

    path: Path
    kind: str
    list_name: str

    def fetch(self, full: bool, since: datetime | None) -> FeedDelivery:
        del full, since
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FeedUnavailable(f"cannot read the feed file: {exc.strerror or exc}") from None
        return FeedDelivery(_PARSERS[self.kind](text, self.list_name), full=True)


@dataclass(frozen=True)
class HttpFeed:
    """An HTTP endpoint answering NDJSON: the whole list, or the changes with ``?since=<ISO>``
    (removals as records with ``"removed": true``)."""

    url: str
    list_name: str

    def fetch(self, full: bool, since: datetime | None) -> FeedDelivery:
        import httpx2

        incremental = not full and since is not None
        params = {"since": since.isoformat()} if incremental and since else {}
        try:
            answer = httpx2.get(self.url, params=params, timeout=30)
            answer.raise_for_status()
        except httpx2.HTTPError as exc:
            raise FeedUnavailable(f"the feed did not answer: {type(exc).__name__}") from None
        return FeedDelivery(parse_ndjson(answer.text, self.list_name), full=not incremental)


@dataclass
class SimulatedFeed:
    """The demo's (and the tests') stand-in for the Stolen Vehicle System: a list kept in memory
    that can be changed and taken offline; it delivers the whole list or the changes since."""

    list_name: str
    records: dict[str, FeedRecord] = field(default_factory=dict)
    online: bool = True
    _changed: dict[str, FeedRecord] = field(default_factory=dict)

    def put(self, rec: FeedRecord) -> None:
        self.records[rec.key] = rec
        self._changed[rec.key] = rec

    def remove(self, key: str) -> None:
        gone = self.records.pop(key, None)
        if gone is not None:
            self._changed[key] = replace(gone, removed=True)

    def forget_changes(self) -> None:
        """Like a source that keeps no changes for a client that was away: only a full
        resync can learn of them."""
        self._changed = {}

    def fetch(self, full: bool, since: datetime | None) -> FeedDelivery:
        del since  # it remembers what it has delivered
        if not self.online:
            raise FeedUnavailable("the simulated Stolen Vehicle System is offline")
        delivered = list(self.records.values()) if full else list(self._changed.values())
        self._changed = {}
        return FeedDelivery(delivered, full)


# Simulated feeds by location, for the demo and the tests (a department configures real sources).
SIMULATED: dict[str, SimulatedFeed] = {}
DEMO_FEED = "demo-svs"


def _demo_feed(list_name: str) -> SimulatedFeed:
    """The demo's Stolen Vehicle System: twenty stolen cars, 8SVS001 to 8SVS020."""
    feed = SimulatedFeed(list_name)
    for n in range(1, 21):
        plate = f"8SVS{n:03d}"
        feed.put(FeedRecord(f"V{n:09d}", plate, "CA", "V", list_name, "Stolen vehicle", None))
    return feed


def feed_source(kind: str, location: str, list_name: str) -> FeedSource:
    """The source a subscription names."""
    if kind in _PARSERS:
        return FileFeed(Path(location), kind, list_name)
    if kind == "http":
        return HttpFeed(location, list_name)
    if kind == "simulated":
        if location not in SIMULATED:
            made = _demo_feed(list_name) if location == DEMO_FEED else SimulatedFeed(list_name)
            SIMULATED[location] = made
        return SIMULATED[location]
    raise FeedUnavailable(f"unknown feed kind '{kind}'")
