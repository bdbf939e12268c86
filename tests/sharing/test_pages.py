"""The sharing pages, as each person uses them: a Sunnyvale detective asks, command staff
decide, an administrator keeps agencies and agreements, and administrators and auditors see every
outside access."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, csrf_from, sign_in
from tests.search.conftest import entries
from tests.sharing.conftest import OUTSIDE_PURPOSE, outside_search, sign_in_outside


def test_a_sunnyvale_detective_asks_and_command_staff_approve_through_the_pages(
    client: TestClient, backend: Backend, db: Database, outside: dict[str, str]
) -> None:
    sign_in_outside(client, db, outside, "sunnyvale")
    home = client.get("/")
    assert 'href="/sharing/requests"' in home.text
    assert 'href="/search"' not in home.text  # nothing to search before an approval
    page = client.get("/sharing/requests")
    filed = client.post(
        "/sharing/requests",
        data={"csrf_token": csrf_from(page.text), **OUTSIDE_PURPOSE},
        follow_redirects=True,
    )
    assert filed.status_code == 200
    request_id = re.search(r'id="request-(\d+)"', filed.text)
    assert request_id and "pending" in filed.text

    with TestClient(client.app) as command:
        sign_in(command, backend, "command")
        queue = command.get("/sharing/approvals")
        assert f'id="request-{request_id.group(1)}"' in queue.text
        assert "Sunnyvale Department of Public Safety" in queue.text
        decided = command.post(
            f"/sharing/approvals/{request_id.group(1)}/approve",
            data={"csrf_token": csrf_from(queue.text), "reason": "Verified with Sunnyvale."},
            follow_redirects=False,
        )
        assert decided.status_code == 303

    assert 'href="/search"' in client.get("/").text
    assert outside_search(client).status_code == 200


def test_the_request_form_shows_what_to_correct(
    client: TestClient, db: Database, outside: dict[str, str]
) -> None:
    sign_in_outside(client, db, outside, "sunnyvale")
    page = client.get("/sharing/requests")

    answer = client.post(
        "/sharing/requests",
        data={"csrf_token": csrf_from(page.text), **OUTSIDE_PURPOSE, "case_number": ""},
    )

    assert answer.status_code == 422
    assert 'id="request-error"' in answer.text and "case number" in answer.text


def test_an_administrator_sees_who_may_never_receive_data_and_suspends_an_agreement(
    client: TestClient,
    backend: Backend,
    db: Database,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    sign_in(client, backend, "admin")
    page = client.get("/admin/sharing")
    assert page.status_code == 200
    federal = re.search(r'id="agency-DC0011900">(.*?)</tr>', page.text, re.S)
    assert federal and "never: a federal agency" in federal.group(1)
    refused = client.post(
        "/admin/sharing/agreements",
        data={
            "csrf_token": csrf_from(page.text),
            "ori": "NV0160000",
            "reference": "X",
            "effective_on": "2026-11-01",
            "expires_on": "2027-11-01",
            "scopes": "search",
        },
    )
    assert refused.status_code == 403 and "outside California" in refused.text

    changed = client.post(
        f"/admin/sharing/agreements/{santa_clara_agreement}/status",
        data={"csrf_token": csrf_from(page.text), "status": "suspended", "reason": "Review"},
        follow_redirects=False,
    )

    assert changed.status_code == 303
    assert entries(db, "sharing.agreement_changed")[-1].details["after"]["status"] == "suspended"


def test_auditors_see_outside_accesses_with_their_terms_and_administrators_without(
    client: TestClient,
    backend: Backend,
    db: Database,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    sign_in_outside(client, db, outside, "santaclara")
    assert outside_search(client, plate="7ABC123").status_code == 200
    with TestClient(client.app) as federal:
        sign_in_outside(federal, db, outside, "fedagent")
        assert outside_search(federal, plate="7ABC123").status_code == 403

    with TestClient(client.app) as auditor:
        sign_in(auditor, backend, "auditor")
        page = auditor.get("/sharing/activity")
        assert page.status_code == 200
        assert "Santa Clara County Sheriff&#39;s Office" in page.text
        assert "SC26-004512" in page.text and "7ABC123" in page.text
        assert "U.S. Immigration and Customs Enforcement" in page.text
        assert "denied" in page.text
    with TestClient(client.app) as admin:
        sign_in(admin, backend, "admin")
        page = admin.get("/sharing/activity?agency=CA0430000")
        assert "SC26-004512" in page.text and "7ABC123" not in page.text
    assert entries(db, "sharing.activity_viewed")
