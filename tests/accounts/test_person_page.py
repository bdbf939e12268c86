"""A person's administration page says "never" and "none" instead of leaving a blank cell for a
person who has not signed in yet or belongs to no class of access."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts.models import User
from plateward.core.database import Database
from tests.conftest import Backend, sign_in


def _cell(page: str, cell_id: str) -> str:
    found = re.search(rf'<td id="{cell_id}">([^<]*)</td>', page)
    assert found is not None, cell_id
    return found.group(1)


def test_a_person_never_signed_in_and_in_no_class_shows_never_and_none(
    client: TestClient, backend: Backend, db: Database
) -> None:
    with db.unit_of_work() as uow:
        officer_id = uow.session.scalars(select(User.id).where(User.username == "officer")).one()
        admin_id = uow.session.scalars(select(User.id).where(User.username == "admin")).one()
    sign_in(client, backend, "admin")

    officer = client.get(f"/admin/people/{officer_id}").text
    admin = client.get(f"/admin/people/{admin_id}").text

    assert _cell(officer, "last-sign-in") == "never"
    assert _cell(officer, "classes") == "none"
    assert _cell(admin, "last-sign-in") not in ("", "never")  # signed in just now
