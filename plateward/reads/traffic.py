"""When each camera last sent a read, and the gaps between its recent reads: figures, no plates.

The camera registry's health check (cameras/service.py) asks these questions of the reads, through
the visibility gate like every read query. It imports this module inside the check only, so at
import time the dependency points one way (reads → cameras); tests/test_import_layering.py holds it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select

from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor
from plateward.reads.models import Read
from plateward.reads.visibility import read_gate

# The busiest camera's gaps are learned from its most recent reads only, so the check stays
# cheap however busy the camera is.
MAX_READS_PER_CAMERA = 5000


@dataclass(frozen=True)
class CameraTraffic:
    last_read_at: datetime | None
    gaps: tuple[timedelta, ...]


def last_reads(uow: UnitOfWork, actor: Actor) -> dict[int, datetime]:
    """Camera id → the capture time of its newest read the actor may see (invariant 4: a read
    past retention does not count, not even as a time)."""
    gate = read_gate(uow, actor)
    rows = uow.session.execute(
        gate.read_columns(Read.camera_id, func.max(Read.captured_at))
        .where(Read.captured_at <= uow.now())
        .group_by(Read.camera_id)
    ).all()
    return {camera_id: last for camera_id, last in rows if last is not None}


def recent_gaps(uow: UnitOfWork, actor: Actor, days: int) -> dict[int, tuple[timedelta, ...]]:
    """Camera id → the gaps between its consecutive reads over the last ``days`` days."""
    gate = read_gate(uow, actor)
    since = uow.now() - timedelta(days=days)
    newest = (
        func.row_number()
        .over(partition_by=Read.camera_id, order_by=Read.captured_at.desc())
        .label("n")
    )
    recent = (
        gate.read_columns(Read.camera_id, Read.captured_at, newest)
        .where(Read.captured_at >= since, Read.captured_at <= uow.now())
        .subquery()
    )
    rows = uow.session.execute(
        select(recent.c.camera_id, recent.c.captured_at)
        .where(recent.c.n <= MAX_READS_PER_CAMERA)
        .order_by(recent.c.camera_id, recent.c.captured_at)
    ).all()
    times: dict[int, list[datetime]] = defaultdict(list)
    for camera_id, captured_at in rows:
        times[camera_id].append(captured_at)
    return {
        camera_id: tuple(b - a for a, b in pairwise(moments))
        for camera_id, moments in times.items()
    }


def camera_traffic(uow: UnitOfWork, actor: Actor, learning_days: int) -> dict[int, CameraTraffic]:
    """Camera id → its last read and recent gaps, for every camera that sent a visible read."""
    last = last_reads(uow, actor)
    gaps = recent_gaps(uow, actor, learning_days)
    return {
        camera_id: CameraTraffic(last_read_at, gaps.get(camera_id, ()))
        for camera_id, last_read_at in last.items()
    }
