"""First access (DUP §10): an agency without access files a request for one case through the
guard; command staff approve or deny it with a reason; an approval opens that case, to that
requester only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, csrf_from, native_read, sign_in
from tests.search.conftest import entries, push
from tests.sharing.conftest import SUNNYVALE, TODAY, outside_search, sign_in_outside

REQUEST: dict[str, Any] = {
    "category": "criminal_investigation",
    "crime_type": "PC 459",
    "case_number": "SV-26-1187",
    "justification": "Commercial burglary on Mathilda Ave; suspect van seen entering San José.",
}


def _decide(client: TestClient, backend: Backend, request_id: int, approve: bool) -> Any:
    with TestClient(client.app) as command:
        sign_in(command, backend, "command")
        waiting = command.get("/api/v1/access-requests/waiting")
        assert waiting.status_code == 200, waiting.text
        assert request_id in [r["id"] for r in waiting.json()]
        decided = command.post(
            f"/api/v1/access-requests/{request_id}/decision",
            json={"approve": approve, "reason": "Case confirmed with Sunnyvale's lieutenant."},
        )
        assert decided.status_code == 200, decided.text
        return decided.json()


def test_an_approved_request_opens_searching_for_that_case_only(
    client: TestClient,
    backend: Backend,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
) -> None:
    push(client, ingest_token, native_read(plate="8XYZ789"))
    sign_in_outside(client, db, outside, "sunnyvale")
    filed = client.post("/api/v1/access-requests", json=REQUEST)
    assert filed.status_code == 200, filed.text
    assert filed.json()["state"] == "pending"
    assert outside_search(client, plate="8XYZ789", **REQUEST).status_code == 403

    decision = _decide(client, backend, filed.json()["id"], approve=True)

    assert decision["state"] == "approved" and decision["open_until"]
    allowed = outside_search(client, plate="8XYZ789", **REQUEST)
    assert allowed.status_code == 200, allowed.text
    assert [h["plate"] for h in allowed.json()["hits"]] == ["8XYZ789"]
    assert allowed.json()["mark"] == "SJPD data — no redistribution"
    other_case = outside_search(client, plate="8XYZ789", **{**REQUEST, "case_number": "SV-26-9"})
    assert other_case.status_code == 403
    decided = entries(db, "sharing.request_decided")[-1]
    assert decided.actor_username == "command" and decided.reason
    assert decided.details["after"] == "approved"


def test_a_denied_request_opens_nothing(
    client: TestClient, backend: Backend, db: Database, outside: dict[str, str]
) -> None:
    sign_in_outside(client, db, outside, "sunnyvale")
    filed = client.post("/api/v1/access-requests", json=REQUEST).json()

    assert _decide(client, backend, filed["id"], approve=False)["state"] == "denied"
    assert outside_search(client, plate="8XYZ789", **REQUEST).status_code == 403
    mine = client.get("/api/v1/access-requests").json()
    assert mine[0]["reason"] == "Case confirmed with Sunnyvale's lieutenant."


def test_a_request_outside_authorized_use_is_refused_by_the_guard(
    client: TestClient, backend: Backend, db: Database, outside: dict[str, str]
) -> None:
    sign_in_outside(client, db, outside, "sunnyvale")

    refused = client.post(
        "/api/v1/access-requests",
        json={
            **REQUEST,
            "crime_type": "Immigration enforcement",
            "justification": "ICE asked us to find where this undocumented man lives.",
        },
    )

    assert refused.status_code == 403
    assert entries(db, "sharing.request_filed")[-1].outcome == "denied"
    with TestClient(client.app) as command:
        sign_in(command, backend, "command")
        assert command.get("/api/v1/access-requests/waiting").json() == []


def test_a_request_needs_crime_type_case_number_and_justification(
    client: TestClient, db: Database, outside: dict[str, str]
) -> None:
    sign_in_outside(client, db, outside, "sunnyvale")

    for field in ("crime_type", "case_number", "justification"):
        response = client.post("/api/v1/access-requests", json={**REQUEST, field: ""})
        assert response.status_code == 422, field


def test_ineligible_requesters_cannot_file_and_nobody_files_for_a_third_agency(
    client: TestClient, db: Database, outside: dict[str, str]
) -> None:
    for name in ("fedagent", "nvdeputy", "vendor"):
        with TestClient(client.app) as browser:
            sign_in_outside(browser, db, outside, name)
            assert browser.post("/api/v1/access-requests", json=REQUEST).status_code == 403
    sign_in_outside(client, db, outside, "sunnyvale")
    third = client.post(
        "/api/v1/access-requests",
        json={**REQUEST, "category": "agency_support", "beneficiary_agency": "Milpitas PD"},
    )
    assert third.status_code == 403
    assert entries(db, "sharing.request_filed") == []


def test_only_command_staff_decide_requests(
    client: TestClient, backend: Backend, db: Database, outside: dict[str, str]
) -> None:
    sign_in_outside(client, db, outside, "sunnyvale")
    filed = client.post("/api/v1/access-requests", json=REQUEST).json()
    decision = {"approve": True, "reason": "looks fine"}

    assert (
        client.post(f"/api/v1/access-requests/{filed['id']}/decision", json=decision).status_code
        == 403
    )
    with TestClient(client.app) as lieutenant:
        sign_in(lieutenant, backend, "lieutenant")
        answer = lieutenant.post(f"/api/v1/access-requests/{filed['id']}/decision", json=decision)
        assert answer.status_code == 403


def test_outside_people_hold_the_outside_role_only(db: Database) -> None:
    import pytest

    from plateward.accounts import service as people
    from plateward.core.errors import InvalidInput
    from plateward.core.permissions import Actor
    from tests.conftest import PASSWORD

    with db.unit_of_work() as uow:
        for role, ori in (("investigator", "CA0430000"), ("external_agency", "CA0431300")):
            spec = people.PersonSpec("x" + role, "X", role, "Unit", ori, PASSWORD, "1")
            with pytest.raises(InvalidInput, match="external_agency"):
                people.create_person(uow, Actor.system("tests"), spec)


def test_command_staff_may_approve_and_draft_an_agreement_which_opens_nothing_until_activated(
    client: TestClient,
    backend: Backend,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
) -> None:
    push(client, ingest_token, native_read(plate="8XYZ789"))
    sign_in_outside(client, db, outside, "sunnyvale")
    filed = client.post("/api/v1/access-requests", json=REQUEST).json()
    with TestClient(client.app) as command:
        sign_in(command, backend, "command")
        page = command.get("/sharing/approvals")
        assert "open for this request and draft an agreement" in page.text
        approved = command.post(
            f"/sharing/approvals/{filed['id']}/approve",
            data={"csrf_token": csrf_from(page.text), "reason": "Case confirmed.", "then": "draft"},
            follow_redirects=False,
        )
        assert approved.status_code == 303, approved.text
    other_case = {
        **REQUEST,
        "case_number": "SV-26-2044",
        "crime_type": "PC 211",
        "justification": "Carjacking at Sunnyvale Town Center; the taken sedan left for San José.",
    }

    assert outside_search(client, plate="8XYZ789", **REQUEST).status_code == 200
    assert outside_search(client, plate="8XYZ789", **other_case).status_code == 403  # a draft
    with TestClient(client.app) as admin:
        sign_in(admin, backend, "admin")
        listed = admin.get("/api/v1/sharing/agreements").json()
        [draft] = [a for a in listed if a["ori"] == SUNNYVALE]
        assert draft["status"] == "draft" and not draft["in_force"]
        unsigned = admin.post(
            f"/api/v1/sharing/agreements/{draft['id']}/status",
            json={"status": "active", "reason": "Signed."},
        )
        assert unsigned.status_code == 422, unsigned.text
        sharing_page = admin.get("/admin/sharing")
        assert f'aria-label="Signed document of agreement {draft["id"]}"' in sharing_page.text
        activated = admin.post(
            f"/admin/sharing/agreements/{draft['id']}/status",
            data={
                "csrf_token": csrf_from(sharing_page.text),
                "status": "active",
                "reason": "Signed by both chiefs.",
                "reference": "SJ-SHARE-2026-031 (signed)",
                "effective_on": TODAY.isoformat(),
                "expires_on": (TODAY + timedelta(days=365)).isoformat(),
            },
            follow_redirects=False,
        )
        assert activated.status_code == 303, activated.text
        [now] = [a for a in admin.get("/api/v1/sharing/agreements").json() if a["ori"] == SUNNYVALE]
        assert now["in_force"] is True and now["reference"] == "SJ-SHARE-2026-031 (signed)"

    assert outside_search(client, plate="8XYZ789", **other_case).status_code == 200
    created = entries(db, "sharing.agreement_created")[-1]
    assert created.actor_username == "command" and created.details["before"] is None
    assert created.details["access_request_id"] == filed["id"]
    decided = entries(db, "sharing.request_decided")[-1]
    assert decided.details["draft_agreement_id"] == draft["id"]
