"""What the retention tests share: personas as services see them, reads captured days ago, and a
hold placed on some of them through the service."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from plateward.accounts import service as accounts
from plateward.accounts.models import User
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.core.purpose import purpose
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from plateward.retention import holds
from tests.conftest import NOW

CASE = purpose(
    "criminal_investigation",
    "PC 211 Robbery",
    "26-004211",
    "Armed robbery of a market on Story Rd; the suspect vehicle passed these cameras.",
)


def persona(db: Database, username: str) -> Actor:
    """A persona as services see it once signed in and past the restrictions."""
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return replace(accounts.actor_for(uow, user), acknowledged=True)


def read_row(
    n: int, *, hours_ago: float, camera: str = "SJ-FX-001", **extra: object
) -> dict[str, object]:
    captured = NOW - timedelta(hours=hours_ago)
    return {
        "camera": camera,
        "captured_at": captured.isoformat(),
        "plate": f"7RT{n:04d}",
        "plate_state": "CA",
        **extra,
    }


def ingest(db: Database, *rows: dict[str, object]) -> list[str]:
    with db.unit_of_work() as uow:
        report = reads.ingest(
            uow,
            Actor.system("tests"),
            [RawRow.of(f"row {n}", r) for n, r in enumerate(rows)],
            "api",
        )
    assert report.stored == len(rows), report.rejected
    return [str(i) for i in report.read_ids]


def held(db: Database, read_ids: list[str]) -> int:
    """A hold placed by the investigator on ``read_ids`` and approved by the lieutenant."""
    with db.unit_of_work() as uow:
        hold = holds.place_hold(uow, persona(db, "investigator"), CASE, read_ids)
    with db.unit_of_work() as uow:
        holds.approve_hold(uow, persona(db, "lieutenant"), hold.id)
    return hold.id
