"""DUP §11 — anyone files a comment or complaint and follows it by tracking number; the DPO
triages, investigates, decides a corrective action plan and closes it; equity concerns are tagged
and counted. The trail records each step, never the resident's text."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.core.database import Database
from plateward.oversight import complaints
from tests.conftest import NOW, Backend, csrf_from, sign_in
from tests.search.conftest import entries

TEXT = "A camera on Story Road seems to point at the church parking lot on Sundays."


def file(client: TestClient, **fields: str) -> str:
    """File through the public form as a browser would; the tracking number shown."""
    form = client.get("/transparency/complaints")
    data = {
        "kind": "complaint",
        "topic": "camera_placement",
        "body": TEXT,
        "contact": "",
        "csrf_token": csrf_from(form.text),
        **fields,
    }
    response = client.post("/transparency/complaints", data=data)
    assert response.status_code == 200, response.text
    match = re.search(r'id="tracking-number">(PW-[A-Z0-9]+)<', response.text)
    assert match, response.text
    return match.group(1)


def _step(client: TestClient, complaint_id: int, **fields: str) -> int:
    page = client.get(f"/complaints/{complaint_id}")
    data = {"csrf_token": csrf_from(page.text), "note": "", **fields}
    return client.post(
        f"/complaints/{complaint_id}/steps", data=data, follow_redirects=False
    ).status_code


def _id(db: Database, number: str) -> int:
    from sqlalchemy import select

    from plateward.oversight.models import Complaint

    with db.unit_of_work() as uow:
        found = uow.session.scalar(select(Complaint.id).where(Complaint.tracking_number == number))
    assert found is not None
    return found


def test_a_resident_files_a_complaint_without_signing_in_and_gets_a_tracking_number(
    client: TestClient, db: Database
) -> None:
    number = file(client)

    (entry,) = entries(db, "complaint.filed")
    assert entry.actor_kind == "anonymous"
    assert entry.details["tracking_number"] == number
    assert TEXT not in str(entry.details) and TEXT not in str(entry.query_terms)


def test_the_status_page_shows_the_stage_but_never_the_text(client: TestClient) -> None:
    number = file(client, contact="resident@example.org")

    page = client.get("/transparency/complaints/status", params={"number": number.lower()})

    assert page.status_code == 200
    assert "Received, waiting for the Digital Privacy Officer" in page.text
    assert TEXT not in page.text and "resident@example.org" not in page.text


def test_an_unknown_tracking_number_is_not_found(client: TestClient) -> None:
    assert client.get("/transparency/complaints/status?number=PW-ABCD234567").status_code == 404
    assert client.get("/transparency/complaints/status?number=nonsense").status_code == 422


def test_a_form_without_the_sites_token_is_refused(client: TestClient, db: Database) -> None:
    client.get("/transparency/complaints")

    response = client.post(
        "/transparency/complaints",
        data={"kind": "complaint", "topic": "privacy", "body": TEXT, "csrf_token": "forged"},
    )

    assert response.status_code == 403
    assert entries(db, "complaint.filed") == []


def test_an_empty_complaint_is_refused_with_the_reason(client: TestClient) -> None:
    form = client.get("/transparency/complaints")
    response = client.post(
        "/transparency/complaints",
        data={
            "kind": "complaint",
            "topic": "privacy",
            "body": "  ",
            "csrf_token": csrf_from(form.text),
        },
    )

    assert response.status_code == 422
    assert "write your comment or complaint" in response.text


def test_an_address_filing_too_often_is_refused_and_audited(
    client: TestClient, db: Database
) -> None:
    client.app.state.settings = client.app.state.settings.with_overrides(  # type: ignore[attr-defined]
        complaints_per_day=2
    )
    db.settings = client.app.state.settings  # type: ignore[misc, attr-defined]
    file(client)
    file(client)
    form = client.get("/transparency/complaints")

    third = client.post(
        "/transparency/complaints",
        data={
            "kind": "comment",
            "topic": "privacy",
            "body": TEXT,
            "csrf_token": csrf_from(form.text),
        },
    )

    assert third.status_code == 429
    assert len(entries(db, "complaint.filed")) == 2
    assert entries(db, "portal.throttled")[-1].details["path"] == "/transparency/complaints"


def test_the_dpo_takes_a_complaint_through_every_step_and_the_resident_sees_it(
    client: TestClient, backend: Backend, db: Database
) -> None:
    number = file(client)
    complaint_id = _id(db, number)
    sign_in(client, backend, "dpo")

    assert (
        _step(client, complaint_id, step="triage", note="Placement question.", equity="yes") == 303
    )
    assert _step(client, complaint_id, step="investigate", note="Site visit booked.") == 303
    assert (
        _step(client, complaint_id, step="plan", note="Re-aim SJ-FX-003 away from the lot.") == 303
    )
    assert (
        _step(
            client, complaint_id, step="close", note="The camera was re-aimed.", outcome="resolved"
        )
        == 303
    )

    status = client.get("/transparency/complaints/status", params={"number": number}).text
    assert "Closed" in status and "The camera was re-aimed." in status
    steps = [e.details["step"] for e in entries(db, "complaint.updated")]
    assert steps == ["triage", "investigate", "plan", "close"]
    assert all(e.actor_username == "dpo" for e in entries(db, "complaint.updated"))


def test_a_step_out_of_order_is_refused(client: TestClient, backend: Backend, db: Database) -> None:
    complaint_id = _id(db, file(client))
    sign_in(client, backend, "dpo")

    assert _step(client, complaint_id, step="plan", note="Skip ahead.") == 409
    assert entries(db, "complaint.updated") == []


def test_only_the_dpo_works_complaints_and_a_refusal_is_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    file(client)
    sign_in(client, backend, "auditor")

    assert client.get("/complaints", follow_redirects=False).status_code == 403
    refusal = entries(db, "access.refused")[-1]
    assert refusal.details["permission"] == "complaints:manage"


def test_equity_concerns_are_tagged_and_counted(client: TestClient, db: Database) -> None:
    file(client, topic="equity")
    file(client, topic="privacy", equity="yes")
    file(client, topic="privacy")

    portal = client.get("/transparency").text
    with db.unit_of_work() as uow:
        tally = complaints.tally(uow, NOW.replace(month=1, day=1), NOW.replace(year=2027))

    assert (tally.received, tally.equity_concerns) == (3, 2)
    assert "3 received, 0 closed, 2 raising an equity concern" in portal
