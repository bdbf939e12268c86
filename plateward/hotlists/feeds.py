"""External hot lists: subscriptions, synchronization, the feed-loss alarm (DUP §4.6).

An administrator subscribes to a list managed elsewhere (the Stolen Vehicle System, an NCIC or
DOJ extract, a BOLO feed). The ``hotlist-feeds`` job syncs each one every minute: the whole list
the first time and after every loss of connection (DUP §4.6: "synchronize … upon reconnection"),
the changes otherwise. An entry removed at the source stops alerting at the sync that learns of
it. A connection lost for longer than ``hotlist_feed_alarm_minutes`` raises an alarm to the
administrators (their Captures page, the audit trail, the log). The category firewall
(``feed_rules.firewall_refusal``) refuses a subscription, and every record, that concerns
immigration status, whatever is configured. Every subscription change is audited with before and
after; every sync with what it changed.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.hotlists import feed_rules, rules
from plateward.hotlists.adapters import FeedSource, FeedUnavailable, feed_source
from plateward.hotlists.feed_rules import FeedRecord, FeedRejected
from plateward.hotlists.models import HotListEntry, HotListFeed
from plateward.hotlists.rules import EntryStatus, Priority, ReasonCategory
from plateward.hotlists.service import bump_version

log = logging.getLogger(__name__)

KINDS = ("ndjson", "csv", "doj", "http", "simulated")
FEED_WORKER = Actor.worker("hotlist-feeds")
MANAGED_AT_SOURCE = date(9999, 12, 31)  # an external entry ends when its source removes it


@dataclass(frozen=True)
class FeedSpec:
    name: str
    kind: str
    location: str
    category: str
    code: str


@dataclass(frozen=True)
class FeedView:
    id: int
    name: str
    kind: str
    location: str
    category: str
    code: str
    enabled: bool
    status: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    lost_since: datetime | None
    alarm_raised_at: datetime | None
    entry_count: int

    @property
    def alarm(self) -> bool:
        return self.alarm_raised_at is not None


def _view(f: HotListFeed) -> FeedView:
    return FeedView(
        f.id,
        f.name,
        f.kind,
        f.location,
        f.category,
        f.code,
        f.enabled,
        f.status,
        f.last_success_at,
        f.last_attempt_at,
        f.last_error,
        f.lost_since,
        f.alarm_raised_at,
        f.entry_count,
    )


def _validated(spec: FeedSpec) -> FeedSpec:
    name = " ".join(spec.name.split())
    if not name or len(name) > 40 or not name.isprintable():
        raise InvalidInput("name the list in 1 to 40 characters (e.g. SVS)")
    if spec.kind not in KINDS:
        raise InvalidInput(f"the feed kind must be one of: {', '.join(KINDS)}")
    if not spec.location.strip() or len(spec.location) > 500:
        raise InvalidInput("give the feed's file path or address")
    category = spec.category.strip()
    if category not in {c.value for c in ReasonCategory}:
        choices = ", ".join(c.value for c in ReasonCategory)
        raise InvalidInput(f"the category must be one of: {choices}")
    code = spec.code.strip().upper()
    if len(code) > 8:
        raise InvalidInput("the file code is at most 8 characters")
    return FeedSpec(name, spec.kind, spec.location.strip(), category, code)


def _change(
    uow: UnitOfWork,
    actor: Actor,
    before: dict[str, object] | None,
    after: dict[str, object],
    outcome: Outcome = Outcome.ALLOWED,
    reason: str | None = None,
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.HOTLIST_FEED_CHANGED,
            outcome,
            reason=reason,
            details={"before": before, "after": after},
        ),
    )


def subscribe_feed(uow: UnitOfWork, actor: Actor, spec: FeedSpec) -> FeedView:
    """Subscribe to an external list; never to a category the firewall refuses (audited)."""
    authorize(uow, actor, Permission.HOTLISTS_MANAGE)
    spec = _validated(spec)
    refusal = feed_rules.firewall_refusal(spec.code, spec.name, spec.location)
    if refusal:
        _change(uow, actor, None, asdict(spec), Outcome.DENIED, refusal)
        uow.commit()
        raise PermissionDenied(refusal)
    if uow.session.scalar(select(HotListFeed.id).where(HotListFeed.name == spec.name)):
        raise Conflict(f"a list named {spec.name} is subscribed already")
    feed = HotListFeed(**asdict(spec), enabled=True, status="never", needs_full=True, entry_count=0)
    uow.session.add(feed)
    uow.session.flush()
    _change(uow, actor, None, {"id": feed.id, **asdict(spec), "enabled": True})
    uow.commit()
    return _view(feed)


def set_enabled(uow: UnitOfWork, actor: Actor, feed_id: int, enabled: bool) -> FeedView:
    """Pause or resume a subscription; its entries stop or resume alerting with it."""
    authorize(uow, actor, Permission.HOTLISTS_MANAGE)
    feed = uow.session.get(HotListFeed, feed_id, with_for_update=True)
    if feed is None:
        raise NotFound("No such external list.")
    before = {"id": feed.id, "name": feed.name, "enabled": feed.enabled}
    feed.enabled = enabled
    feed.needs_full = True  # resumed: the whole list again
    _pause_entries(uow, feed, paused=not enabled)
    _change(uow, actor, before, {**before, "enabled": enabled})
    uow.commit()
    return _view(feed)


def _pause_entries(uow: UnitOfWork, feed: HotListFeed, *, paused: bool) -> None:
    """A paused list alerts no more: its entries are removed until the next full sync."""
    if not paused:
        return
    entries = _feed_entries(uow, feed.id)
    active = [e for e in entries.values() if e.status == EntryStatus.ACTIVE]
    if active:
        seq = bump_version(uow)
        for entry in active:
            _end(entry, uow.now(), "subscription paused", seq)
    feed.entry_count = 0


def feeds(uow: UnitOfWork, actor: Actor) -> list[FeedView]:
    authorize(uow, actor, Permission.HOTLISTS_MANAGE)
    return [_view(f) for f in uow.session.scalars(select(HotListFeed).order_by(HotListFeed.name))]


# --- synchronizing ------------------------------------------------------------------------------


def _feed_entries(uow: UnitOfWork, feed_id: int) -> dict[str, HotListEntry]:
    query = select(HotListEntry).where(HotListEntry.feed_id == feed_id)
    return {e.external_key or "": e for e in uow.session.scalars(query)}


def _end(entry: HotListEntry, now: datetime, why: str, seq: int) -> None:
    entry.status = EntryStatus.REMOVED.value
    entry.ended_at = now
    entry.ended_by_name = "source"
    entry.end_reason = why
    entry.change_seq = seq


def _new_entry(feed: HotListFeed, rec: FeedRecord, now: datetime, seq: int) -> HotListEntry:
    return HotListEntry(
        list_name=feed.name,
        plate=rec.plate,
        plate_state=rec.plate_state,
        vehicle_description="",
        reason=feed.category,
        crime_type=(rec.code or feed.code or feed.name)[:120],
        case_numbers=[rec.key],
        synopsis=(rec.reason or f"{feed.name} entry")[:1000],
        priority=int(Priority.NORMAL),
        expires_on=MANAGED_AT_SOURCE,
        status=EntryStatus.ACTIVE.value,
        created_at=now,
        created_by_id=None,
        created_by_name=f"{feed.name} feed",
        guard_decision="feed",
        change_seq=seq,
        feed_id=feed.id,
        external_key=rec.key,
    )


class _Version:
    """The hot lists' next version, taken only once a sync changes something."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._taken: int | None = None

    def __call__(self) -> int:
        if self._taken is None:
            self._taken = bump_version(self._uow)
        return self._taken


