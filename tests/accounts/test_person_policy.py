"""The policy on a person's account (``PersonResource``), pure: every change, never on oneself."""

from __future__ import annotations

import pytest

from plateward.accounts.rules import PersonChange, PersonResource
from plateward.core.permissions import Actor, ActorKind, Permission, Role

MANAGE = Permission.ACCOUNTS_MANAGE


def _admin(user_id: int) -> Actor:
    return Actor(ActorKind.PERSON, user_id, f"admin{user_id}", "An Admin", Role.ADMINISTRATOR)


@pytest.mark.parametrize("change", list(PersonChange))
def test_nobody_makes_a_change_to_their_own_account(change: PersonChange) -> None:
    own = PersonResource(7, Role.ADMINISTRATOR, change)

    reason = own.refusal(_admin(7), MANAGE)

    assert reason is not None and "your own" in reason
    assert own.audit_label == f"person:7:{change.value}"


def test_nobody_changes_their_own_role() -> None:
    reason = PersonResource(7, Role.OFFICER, PersonChange.ROLE).refusal(_admin(7), MANAGE)

    assert reason == "You cannot change your own role; another administrator must do it."


@pytest.mark.parametrize("change", list(PersonChange))
def test_another_person_or_the_local_operator_may_make_the_change(change: PersonChange) -> None:
    target = PersonResource(7, Role.OFFICER, change)

    assert target.refusal(_admin(8), MANAGE) is None
    # The operator and services have no person id of their own: a service credential's id is
    # a credential's, never a person's.
    assert target.refusal(Actor.system(), MANAGE) is None
    service = Actor(ActorKind.SERVICE, 7, "service:cams", "Cameras", Role.CAMERA_SERVICE)
    assert target.refusal(service, MANAGE) is None
