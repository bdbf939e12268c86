"""DUP §4.1, §13: no use of ALPR data without current Department-approved training."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plateward.accounts import service as people
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import TrainingRequired
from plateward.core.permissions import Actor, Permission, Role
from plateward.reads import service as reads


def _person(db: Database, operator: Actor, *, trained: bool) -> Actor:
    with db.unit_of_work() as uow:
        new = people.create_person(
            uow,
            operator,
            people.PersonSpec(
                "newadmin",
                "New Admin",
                "administrator",
                "Technology Services Unit",
                "CA0431300",
                "a long enough password",
            ),
            pre_enrolled=True,
        )
        if trained:
            today = uow.now().date()
            people.record_training(
                uow, operator, new.id, "ALPR", today, today + timedelta(days=365)
            )
        uow.commit()
        from plateward.accounts.models import User

        user = uow.session.get(User, new.id)
        assert user is not None
        return people.actor_for(uow, user, acknowledged_version="2026.1")


def test_an_untrained_person_is_refused_data_with_a_clear_reason(
    db: Database, operator: Actor
) -> None:
    actor = _person(db, operator, trained=False)
    assert not actor.trained
    assert Permission.READS_MONITOR not in actor.permissions
    assert Permission.ACCOUNTS_MANAGE in actor.permissions  # administration is not ALPR data
    with db.unit_of_work() as uow, pytest.raises(TrainingRequired, match="training"):
        reads.latest_reads(uow, actor)


def test_a_trained_person_reaches_data(db: Database, operator: Actor) -> None:
    actor = _person(db, operator, trained=True)
    with db.unit_of_work() as uow:
        assert reads.latest_reads(uow, actor) == []


def test_training_expires(db: Database, operator: Actor, clock: FrozenClock) -> None:
    _person(db, operator, trained=True)
    clock.advance(timedelta(days=366))
    with db.unit_of_work() as uow:
        from sqlalchemy import select

        from plateward.accounts.models import User

        user = uow.session.scalars(select(User).where(User.username == "newadmin")).one()
        actor = people.actor_for(uow, user, acknowledged_version="2026.1")
    assert not actor.trained
    assert Permission.READS_MONITOR not in actor.permissions


def test_training_records_are_checked(db: Database, operator: Actor) -> None:
    with db.unit_of_work() as uow:
        today = uow.now().date()
        with pytest.raises(Exception, match="expire after"):
            people.record_training(uow, operator, 1, "ALPR", today, today)
        with pytest.raises(Exception, match="future"):
            people.record_training(
                uow, operator, 1, "ALPR", today + timedelta(days=2), today + timedelta(days=9)
            )


def test_auditors_need_no_alpr_training_and_still_get_no_data() -> None:
    auditor = Actor(kind="person", id=1, username="a", name="A", role=Role.AUDITOR, trained=False)
    assert Permission.AUDIT_READ in auditor.permissions
    assert Permission.READS_MONITOR not in auditor.permissions