@dataclass
class SyncCount:
    added: int = 0
    changed: int = 0
    removed: int = 0
    refused: int = 0


def _apply(uow: UnitOfWork, feed: HotListFeed, records: list[FeedRecord], full: bool) -> SyncCount:
    """Bring the feed's entries to what the source delivered (all of it when ``full``)."""
    count, now = SyncCount(), uow.now()
    seq = _Version(uow)
    entries = _feed_entries(uow, feed.id)
    delivered = set()
    for rec in records:
        if feed_rules.firewall_refusal(rec.code, rec.list_name, rec.reason):
            count.refused += 1  # DUP §3 — never imported, whatever the source sends
            continue
        entry = entries.get(rec.key)
        if rec.removed:
            if entry is not None and entry.status == EntryStatus.ACTIVE:
                _end(entry, now, "removed at the source", seq())
                count.removed += 1
            continue
        delivered.add(rec.key)
        if entry is None:
            uow.session.add(_new_entry(feed, rec, now, seq()))
            count.added += 1
        elif (entry.plate, entry.plate_state, entry.status) != (
            rec.plate,
            rec.plate_state,
            "active",
        ):
            entry.plate, entry.plate_state = rec.plate, rec.plate_state
            entry.status, entry.ended_at, entry.end_reason = EntryStatus.ACTIVE.value, None, None
            entry.change_seq = seq()
            count.changed += 1
    if full:
        for key, entry in entries.items():
            if key not in delivered and entry.status == EntryStatus.ACTIVE:
                _end(entry, now, "removed at the source", seq())
                count.removed += 1
    return count


