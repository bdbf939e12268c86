"""DUP §4.7 — the system administrator is notified of each hot-list capture and of the ultimate
disposition of its enforcement action, and records that they were.

A capture is a hit; its disposition is the step that closed it. Both are notices to the
administrator until one records them (``capture_notice_records``, one row per hit and kind). The
Captures page shows the notices with their text (``rules.notification``, as in the protocol's
footnote 6) and how many wait; recording is audited. Counting notices reveals no read, so it is
not an access to data; listing them is the Captures page's own audited view.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor, Permission
from plateward.hotlists.models import CaptureNoticeRecord, Hit

MAX_RECORDED = 1000  # notices recorded in one action


class NoticeKind(StrEnum):
    CAPTURE = "capture"  # a hot-list vehicle was captured (the alert went out)
    DISPOSITION = "disposition"  # the enforcement action's ultimate disposition was recorded


@dataclass(frozen=True)
class Recorded:
    by: str
    at: object  # datetime; shown with the page's ``local`` filter


@dataclass(frozen=True)
class Waiting:
    """Notices not yet recorded by an administrator."""

    captures: int
    dispositions: int

    @property
    def total(self) -> int:
        return self.captures + self.dispositions


def _unrecorded(kind: NoticeKind) -> ColumnElement[bool]:
    recorded = select(CaptureNoticeRecord.id).where(
        and_(CaptureNoticeRecord.hit_id == Hit.id, CaptureNoticeRecord.kind == kind.value)
    )
    return ~recorded.exists()


def waiting(uow: UnitOfWork, actor: Actor) -> Waiting:
    """How many capture and disposition notices wait for the administrator (counts only)."""
    authorize(uow, actor, Permission.HOTLISTS_MANAGE)
    captures = uow.session.scalar(
        select(func.count()).select_from(Hit).where(_unrecorded(NoticeKind.CAPTURE))
    )
    dispositions = uow.session.scalar(
        select(func.count())
        .select_from(Hit)
        .where(Hit.disposition.is_not(None), _unrecorded(NoticeKind.DISPOSITION))
    )
    return Waiting(int(captures or 0), int(dispositions or 0))


def records(uow: UnitOfWork, hit_ids: Collection[int]) -> dict[tuple[int, str], Recorded]:
    """Who recorded which notice of these hits, for the Captures page the caller was shown."""
    if not hit_ids:
        return {}
    rows = uow.session.scalars(
        select(CaptureNoticeRecord).where(CaptureNoticeRecord.hit_id.in_(list(hit_ids)))
    )
    return {(r.hit_id, r.kind): Recorded(r.recorded_by_name, r.recorded_at) for r in rows}


def record_notices(uow: UnitOfWork, actor: Actor, hit_ids: Collection[int]) -> int:
    """Record the capture notice of each hit, and its disposition notice where it is closed.
    Notices already recorded stay as they were. Returns how many were recorded now (audited)."""
    authorize(uow, actor, Permission.HOTLISTS_MANAGE)
    wanted = sorted(set(hit_ids))[:MAX_RECORDED]
    if not wanted:
        return 0
    hits = uow.session.execute(select(Hit.id, Hit.disposition).where(Hit.id.in_(wanted))).all()
    done = records(uow, wanted)
    now = uow.now()
    added: list[tuple[int, str]] = []
    for hit_id, disposition in hits:
        kinds = [NoticeKind.CAPTURE] + ([NoticeKind.DISPOSITION] if disposition else [])
        for kind in kinds:
            if (hit_id, kind.value) in done:
                continue
            uow.session.add(
                CaptureNoticeRecord(
                    hit_id=hit_id,
                    kind=kind.value,
                    recorded_at=now,
                    recorded_by_id=actor.id,
                    recorded_by_name=actor.name,
                )
            )
            added.append((hit_id, kind.value))
    if added:
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.HOTLIST_NOTICES_RECORDED,
                result_count=len(added),
                details={"notices": [{"hit_id": h, "kind": k} for h, k in added]},
            ),
        )
    uow.commit()
    return len(added)
