"""A legal hold's lifecycle through the service: who may move it, the review reminders, and what
rejection and release do to its copies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor
from plateward.jobs_catalog import review_legal_holds
from plateward.retention import holds
from tests.retention.conftest import CASE, held, ingest, persona, read_row


def _actions(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_hold_due_for_review_is_flagged_once_and_a_review_sets_the_next_date(
    db: Database, clock: FrozenClock
) -> None:
    hold_id = held(db, ingest(db, read_row(1, hours_ago=2)))
    clock.advance(timedelta(days=91))

    with db.unit_of_work() as uow:
        first = review_legal_holds(uow, Actor.worker("legal-hold-reviews"))
        uow.commit()
    with db.unit_of_work() as uow:
        second = review_legal_holds(uow, Actor.worker("legal-hold-reviews"))
        uow.commit()

    assert first == "1 legal hold(s) due for review" and second is None
    assert len(_actions(db, AuditAction.LEGAL_HOLD_REVIEW_DUE)) == 1
    with db.unit_of_work() as uow:
        view = holds.review_hold(uow, persona(db, "investigator"), hold_id, "Trial set for March")
    assert view.review_due_on == clock.now().date() + timedelta(days=90)
    assert not view.reminded


def test_another_investigator_cannot_move_a_hold_that_is_not_theirs(db: Database) -> None:
    hold_id = held(db, ingest(db, read_row(1, hours_ago=2)))
    stranger = persona(db, "investigator")
    stranger = stranger.__class__(**{**stranger.__dict__, "id": 999_999})

    with pytest.raises(PermissionDenied), db.unit_of_work() as uow:
        holds.change_status(uow, stranger, hold_id, "charged")


def test_a_rejected_hold_keeps_nothing(db: Database) -> None:
    ids = ingest(db, read_row(1, hours_ago=2), read_row(2, hours_ago=2))
    with db.unit_of_work() as uow:
        hold = holds.place_hold(uow, persona(db, "investigator"), CASE, ids)

    with db.unit_of_work() as uow:
        rejected = holds.reject_hold(uow, persona(db, "lieutenant"), hold.id, "No case link shown")

    assert rejected.status.value == "rejected"
    with db.unit_of_work() as uow:
        assert holds.hold_detail(uow, persona(db, "investigator"), hold.id).reads == []
        assert holds.kept_read_ids(uow) == set()


def test_a_hold_moves_forward_only(db: Database) -> None:
    hold_id = held(db, ingest(db, read_row(1, hours_ago=2)))
    investigator = persona(db, "investigator")
    with db.unit_of_work() as uow:
        holds.change_status(uow, investigator, hold_id, "charged")

    with pytest.raises(InvalidInput, match="cannot become"), db.unit_of_work() as uow:
        holds.change_status(uow, investigator, hold_id, "active_investigation")


def test_a_read_the_investigator_cannot_see_cannot_be_held(
    db: Database, clock: FrozenClock
) -> None:
    ids = ingest(db, read_row(1, hours_ago=2))
    clock.advance(timedelta(days=31))

    with pytest.raises(NotFound), db.unit_of_work() as uow:
        holds.place_hold(uow, persona(db, "investigator"), CASE, ids)
