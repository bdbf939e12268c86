"""Historical hits: checking an approved entry against stored reads is a search (DUP §2, §9).

It runs through the search service with the entry's own purpose, passes the guard and the read
gate (retention, camera scope), and is audited like any search; only the entry's author may run
it, and only once a lieutenant approved the entry (DUP §4.5)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry, Outcome
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.hotlists import history
from plateward.hotlists.models import HotListEntry
from plateward.reads.models import Read
from plateward.search.models import Search
from tests.hotlists.conftest import (
    People,
    decide,
    ingest,
    listed,
    persona,
    post_form,
    propose,
    proposed_id,
    read_of,
)

CASE = "26-004211"  # the department's case-number format (the search service checks it)
SYNOPSIS = "Silver Honda Civic stolen from Curtner Ave overnight; the owner reported the theft."
OURS = {"case_numbers": CASE, "synopsis": SYNOPSIS}


def _actions(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        return list(uow.session.scalars(query))


def _stored_ids(response: object) -> list[str]:
    assert response is not None
    return re.findall(r'id="read-([0-9a-f-]{36})"', response.text)  # type: ignore[attr-defined]


def _check(person: TestClient, entry_id: int, **form: str) -> object:
    return post_form(person, "/hotlists", f"/hotlists/{entry_id}/history", **form)


def _stored_reads(client: TestClient, token: str, db: Database) -> list[str]:
    """Two reads of the listed plate (SJ-FX-001 three days ago, SJ-FX-002 ten days ago) and one
    of another plate, stored before the entry exists; their ids in that order."""
    ingest(
        client,
        token,
        read_of(minutes_ago=60 * 24 * 3),
        read_of(camera="SJ-FX-002", minutes_ago=60 * 24 * 10),
        read_of(plate="5XYZ999", minutes_ago=60),
    )
    with db.unit_of_work() as uow:
        newest_first = uow.session.scalars(select(Read.id).order_by(Read.captured_at.desc()))
        other, first, second = (str(i) for i in newest_first)
    return [first, second, other]


def test_an_approved_entry_is_checked_as_a_search_for_its_own_purpose(
    people: People, client: TestClient, ingest_token: str, db: Database
) -> None:
    first, second, _ = _stored_reads(client, ingest_token, db)
    entry_id = listed(people, **OURS)
    investigator = people("investigator")

    page = _check(investigator, entry_id)

    assert page.status_code == 200, page.text  # type: ignore[attr-defined]
    assert sorted(_stored_ids(page)) == sorted([first, second])
    [run] = _actions(db, AuditAction.SEARCH_RUN)
    assert run.actor_username == "investigator"
    # DUP §9 — the entry's purpose, the terms, the count and the ids shown.
    assert run.purpose == {
        "category": "criminal_investigation",
        "crime_type": "10851 VC",
        "case_number": CASE,
        "justification": SYNOPSIS,
    }
    assert run.query_terms is not None and run.query_terms["plate"] == "7STL123"
    assert run.result_count == 2 and sorted(run.result_ids) == sorted([first, second])
    [checked] = _actions(db, AuditAction.HOTLIST_HISTORY_CHECKED)
    assert checked.details["entry_id"] == entry_id
    assert checked.details["search_id"] == run.details["search_id"]
    assert checked.details["result_count"] == 2
    # The entry shows the check and opens its results as the search they are.
    entries = investigator.get("/hotlists").text
    assert f'href="/search/{run.details["search_id"]}">2 stored reads' in entries
    assert investigator.get(f"/search/{run.details['search_id']}").status_code == 200


def test_the_check_is_stored_as_the_authors_search(
    people: People, client: TestClient, ingest_token: str, db: Database
) -> None:
    _stored_reads(client, ingest_token, db)
    entry_id = listed(people, **OURS)

    _check(people("investigator"), entry_id)

    with db.unit_of_work() as uow:
        [search] = uow.session.scalars(select(Search)).all()
    assert search.state == "run" and search.case_number == CASE
    assert search.terms["plate"] == "7STL123"
    assert "plate_state" not in search.terms  # every state: a state read wrong still shows


def test_a_pending_entry_cannot_be_checked_and_the_attempt_is_audited(
    people: People, client: TestClient, ingest_token: str, db: Database
) -> None:
    _stored_reads(client, ingest_token, db)
    investigator = people("investigator")
    entry_id = proposed_id(propose(investigator, **OURS))

    response = _check(investigator, entry_id)

    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "approved" in response.text  # type: ignore[attr-defined]
    assert _actions(db, AuditAction.SEARCH_RUN) == []
    [refused] = _actions(db, AuditAction.ACCESS_REFUSED)
    assert refused.details["resource"] == f"hotlist_entry:{entry_id}"


def test_only_the_entrys_author_checks_it(
    people: People, client: TestClient, ingest_token: str, db: Database
) -> None:
    _stored_reads(client, ingest_token, db)
    entry_id = listed(people, **OURS)

    response = _check(people("lieutenant"), entry_id)  # the lieutenant who approved it

    assert response.status_code == 403  # type: ignore[attr-defined]
    assert _actions(db, AuditAction.SEARCH_RUN) == []
    assert len(_actions(db, AuditAction.ACCESS_REFUSED)) == 1


def test_a_removed_entry_cannot_be_checked(people: People, db: Database) -> None:
    investigator = people("investigator")
    entry_id = listed(people, **OURS)
    post_form(investigator, "/hotlists", f"/hotlists/{entry_id}/remove", reason="recovered")

    response = _check(investigator, entry_id)

    assert response.status_code == 403  # type: ignore[attr-defined]
    assert _actions(db, AuditAction.SEARCH_RUN) == []


def test_the_case_number_is_one_of_the_entrys_own(people: People, db: Database) -> None:
    entry_id = listed(people, **{**OURS, "case_numbers": f"{CASE}, 26-000777"})

    response = _check(people("investigator"), entry_id, case_number="26-999999")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "own case numbers" in response.text  # type: ignore[attr-defined]
    assert _actions(db, AuditAction.SEARCH_RUN) == []


def test_a_case_number_outside_the_departments_format_is_refused_before_any_query(
    people: People, db: Database
) -> None:
    # An entry made before the department's format was enforced on entries (or before the format
    # changed) still carries its old case number; a check under it is a search, so it is refused.
    entry_id = listed(people, **OURS)
    with db.unit_of_work() as uow:
        entry = uow.session.get(HotListEntry, entry_id)
        assert entry is not None
        entry.case_numbers = ["SJ-2026-004211"]
        uow.session.commit()

    response = _check(people("investigator"), entry_id)

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "format" in response.text  # type: ignore[attr-defined]
    assert _actions(db, AuditAction.SEARCH_RUN) == []
    [checked] = _actions(db, AuditAction.HOTLIST_HISTORY_CHECKED)
    assert checked.outcome == Outcome.DENIED


def test_a_reason_the_guard_questions_waits_for_a_lieutenant(
    people: People, client: TestClient, ingest_token: str, db: Database
) -> None:
    _stored_reads(client, ingest_token, db)
    investigator = people("investigator")
    entry_id = proposed_id(
        propose(
            investigator,
            case_numbers=CASE,
            crime_type="459 PC",
            synopsis="Burglary suspect; the owner may be an undocumented immigrant",
        )
    )
    assert decide(people("lieutenant"), entry_id).status_code == 303

    response = _check(investigator, entry_id)

    assert response.status_code == 202  # type: ignore[attr-defined]
    assert _actions(db, AuditAction.SEARCH_RUN) == []  # nothing was looked up
    [requested] = _actions(db, AuditAction.SEARCH_REVIEW_REQUESTED)
    [checked] = _actions(db, AuditAction.HOTLIST_HISTORY_CHECKED)
    assert checked.details["state"] == "pending_review"
    assert checked.details["search_id"] == requested.details["search_id"]
    assert "review" in investigator.get("/hotlists").text


def test_the_check_sees_only_the_authors_cameras(
    people: People, client: TestClient, ingest_token: str, db: Database
) -> None:
    first, _, _ = _stored_reads(client, ingest_token, db)
    entry_id = listed(people, **OURS)
    scoped = replace(persona(db, "investigator"), camera_scope=frozenset({"SJ-FX-001"}))

    with db.unit_of_work() as uow:
        outcome = history.check_stored_reads(uow, scoped, entry_id)

    assert outcome.results is not None
    assert [h.id for h in outcome.results.hits] == [first]  # SJ-FX-002's read is not shown
    [run] = _actions(db, AuditAction.SEARCH_RUN)
    assert run.result_ids == [first]


def test_a_read_past_retention_is_not_found(
    people: People, client: TestClient, ingest_token: str, db: Database, clock: FrozenClock
) -> None:
    _stored_reads(client, ingest_token, db)
    clock.advance(timedelta(days=db.settings.retention_days + 1))
    entry_id = listed(people, **OURS)

    page = _check(people("investigator"), entry_id)

    assert page.status_code == 200  # type: ignore[attr-defined]
    assert _stored_ids(page) == []
    assert "No stored read" in page.text  # type: ignore[attr-defined]


def test_the_api_checks_an_entry_and_answers_its_search(
    people: People, client: TestClient, ingest_token: str, db: Database
) -> None:
    first, second, _ = _stored_reads(client, ingest_token, db)
    entry_id = listed(people, **OURS)
    investigator = people("investigator")

    response = investigator.post(
        f"/api/v1/hotlist-entries/{entry_id}/history-checks", json={"possible": True}
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "run" and body["total"] == 2
    assert sorted(r["id"] for r in body["reads"]) == sorted([first, second])
    [run] = _actions(db, AuditAction.SEARCH_RUN)
    assert run.details["search_id"] == body["search_id"]
    assert run.query_terms is not None and run.query_terms["plate_match"] == "fuzzy"
    more = investigator.get(f"/api/v1/searches/{body['search_id']}")
    assert more.status_code == 200 and more.json()["total"] == 2


def test_the_service_refuses_someone_without_the_entry(people: People, db: Database) -> None:
    entry_id = listed(people, **OURS)
    officer = persona(db, "officer")

    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        history.check_stored_reads(uow, officer, entry_id)
