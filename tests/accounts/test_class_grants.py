"""DUP §12.1-2: a class grants only what the role it is for can receive. The form offers only
those grants, by their human names; the service refuses any other with a clear 422."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import AccessClass
from plateward.accounts.rules import class_grant_refusal, grant_choices
from plateward.core.audit import AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.database import Database
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission, Role
from tests.conftest import Backend, csrf_from, sign_in

_OFFERED = re.compile(r'<input type="checkbox" name="grants" value="([^"]+)"')


def _offered(client: TestClient, role: str) -> tuple[list[str], str]:
    page = client.get(f"/admin/classes?role={role}")
    assert page.status_code == 200, page.text
    return _OFFERED.findall(page.text), page.text


def _class_names(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AccessClass.name)))


def test_the_class_form_offers_only_the_chosen_roles_grants_by_name(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")

    officer, page = _offered(client, "officer")
    # Officers hold cameras:view by their role already; a designee may propose hot-list entries.
    assert sorted(officer) == ["hotlists:propose", "reads:monitor"]
    assert "Watch the newest reads" in page
    investigator, _ = _offered(client, "investigator")
    assert sorted(investigator) == ["alerts:receive", "quarantine:view", "reads:monitor"]
    # A role no class adds anything to, and no role chosen: nothing to tick.
    assert _offered(client, "auditor")[0] == []
    nothing, page = _offered(client, "")
    assert nothing == []
    assert "Choose the role the class is for" in page


def test_a_grant_beyond_the_chosen_role_is_refused_with_a_clear_422(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    _, page = _offered(client, "officer")

    refused = client.post(
        "/admin/classes",
        data={
            "csrf_token": csrf_from(page),
            "name": "Officer quarantine",
            "role": "officer",
            "grants": ["reads:monitor", "quarantine:view"],
        },
        follow_redirects=False,
    )

    assert refused.status_code == 422
    assert "a class for officer staff cannot grant" in refused.text
    assert "Review quarantined ingest rows" in refused.text
    assert "Officer quarantine" not in _class_names(db)


@pytest.mark.parametrize("grant", ["accounts:manage", "audit:export", "reads:ingest"])
def test_a_grant_no_persons_role_can_receive_is_refused(
    db: Database, operator: Actor, grant: str
) -> None:
    with (
        db.unit_of_work() as uow,
        pytest.raises(InvalidInput, match="no person's role can receive"),
    ):
        people.create_class(uow, operator, "Too much", "", [grant], None)

    assert "Too much" not in _class_names(db)


def test_a_class_for_a_role_records_it_in_the_audit_trail(db: Database, operator: Actor) -> None:
    with db.unit_of_work() as uow:
        people.create_class(uow, operator, "Patrol watch", "", ["reads:monitor"], None, "officer")
    with db.unit_of_work() as uow, pytest.raises(InvalidInput, match="not a role a class"):
        people.create_class(uow, operator, "Audit watch", "", [], None, "auditor")

    assert "Patrol watch" in _class_names(db) and "Audit watch" not in _class_names(db)
    with db.unit_of_work() as uow:
        created = uow.session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "class.created")
        ).all()
    assert any(
        '"for_role":"officer"' in canonical(d) and "Patrol watch" in canonical(d) for d in created
    ), created


def test_the_grant_rules_follow_the_role_ceilings() -> None:
    assert grant_choices(Role.OFFICER) == [
        (Permission.HOTLISTS_PROPOSE, "Propose department hot-list entries"),
        (Permission.READS_MONITOR, "Watch the newest reads"),
    ]
    assert grant_choices(Role.PRIVACY_OFFICER) == [
        (Permission.AUDIT_READ, "Read the audit trail"),
        (Permission.AUDIT_REVIEW, "Review misuse signals and record findings"),
    ]
    assert grant_choices(None) == []
    assert class_grant_refusal([Permission.READS_MONITOR], Role.OFFICER) is None
    assert class_grant_refusal([Permission.QUARANTINE_VIEW], Role.OFFICER)
    assert class_grant_refusal([Permission.QUARANTINE_VIEW], None) is None
    assert class_grant_refusal([Permission.ACCOUNTS_MANAGE], None)