def _lost(uow: UnitOfWork, feed: HotListFeed, why: str) -> str:
    """DUP §4.6 — a lost connection: retried every run; the next success resyncs in full; past
    the configured delay the administrators' alarm is raised, once."""
    now = uow.now()
    feed.status, feed.last_error, feed.needs_full = "lost", why[:500], True
    feed.lost_since = feed.lost_since or now
    delay = timedelta(minutes=uow.settings.hotlist_feed_alarm_minutes)
    if feed.alarm_raised_at is None and now - feed.lost_since >= delay:
        feed.alarm_raised_at = now
        log.warning("external hot list %s unreachable since %s", feed.name, feed.lost_since)
        audit.record(
            uow,
            FEED_WORKER,
            AuditEvent(
                AuditAction.HOTLIST_FEED_LOST,
                details={"feed": feed.name, "since": feed.lost_since.isoformat(), "error": why},
            ),
        )
        return f"{feed.name}: connection lost since {feed.lost_since:%H:%M} UTC, alarm raised"
    return f"{feed.name}: connection lost ({why})"


def _rejected(uow: UnitOfWork, feed: HotListFeed, why: str) -> str:
    """A delivery refused as a whole (a DOJ extract whose count does not match): nothing of it
    is applied, the list stays as it was, and the next sync takes the whole list again."""
    feed.status, feed.last_error, feed.needs_full = "rejected", why[:500], True
    audit.record(
        uow,
        FEED_WORKER,
        AuditEvent(
            AuditAction.HOTLIST_FEED_REJECTED,
            Outcome.DENIED,
            reason=why[:500],
            details={"feed": feed.name},
        ),
    )
    return f"{feed.name}: delivery rejected ({why})"


def sync_feed(uow: UnitOfWork, feed_id: int, source: FeedSource | None = None) -> str:
    """Sync one list (the whole list when it needs it); commits; says what happened."""
    feed = uow.session.get(HotListFeed, feed_id, with_for_update=True)
    if feed is None or not feed.enabled:
        return "nothing to sync"
    source = source or feed_source(feed.kind, feed.location, feed.name)
    full, was_lost = feed.needs_full, feed.status == "lost"
    feed.last_attempt_at = uow.now()
    try:
        delivery = source.fetch(full, feed.last_success_at)
    except FeedUnavailable as exc:
        message = _lost(uow, feed, str(exc))
        uow.commit()
        return message
    except FeedRejected as exc:
        message = _rejected(uow, feed, str(exc))
        uow.commit()
        return message
    count = _apply(uow, feed, delivery.records, full or delivery.full)
    feed.status, feed.needs_full, feed.last_error = "ok", False, None
    feed.last_success_at, feed.lost_since, feed.alarm_raised_at = uow.now(), None, None
    uow.session.flush()
    feed.entry_count = int(
        uow.session.scalar(
            select(func.count())
            .select_from(HotListEntry)
            .where(HotListEntry.feed_id == feed.id, HotListEntry.status == EntryStatus.ACTIVE)
        )
        or 0
    )
    action = AuditAction.HOTLIST_FEED_RESTORED if was_lost else AuditAction.HOTLIST_FEED_SYNCED
    details = {"feed": feed.name, "full": full or delivery.full, **asdict(count)}
    audit.record(uow, FEED_WORKER, AuditEvent(action, details=details))
    uow.commit()
    kind = "full resync after the connection came back" if was_lost else "synced"
    return f"{feed.name}: {kind}, +{count.added} ~{count.changed} -{count.removed}"


def sync_feeds(uow: UnitOfWork) -> str | None:
    """Job body (``hotlist-feeds``): sync every enabled list. Idempotent."""
    ids = list(uow.session.scalars(select(HotListFeed.id).where(HotListFeed.enabled.is_(True))))
    uow.commit()
    messages = [sync_feed(uow, feed_id) for feed_id in ids]
    return "; ".join(messages)[:500] if messages else None


def category_label(category: str) -> str:
    return rules.ReasonCategory(category).label


# --- for oversight (issue 18): the public portal's list of subscriptions --------------------------


@dataclass(frozen=True)
class Subscription:
    """An external hot list the department subscribes to, as the public may know it."""

    name: str
    category: str
    status: str
    enabled: bool


def subscriptions(uow: UnitOfWork) -> list[Subscription]:
    """Every external list and whether it is live: names and kinds only, never an entry."""
    rows = uow.session.scalars(select(HotListFeed).order_by(HotListFeed.name))
    return [Subscription(f.name, category_label(f.category), f.status, f.enabled) for f in rows]
