"""The read-visibility gate: every query of reads and of the quarantine starts here.

"Reads out" is one path (docs/architecture.md). Whoever asks — the reads page, a count, the
quarantine, and later search, alerts, exports, reports and outside agencies — builds its query
from a ``ReadGate``, which already carries every rule about what this actor may see *now*:

- retention (invariant 4, DUP §7): a read is invisible from the moment ``retention_days`` have
  passed since its capture; a quarantined row from the moment they have passed since it was
  received (it holds raw plates too);
- the actor's camera scope (DUP §12.2): a class limited to some cameras reaches only their reads,
  and no quarantined row at all, since a quarantined row cannot be tied to a camera we trust;
- holds, which arrive with the retention and governance capabilities: ``_legal_hold_clause``
  (a read tied to an active case stays visible to that case past retention) and
  ``_placement_hold_clause`` (reads from a camera whose placement is under review are withheld).
  Both return None today — no extra filter — and are the one place to add them.

This module is the only one that may select from ``Read`` or ``QuarantinedRow``;
tests/reads/test_visibility_gate.py fails when another module does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from plateward.cameras import service as cameras
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor
from plateward.reads.models import QuarantinedRow, Read


@dataclass(frozen=True)
class ReadGate:
    """What one actor may see of reads at one moment. Build queries from it, never around it."""

    visible_since: datetime
    # Camera ids whose reads the actor may reach; None means every camera.
    camera_ids: frozenset[int] | None

    def clause(self) -> ColumnElement[bool]:
        """The condition every read query carries."""
        retained: ColumnElement[bool] = Read.captured_at >= self.visible_since
        hold = _legal_hold_clause(self)
        if hold is not None:
            retained = or_(retained, hold)
        conditions = [retained]
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
    return ReadGate(visible_since=visible_since(uow), camera_ids=_camera_ids(uow, actor))


def visible_since(uow: UnitOfWork) -> datetime:
    """Invariant 4 — a read past its retention window is invisible from the moment it expires."""
    return uow.now() - timedelta(days=uow.settings.retention_days)


def _camera_ids(uow: UnitOfWork, actor: Actor) -> frozenset[int] | None:
    if actor.camera_scope is None:
        return None
    codes = cameras.camera_codes(uow)
    return frozenset(i for i, code in codes.items() if code in actor.camera_scope)


def _legal_hold_clause(gate: ReadGate) -> ColumnElement[bool] | None:
    """Reads a legal hold keeps visible past retention (DUP §7). None: no holds exist yet.

    The retention capability adds legal holds; it returns here the condition "this read is tied
    to an active case this actor works", which the gate ORs with the retention window.
    """
    del gate
    return None


def _placement_hold_clause(gate: ReadGate) -> ColumnElement[bool] | None:
    """Reads withheld because their camera's placement is under hold (U26). None: none yet.

    The governance capability adds placement holds; it returns here the condition "this read's
    camera is not held", which the gate ANDs with everything else.
    """
    del gate
    return None


def quarantined_positions(session: Session, channel: str, positions: Sequence[str]) -> set[str]:
    """Which of these input positions of a channel are in quarantine already (scale-out: a
    stream message redelivered after it was quarantined). Positions only: no raw row leaves."""
    found = session.scalars(
        select(QuarantinedRow.position).where(
            QuarantinedRow.channel == channel, QuarantinedRow.position.in_(positions)
        )
    )
    return set(found)
