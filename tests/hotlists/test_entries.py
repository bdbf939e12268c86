"""Department hot-list entries through the pages: DUP §4.5 (a lieutenant's approval, never one's
own; the author removes it) and §4.8 (entering member, case numbers, synopsis)."""

from __future__ import annotations

from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.database import Database
from tests.hotlists.conftest import (
    People,
    alerts_of,
    decide,
    ingest,
    listed,
    post_form,
    propose,
    proposed_id,
    read_of,
)


def _actions(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_an_entry_carries_its_member_case_and_synopsis_and_waits_for_approval(
    people: People, db: Database
) -> None:
    investigator = people("investigator")

    entry_id = proposed_id(propose(investigator))

    page = investigator.get("/hotlists")
    row = page.text[page.text.index(f'id="entry-{entry_id}"') :]
    row = row[: row.index("</tr>")]
    # DUP §4.8a-c — name, badge and assignment from the account; case number; synopsis.
    assert "Test Investigator #" in row and "Robbery Unit" in row
    assert "26-004211" in row and "Curtner Ave" in row
    assert "pending" in row
    [entry] = _actions(db, AuditAction.HOTLIST_ENTRY_PROPOSED)
    assert entry.query_terms == {"plate": "7STL123", "plate_state": "CA"}
    assert entry.details["case_numbers"] == ["26-004211"]


def test_a_pending_entry_does_not_alert(people: People, client: object, ingest_token: str) -> None:
    proposed_id(propose(people("investigator")))

    ingest(people("officer"), ingest_token, read_of())

    assert alerts_of(people("officer")) == []


def test_an_entry_without_a_case_number_or_synopsis_is_refused(people: People) -> None:
    investigator = people("investigator")

    no_case = propose(investigator, case_numbers=" , ")
    no_synopsis = propose(investigator, synopsis="stolen")

    assert no_case.status_code == 422 and "case number" in no_case.text
    assert no_synopsis.status_code == 422 and "synopsis" in no_synopsis.text


def test_a_case_number_outside_the_departments_format_is_refused_with_the_expected_one(
    people: People, db: Database
) -> None:
    investigator = people("investigator")

    # DUP §4.8b with the 2026 update — the department's case-number format, as a search asks.
    wrong = propose(investigator, case_numbers="26-004211, SJ-2026-004211")
    api = investigator.post(
        "/api/v1/hotlist-entries",
        json={
            "plate": "7STL123",
            "plate_state": "CA",
            "vehicle_description": "silver Civic",
            "reason": "stolen_vehicle",
            "crime_type": "10851 VC",
            "case_numbers": ["case 4211"],
            "synopsis": "Silver Honda Civic taken overnight from a driveway on Curtner Ave.",
        },
    )

    assert wrong.status_code == 422 and "26-012345" in wrong.text and "SJ-2026-004211" in wrong.text
    assert api.status_code == 422 and "26-012345" in api.json()["detail"]
    assert _actions(db, AuditAction.HOTLIST_ENTRY_PROPOSED) == []


def test_a_lieutenant_approves_and_the_approval_is_audited(people: People, db: Database) -> None:
    entry_id = listed(people)

    [approved] = _actions(db, AuditAction.HOTLIST_ENTRY_APPROVED)
    assert approved.actor_username == "lieutenant"
    assert approved.details["entry_id"] == entry_id
    assert f'id="entry-{entry_id}"' in people("investigator").get("/hotlists").text


def test_nobody_approves_their_own_entry(people: People, db: Database) -> None:
    lieutenant = people("lieutenant")
    entry_id = proposed_id(propose(lieutenant))

    response = decide(lieutenant, entry_id)

    assert response.status_code == 403
    assert "another lieutenant" in response.text
    refused = _actions(db, AuditAction.ACCESS_REFUSED)
    assert refused[-1].details["resource"] == f"hotlist_entry:{entry_id}"
    assert _actions(db, AuditAction.HOTLIST_ENTRY_APPROVED) == []


def test_an_investigator_cannot_approve(people: People) -> None:
    entry_id = proposed_id(propose(people("investigator")))
    investigator = people("investigator")

    response = investigator.post(f"/hotlists/{entry_id}/approve", data={}, follow_redirects=False)

    assert response.status_code == 403


def test_a_rejection_states_its_reason_to_the_author(people: People, db: Database) -> None:
    entry_id = proposed_id(propose(people("investigator")))

    empty = decide(people("lieutenant"), entry_id, "reject", reason="")
    done = decide(people("lieutenant"), entry_id, "reject", reason="No case open under that number")

    assert empty.status_code == 422
    assert done.status_code == 303
    page = people("investigator").get("/hotlists").text
    assert "rejected" in page and "No case open under that number" in page
    assert len(_actions(db, AuditAction.HOTLIST_ENTRY_REJECTED)) == 1


def test_the_author_removes_an_entry_and_it_stops_alerting(
    people: People, ingest_token: str, db: Database
) -> None:
    entry_id = listed(people)
    investigator = people("investigator")

    why = "Vehicle recovered by its owner"
    removed = post_form(investigator, "/hotlists", f"/hotlists/{entry_id}/remove", reason=why)
    ingest(investigator, ingest_token, read_of())

    assert removed.status_code == 303
    assert alerts_of(people("officer")) == []
    [entry] = _actions(db, AuditAction.HOTLIST_ENTRY_REMOVED)
    assert entry.details["reason"] == "Vehicle recovered by its owner"


def test_only_the_author_removes_an_entry(people: People, db: Database) -> None:
    entry_id = listed(people)
    lieutenant = people("lieutenant")

    why = "not mine to remove"
    response = post_form(lieutenant, "/hotlists", f"/hotlists/{entry_id}/remove", reason=why)

    assert response.status_code == 403
    assert _actions(db, AuditAction.HOTLIST_ENTRY_REMOVED) == []
