"""The read-visibility gate: every query of reads and of the quarantine starts here.

"Reads out" is one path (docs/architecture.md). Whoever asks — the reads page, a count, the
quarantine, and later search, alerts, exports, reports and outside agencies — builds its query
from a ``ReadGate``, which already carries every rule about what this actor may see *now*:

- retention (invariant 4, DUP §7): a read is invisible from the moment ``retention_days`` have
  passed since its capture; a quarantined row from the moment they have passed since it was
  received (it holds raw plates too);
- the actor's camera scope (DUP §12.2): a class limited to some cameras reaches only their reads,
  and no quarantined row at all, since a quarantined row cannot be tied to a camera we trust;
- holds: ``_placement_hold_clause`` (reads from a camera whose view reached a sensitive entrance
  are withheld, cameras/placement.py). Legal holds do not widen this gate: a held read is
  copied into the retention capability's evidence store when the hold is placed, and served from
  there to its case (retention/holds.py), so the live table never shows anyone an expired read and
  a partition drop can take the whole day.

The retention period is the one in force now (``retention.service.retention_days``: the
administrator's setting, else the configured default), read on every gate.

This module is the only one that may select from ``Read`` or ``QuarantinedRow``;
tests/reads/test_visibility_gate.py fails when another module does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, not_, select
from sqlalchemy.orm import Session

from plateward.cameras import service as cameras
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor
from plateward.reads.models import QuarantinedRow, Read
from plateward.retention import service as retention


@dataclass(frozen=True)
class ReadGate:
    """What one actor may see of reads at one moment. Build queries from it, never around it."""

    visible_since: datetime
    # Camera ids whose reads the actor may reach; None means every camera.
    camera_ids: frozenset[int] | None
    # Placement holds (issue 17): camera id → None while held (none of its reads is shown), or
    # the moment its hold was resolved (its reads captured before then stay withheld).
    held: tuple[tuple[int, datetime | None], ...] = ()

    def clause(self) -> ColumnElement[bool]:
        """The condition every read query carries."""
        conditions: list[ColumnElement[bool]] = [Read.captured_at >= self.visible_since]
        if self.camera_ids is not None:
            # DUP §12.2 — a class of users reaches only the cameras its class allows.
            conditions.append(Read.camera_id.in_(sorted(self.camera_ids)))
        placement = _placement_hold_clause(self)
        if placement is not None:
            conditions.append(placement)
        return and_(*conditions)

    def reads(self) -> Select[Read]:
        """``SELECT reads`` limited to what the actor may see; add order and limit."""
        return select(Read).where(self.clause())

    def read_columns(self, *columns: Any) -> Select[Any]:
        """Selected columns of the visible reads (e.g. ``Read.id``)."""
        return select(*columns).select_from(Read).where(self.clause())

    def count(self) -> Select[int]:
        return select(func.count()).select_from(Read).where(self.clause())

    @property
    def quarantine_visible(self) -> bool:
        # Quarantined rows come from any camera, or from none we know: a scoped class never
        # sees them (DUP §12.2). The service refuses such an actor before it gets here.
        return self.camera_ids is None

    def quarantine_clause(self) -> ColumnElement[bool]:
        if not self.quarantine_visible:
            return false()
        # Invariant 4 — quarantined rows hold raw plates, so they expire with the window too;
        # a row released back through ingest (its camera registered) has left the quarantine.
        return and_(
            QuarantinedRow.received_at >= self.visible_since, QuarantinedRow.released_at.is_(None)
        )

    def quarantined(self) -> Select[QuarantinedRow]:
        return select(QuarantinedRow).where(self.quarantine_clause())

    def quarantined_columns(self, *columns: Any) -> Select[Any]:
        """Selected columns (or aggregates) of the quarantined rows the actor may see."""
        return select(*columns).select_from(QuarantinedRow).where(self.quarantine_clause())


def read_gate(uow: UnitOfWork, actor: Actor) -> ReadGate:
    """The gate for ``actor`` at the unit of work's current time."""
    return ReadGate(
        visible_since=visible_since(uow),
        camera_ids=_camera_ids(uow, actor),
        held=tuple(sorted(cameras.held_cameras(uow).items())),
    )


def visible_since(uow: UnitOfWork) -> datetime:
    """Invariant 4 — a read past its retention window is invisible from the moment it expires."""
    return uow.now() - timedelta(days=retention_days(uow))


def retention_days(uow: UnitOfWork) -> int:
    """The retention period in force (days): every reads path asks here (ingest, search, pages)."""
    return retention.retention_days(uow)


def _camera_ids(uow: UnitOfWork, actor: Actor) -> frozenset[int] | None:
    if actor.camera_scope is None:
        return None
    codes = cameras.camera_codes(uow)
    return frozenset(i for i, code in codes.items() if code in actor.camera_scope)


def _placement_hold_clause(gate: ReadGate) -> ColumnElement[bool] | None:
    """Reads withheld because their camera's view reached a sensitive entrance (DUP update 2026,
    cameras/placement.py): every read of a camera held now, and the reads a camera captured
    before its hold was resolved. None when no camera was ever held."""
    if not gate.held:
        return None
    held_now = [camera_id for camera_id, until in gate.held if until is None]
    conditions: list[ColumnElement[bool]] = []
    if held_now:
        conditions.append(Read.camera_id.not_in(held_now))
    conditions.extend(
        not_(and_(Read.camera_id == camera_id, Read.captured_at < until))
        for camera_id, until in gate.held
        if until is not None
    )
    return and_(*conditions)


def quarantined_positions(session: Session, channel: str, positions: Sequence[str]) -> set[str]:
    """Which of these input positions of a channel are in quarantine already (scale-out: a
    stream message redelivered after it was quarantined). Positions only: no raw row leaves."""
    found = session.scalars(
        select(QuarantinedRow.position).where(
            QuarantinedRow.channel == channel, QuarantinedRow.position.in_(positions)
        )
    )
    return set(found)
