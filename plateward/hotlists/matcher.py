"""The in-memory matcher: every stored read is matched as part of ingest, with no per-read query.

It runs in the ingest after-commit hook (``reads.service.on_reads_stored``; at least once per
batch, so recording hits is idempotent: one hit per read and entry). Its index maps the confusable
skeleton of each alerting entry's plate to the entries, so one translation and one dictionary
look-up per read find both exact and "possible" matches (``rules.classify`` then decides which,
and how urgently it alerts).

The index follows the entries incrementally: every change of an entry increments
``hotlist_state.version`` and stamps the entry with it. Before each batch the matcher reads that
one number; when it moved it loads only the entries changed since the version it holds, so an
approval, a removal or an expiry reaches every process at its next batch. Expiry is also checked
per read against the day the read was taken, so an entry stops alerting the moment it expires.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlalchemy import event

from plateward.core.database import UnitOfWork
from plateward.hotlists import rules, service
from plateward.hotlists.rules import Match
from plateward.hotlists.service import FoundHit, IndexedEntry
from plateward.reads import service as reads

log = logging.getLogger(__name__)

HitsListener = Callable[[int], None]  # hears the newest hit id after hits are stored


class Index:
    """Skeleton -> alerting entries; rebuilt or patched, never queried per read."""

    def __init__(self, max_substitutions: int = rules.DEFAULT_MAX_SUBSTITUTIONS) -> None:
        self.max_substitutions = max_substitutions
        self._by_skeleton: dict[str, tuple[IndexedEntry, ...]] = {}
        self._by_id: dict[int, IndexedEntry] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def load(self, entries: Iterable[IndexedEntry]) -> None:
        """Replace the whole index at once (a process's first look, or the bench)."""
        by_skeleton: dict[str, list[IndexedEntry]] = {}
        by_id: dict[int, IndexedEntry] = {}
        # A million entries are a million new objects: without the pause the cycle collector
        # would walk them all again and again while they are being added (none is garbage).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for entry in entries:
                if entry.alerting:
                    key = entry.plate.translate(rules.SKELETON_TABLE)
                    by_skeleton.setdefault(key, []).append(entry)
                    by_id[entry.id] = entry
            self._by_skeleton = {key: tuple(found) for key, found in by_skeleton.items()}
            self._by_id = by_id
        finally:
            if collecting:
                gc.enable()

    def put(self, entry: IndexedEntry) -> None:
        """Add, change or (when it no longer alerts) drop one entry."""
        self._drop(entry.id)
        if not entry.alerting:
            return
        key = rules.confusable_skeleton(entry.plate)
        self._by_skeleton[key] = (*self._by_skeleton.get(key, ()), entry)
        self._by_id[entry.id] = entry

    def _drop(self, entry_id: int) -> None:
        old = self._by_id.pop(entry_id, None)
        if old is None:
            return
        key = rules.confusable_skeleton(old.plate)
        rest = tuple(e for e in self._by_skeleton.get(key, ()) if e.id != entry_id)
        if rest:
            self._by_skeleton[key] = rest
        else:
            self._by_skeleton.pop(key, None)

    def find(self, facts: Sequence[reads.ReadFacts], today: date) -> list[FoundHit]:
        """The hits among a batch of reads (what the matcher stores)."""
        found = []
        # The hot loop: one translation and one look-up per read; the rest only for candidates.
        candidates_of, table = self._by_skeleton.get, rules.SKELETON_TABLE
        for read in facts:
            if candidates_of(read.plate.translate(table)) is None:
                continue
            captured_on = read.captured_at.date()
            for entry, match in self.match(read.plate, read.plate_state, captured_on, today):
                found.append(FoundHit(read.id, read.captured_at, read.camera_id, entry.id, match))
        return found

    def match(
        self, plate: str, plate_state: str | None, captured_on: date, today: date
    ) -> list[tuple[IndexedEntry, Match]]:
        """The entries this read matches, with how; usually none, after one dict look-up."""
        candidates = self._by_skeleton.get(plate.translate(rules.SKELETON_TABLE))
        if not candidates:
            return []
        found = []
        for entry in candidates:
            if len(entry.plate) != len(plate) or not (
                captured_on <= entry.expires_on and today <= entry.expires_on
            ):
                continue
            match = rules.classify(
                plate,
                plate_state,
                entry.plate,
                entry.plate_state,
                entry.priority,
                self.max_substitutions,
            )
            if match is not None:
                found.append((entry, match))
        return found


class Matcher:
    """One per process: follows the hot lists and matches each stored batch."""

    def __init__(self, max_substitutions: int = rules.DEFAULT_MAX_SUBSTITUTIONS) -> None:
        self.index = Index(max_substitutions)
        self._version = 0
        self._lock = threading.Lock()
        self._listeners: list[HitsListener] = []

    def on_hits(self, listener: HitsListener) -> None:
        """Call ``listener`` with the newest hit id whenever this process stores hits."""
        self._listeners.append(listener)

    def refresh(self, uow: UnitOfWork) -> None:
        """Bring the index up to the database's version (one small query when nothing moved)."""
        current = service.version(uow)
        if current == self._version:
            return
        with self._lock:
            if current == self._version:  # another thread brought it up to date meanwhile
                return
            if current < self._version:  # another database, or one restored: start over
                self._version = 0
            changed = service.changed_entries(uow, self._version)
            if self._version == 0:
                self.index.load(changed)
            else:
                for entry in changed:
                    self.index.put(entry)
            self._version = current

    def find(self, uow: UnitOfWork, facts: Sequence[reads.ReadFacts]) -> list[FoundHit]:
        return self.index.find(facts, uow.now().date())

    def on_reads_stored(self, uow: UnitOfWork, batch: reads.StoredBatch) -> None:
        """The ingest hook: match the batch's reads and store their hits (idempotent)."""
        self.refresh(uow)
        if not len(self.index):
            return
        # Inline, the ingesting process hands over what it stored; from the job, the reads are
        # read through the visibility gate (one query per batch, never one per read).
        facts = list(batch.reads) or reads.read_facts(uow, service.MATCHER, batch.read_ids)
        created = service.record_hits(uow, self.find(uow, facts))
        if created and self._listeners:
            # Stored with the batch's processed mark in one transaction (reads/outbox.py
            # ``dispatch`` commits it); the live streams are told once it has committed.
            newest = max(created)
            event.listen(uow.session, "after_commit", lambda _s: self._tell(newest), once=True)

    def _tell(self, newest: int) -> None:
        for listener in list(self._listeners):
            listener(newest)
