"""Personal tokens are issued from a person's own session, after the restrictions: a token cannot
issue another token (refused and audited), and before the restrictions are accepted the person is
sent to them (not refused)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts import tokens
from plateward.accounts.models import ApiToken, User
from plateward.core.audit import AuditEntry
from plateward.core.database import Database
from plateward.core.errors import AcknowledgmentRequired, PermissionDenied
from plateward.core.permissions import Actor, Permission


def _officer(db: Database) -> Actor:
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == "officer"))
        assert user is not None
        return people.actor_for(uow, user, acknowledged_version="2026.1")


def _refused_and_tokens(db: Database) -> tuple[list[str], int]:
    with db.unit_of_work() as uow:
        reasons = uow.session.scalars(
            select(AuditEntry.reason).where(
                AuditEntry.action == "access.refused", AuditEntry.actor_username == "officer"
            )
        ).all()
        issued = len(uow.session.scalars(select(ApiToken.id)).all())
    return [r or "" for r in reasons], issued


def test_a_personal_token_cannot_issue_another_token(db: Database) -> None:
    by_token = dataclasses.replace(_officer(db), token_scopes=frozenset({Permission.CAMERAS_VIEW}))

    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="signed-in session"):
        tokens.issue_personal_token(uow, by_token, "copy", ["cameras:view"], 30)

    reasons, issued = _refused_and_tokens(db)
    assert issued == 0
    assert any("signed-in session only" in r for r in reasons)


def test_before_the_restrictions_a_person_is_sent_to_accept_them(db: Database) -> None:
    unacknowledged = dataclasses.replace(_officer(db), acknowledged=False)

    with db.unit_of_work() as uow, pytest.raises(AcknowledgmentRequired):
        tokens.issue_personal_token(uow, unacknowledged, "early", ["cameras:view"], 30)

    assert _refused_and_tokens(db) == ([], 0)
