"""Hot-list entries, the change counter the matchers follow, hits and the alert steps.

A hit points at its read by id and capture time (no foreign key: ``reads`` is partitioned and
purged by day, like the ingest outbox). Nothing here is ever deleted by the workflow: an entry
that ends is marked removed, rejected or expired (DUP §4.5), a step is appended.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class HotListFeed(Base):
    """An external hot list the department subscribes to (DUP §4.6), and how its sync stands."""

    __tablename__ = "hotlist_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)  # the list's name, e.g. "SVS"
    kind: Mapped[str] = mapped_column(String(16))  # ndjson | csv | doj | http | simulated
    location: Mapped[str] = mapped_column(String(500))  # a path or an address
    category: Mapped[str] = mapped_column(String(32))  # a ReasonCategory
    code: Mapped[str] = mapped_column(String(8))  # its NCIC-style file code
    enabled: Mapped[bool]
    status: Mapped[str] = mapped_column(String(16))  # never | ok | lost | rejected
    needs_full: Mapped[bool]  # the next sync replaces the whole list (first, or reconnected)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    lost_since: Mapped[datetime | None]
    alarm_raised_at: Mapped[datetime | None]
    entry_count: Mapped[int]


class HotListEntry(Base):
    __tablename__ = "hotlist_entries"
    __table_args__ = (
        Index("ix_hotlist_entries_status", "status"),
        UniqueConstraint("feed_id", "external_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(40))
    plate: Mapped[str] = mapped_column(String(8))
    plate_state: Mapped[str] = mapped_column(String(2))
    vehicle_description: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(32))
    crime_type: Mapped[str] = mapped_column(String(120))
    case_numbers: Mapped[list[str]] = mapped_column(JSON)
    synopsis: Mapped[str] = mapped_column(String(1000))
    priority: Mapped[int]
    expires_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    # DUP §4.8a — name, badge number and assignment of the member entering it, as they were.
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None]
    created_by_name: Mapped[str] = mapped_column(String(200))
    created_by_badge: Mapped[str | None] = mapped_column(String(40))
    created_by_unit: Mapped[str | None] = mapped_column(String(200))
    # What the prohibited-use guard said of the reason (allow or review; deny is never stored).
    guard_decision: Mapped[str] = mapped_column(String(16))
    guard_message: Mapped[str | None] = mapped_column(String(500))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None]
    reviewed_by_name: Mapped[str | None] = mapped_column(String(200))
    review_note: Mapped[str | None] = mapped_column(String(500))
    ended_at: Mapped[datetime | None]
    ended_by_name: Mapped[str | None] = mapped_column(String(200))
    end_reason: Mapped[str | None] = mapped_column(String(500))
    reminded_at: Mapped[datetime | None]
    # The value of ``hotlist_state.version`` at this entry's last change: matchers load what
    # changed since the version they hold.
    change_seq: Mapped[int] = mapped_column(index=True)
    # Entries of an external list: which feed, and the source's own record id.
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("hotlist_feeds.id"))
    external_key: Mapped[str | None] = mapped_column(String(60))


class HotListState(Base):
    """One row: the version every change of an entry increments (row-locked until commit)."""

    __tablename__ = "hotlist_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]


class Hit(Base):
    """A read that matched an entry; it is the alert officers work (one per read and entry)."""

    __tablename__ = "hotlist_hits"
    __table_args__ = (UniqueConstraint("read_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    read_id: Mapped[uuid.UUID]
    read_captured_at: Mapped[datetime]
    camera_id: Mapped[int] = mapped_column(index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hotlist_entries.id"), index=True)
    match_kind: Mapped[str] = mapped_column(String(16))
    state_relation: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int]
    created_at: Mapped[datetime]
    # The workflow's summary, kept with the hit so lists and figures need no replay.
    stage: Mapped[str] = mapped_column(String(16))
    visual: Mapped[str | None] = mapped_column(String(16))
    disposition: Mapped[str | None] = mapped_column(String(16))
    closed_at: Mapped[datetime | None]


class AlertStep(Base):
    """One recorded step of an alert's workflow, appended in order (DUP §4.2-4.4, §4.7)."""

    __tablename__ = "alert_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hotlist_hits.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(1000))
    note: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime]
    by_id: Mapped[int | None]
    by_name: Mapped[str] = mapped_column(String(200))
    by_badge: Mapped[str | None] = mapped_column(String(40))


class HistoryCheck(Base):
    """A check of an entry against stored reads: a search made for the entry's purpose (DUP §2,
    §9), tied here to the entry it was made for. The search itself, its terms, purpose and
    results, is the search service's (``searches``)."""

    __tablename__ = "hotlist_history_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hotlist_entries.id"), index=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("searches.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime]
    case_number: Mapped[str] = mapped_column(String(60))
    possible: Mapped[bool]  # confusable misreads too (the search's fuzzy match)
    state: Mapped[str] = mapped_column(String(16))  # the search's state when it was made
    result_count: Mapped[int | None]


class CaptureNoticeRecord(Base):
    """The system administrator's record that a capture, or its ultimate disposition, reached
    them (DUP §4.7: "timely notification … to indicate and record"). One per hit and kind."""

    __tablename__ = "capture_notice_records"
    __table_args__ = (UniqueConstraint("hit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hotlist_hits.id"))
    kind: Mapped[str] = mapped_column(String(16))  # capture | disposition
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None]
    recorded_by_name: Mapped[str] = mapped_column(String(200))
