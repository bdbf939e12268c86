"""Privileged changes take effect only when a second, different person confirms (DUP §9, §12).

An administrator alone can no longer make an auditor (and read the trail as one), make another
administrator, silence the real auditor, or change the restrictions everyone accepts.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plateward.accounts import approvals
from plateward.accounts import service as people
from plateward.accounts.approval_rules import ChangeKind, ChangeState, PendingChangeResource
from plateward.accounts.approvals import PendingChangeView
from plateward.accounts.models import RestrictionStatement, User
from plateward.core.audit import AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.core.permissions import Actor, ActorKind, Permission, Role
from plateward.demo import city
from tests.conftest import PASSWORD


def _actor(db: Database, username: str) -> Actor:
    with db.unit_of_work() as uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one()
        return people.actor_for(uow, user, acknowledged_version="2026.1")


def _spec(username: str, role: str) -> people.PersonSpec:
    return people.PersonSpec(
        username, f"New {username}", role, "Some Unit", city.HOME_AGENCY_ORI, PASSWORD, "777"
    )


def _exists(db: Database, username: str) -> bool:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(User.id).where(User.username == username)) is not None


def _entries(db: Database, action: str) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _request_person(db: Database, username: str, role: str) -> PendingChangeView:
    with db.unit_of_work() as uow:
        pending = people.create_person(uow, _actor(db, "admin"), _spec(username, role))
    assert isinstance(pending, PendingChangeView)
    return pending


@pytest.mark.parametrize("role", ["auditor", "privacy_officer", "administrator", "command"])
def test_a_privileged_account_waits_for_a_second_person(db: Database, role: str) -> None:
    pending = _request_person(db, "newpriv", role)

    assert pending.state == ChangeState.PENDING
    assert not _exists(db, "newpriv")
    with db.unit_of_work() as uow:
        approvals.approve(uow, _actor(db, "command"), pending.id)
    assert _exists(db, "newpriv")
    assert [e.actor_username for e in _entries(db, "change.requested")] == ["admin"]
    assert [e.actor_username for e in _entries(db, "change.approved")] == ["command"]


def test_an_ordinary_account_needs_no_second_person(db: Database) -> None:
    with db.unit_of_work() as uow:
        created = people.create_person(uow, _actor(db, "admin"), _spec("plain", "officer"))
    assert isinstance(created, people.NewPerson)
    assert _exists(db, "plain")


def test_the_pending_request_holds_no_password(db: Database) -> None:
    _request_person(db, "newaud", "auditor")
    requested = _entries(db, "change.requested")[0]
    assert PASSWORD not in canonical(requested.details)
    with db.unit_of_work() as uow:
        shown = approvals.changes(uow, _actor(db, "auditor"))
    assert PASSWORD not in repr(shown)


def test_the_dpo_confirms_an_auditor_but_not_an_administrator(db: Database) -> None:
    auditor_request = _request_person(db, "newaud", "auditor")
    admin_request = _request_person(db, "newadm", "administrator")
    dpo = _actor(db, "dpo")

    with db.unit_of_work() as uow:
        approvals.approve(uow, dpo, auditor_request.id)
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="command"):
        approvals.approve(uow, dpo, admin_request.id)

    assert _exists(db, "newaud") and not _exists(db, "newadm")
    refused = _entries(db, "access.refused")
    assert refused[-1].actor_username == "dpo"
    assert f"pending_change:{admin_request.id}" in canonical(refused[-1].details)


def test_an_administrator_cannot_confirm_any_change(db: Database) -> None:
    pending = _request_person(db, "newaud", "auditor")
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="accounts:approve"):
        approvals.approve(uow, _actor(db, "admin"), pending.id)
    assert not _exists(db, "newaud")
    assert _entries(db, "access.refused")[-1].actor_username == "admin"


def test_nobody_confirms_their_own_request() -> None:
    both = Actor(
        kind=ActorKind.PERSON,
        id=7,
        username="both",
        name="Holds both",
        role=Role.COMMAND,
        extra_permissions=frozenset({Permission.ACCOUNTS_MANAGE}),
    )
    own = PendingChangeResource(1, ChangeKind.CREATE_PERSON, Role.AUDITOR, 7, ChangeState.PENDING)
    other = PendingChangeResource(2, ChangeKind.CREATE_PERSON, Role.AUDITOR, 8, ChangeState.PENDING)
    assert "you requested it" in (own.refusal(both, Permission.ACCOUNTS_APPROVE) or "")
    assert other.refusal(both, Permission.ACCOUNTS_APPROVE) is None


def test_a_turned_down_change_never_takes_effect(db: Database) -> None:
    pending = _request_person(db, "newaud", "auditor")
    with db.unit_of_work() as uow:
        approvals.reject(uow, _actor(db, "command"), pending.id, "no such hire")
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="rejected"):
        approvals.approve(uow, _actor(db, "dpo"), pending.id)
    assert not _exists(db, "newaud")
    assert "no such hire" in (_entries(db, "change.rejected")[0].reason or "")


def test_suspending_an_auditor_waits_but_suspending_an_officer_does_not(db: Database) -> None:
    admin = _actor(db, "admin")
    auditor_id, officer_id = _actor(db, "auditor").id, _actor(db, "officer").id
    assert auditor_id is not None and officer_id is not None
    with db.unit_of_work() as uow:
        pending = people.set_status(uow, admin, auditor_id, "suspended", "asked too much")
        assert people.set_status(uow, admin, officer_id, "suspended", "IA case") is None
    assert isinstance(pending, PendingChangeView)
    with db.unit_of_work() as uow:
        assert uow.session.get(User, auditor_id).status == "active"  # type: ignore[union-attr]
        assert uow.session.get(User, officer_id).status == "suspended"  # type: ignore[union-attr]

    with db.unit_of_work() as uow:
        approvals.approve(uow, _actor(db, "dpo"), pending.id)
    with db.unit_of_work() as uow:
        assert uow.session.get(User, auditor_id).status == "suspended"  # type: ignore[union-attr]


@pytest.mark.parametrize(("target", "approver"), [("dpo", "command"), ("command", "dpo")])
def test_an_administrator_cannot_suspend_the_approvers_alone(
    db: Database, target: str, approver: str
) -> None:
    """Suspending every approver would leave privileged changes to one administrator."""
    target_id = _actor(db, target).id
    assert target_id is not None
    with db.unit_of_work() as uow:
        pending = people.set_status(uow, _actor(db, "admin"), target_id, "suspended", "why not")
    assert isinstance(pending, PendingChangeView)
    with db.unit_of_work() as uow:
        assert uow.session.get(User, target_id).status == "active"  # type: ignore[union-attr]
        approvals.approve(uow, _actor(db, approver), pending.id)
    with db.unit_of_work() as uow:
        assert uow.session.get(User, target_id).status == "suspended"  # type: ignore[union-attr]


def test_a_new_statement_waits_for_a_second_person(db: Database) -> None:
    with db.unit_of_work() as uow:
        pending = people.publish_statement(uow, _actor(db, "admin"), "2027.1", "New text.")
    assert isinstance(pending, PendingChangeView)
    with db.unit_of_work() as uow:
        assert people.current_statement(uow).version == "2026.1"
        approvals.approve(uow, _actor(db, "command"), pending.id)
    with db.unit_of_work() as uow:
        assert people.current_statement(uow).version == "2027.1"
        row = uow.session.scalars(
            select(RestrictionStatement).where(RestrictionStatement.version == "2027.1")
        ).one()
    assert row.published_by == "admin"


def test_the_host_operator_bootstraps_without_a_second_person(
    db: Database, operator: Actor
) -> None:
    with db.unit_of_work() as uow:
        created = people.create_person(uow, operator, _spec("firstadmin", "administrator"))
    assert isinstance(created, people.NewPerson)


def test_auditors_see_what_is_pending(db: Database) -> None:
    pending = _request_person(db, "newaud", "auditor")
    with db.unit_of_work() as uow:
        shown = approvals.changes(uow, _actor(db, "auditor"))
    assert [(c.id, c.state) for c in shown] == [(pending.id, "pending")]
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        approvals.changes(uow, _actor(db, "officer"))
