"""DUP update 2026 — crime type, case number and justification are required fields of every
search: the case number in the department's format, a justification that says why (neither
boilerplate nor copied from another case), personal data in it flagged. DUP §9 — the purpose is
logged with each search, and the form starts from the person's last purpose."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import User
from plateward.core.database import Database
from plateward.core.purpose import CRIME_TYPES, crime_type
from plateward.search import service as searches
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import PURPOSE, entries, push, search


def test_a_purpose_outside_the_authorized_uses_is_refused(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, category="personal_interest", plate="7ABC123")

    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "body.category"
    assert entries(db, "search.run") == []


def test_the_crime_type_is_required(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    for empty in ("", "   "):
        response = search(client, crime_type=empty, plate="7ABC123")
        assert response.status_code == 422, empty
        assert response.json()["problems"][0]["field"] == "body.crime_type"


def test_a_crime_type_outside_the_picklist_is_accepted_in_words(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, crime_type="PC 594 vandalism", plate="7ABC123")

    assert response.status_code == 200, response.text
    assert response.json()["purpose"]["crime_type"] == "PC 594 vandalism"


def test_the_picklist_holds_the_california_codes_and_the_non_crime_purposes() -> None:
    codes = {c.code for c in CRIME_TYPES}

    assert {"PC 187", "PC 211", "PC 245", "PC 459", "VC 10851", "VC 20001"} <= codes
    assert {"Amber Alert", "Silver Alert", "At-risk missing person", "VC 21453"} <= codes
    assert crime_type("pc  211") is not None
    assert searches.crime_types() == CRIME_TYPES


def test_a_case_number_in_another_format_is_refused_with_the_expected_one(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, case_number="CASE-ABC", plate="7ABC123")

    assert response.status_code == 422
    assert "write it like 26-012345" in response.json()["detail"]


def test_a_boilerplate_justification_is_refused_and_nothing_runs(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, justification="investigation", plate="7ABC123")

    assert response.status_code == 422
    assert "say why this search serves this case" in response.json()["detail"]
    assert entries(db, "search.run") == []
    # The attempt stays in the trail with its text, for the auditors' misuse signals.
    (attempt,) = entries(db, "search.blocked")
    assert attempt.details["rules"] == ["justification.refused"]
    assert attempt.purpose is not None
    assert attempt.purpose["justification"] == "investigation"


def test_a_justification_copied_from_another_case_is_refused(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")
    assert search(client, plate="7ABC123").status_code == 200

    copied = search(client, case_number="26-009999", plate="7ABC123")
    same_case = search(client, plate="7ABD123")

    assert copied.status_code == 422, copied.text
    assert same_case.status_code == 200, same_case.text  # the same case may repeat its reason


def test_personal_data_in_the_justification_is_flagged_with_the_results(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    justification = (
        "Suspect vehicle of the robbery at Story Rd; owner SSN 123-45-6789 per DMV check."
    )

    response = search(client, justification=justification, plate="7ABC123")

    assert response.status_code == 200, response.text
    assert response.json()["warnings"]
    assert [h["plate"] for h in response.json()["hits"]] == ["7ABC123"]


def test_each_search_is_logged_with_its_purpose_terms_and_person(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")

    body = search(client, plate="7ABC*").json()

    (entry,) = entries(db, "search.run")
    assert entry.actor_username == "investigator"
    assert entry.purpose == PURPOSE  # no beneficiary: the department's own case
    assert entry.case_number == PURPOSE["case_number"]
    assert entry.query_terms["plate"] == "7ABC*"
    assert entry.query_terms["plate_match"] == "partial"
    assert entry.result_count == 1
    assert entry.result_ids == [body["hits"][0]["id"]]
    assert entry.details == {"search_id": body["search_id"], "page": 1}


def test_support_of_another_agency_names_it(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, category="agency_support", plate="7ABC123")

    assert response.status_code == 422
    assert "name the agency" in response.json()["detail"]


def test_the_form_starts_from_the_last_purpose(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")
    with db.unit_of_work() as uow:
        user = uow.session.scalars(select(User).where(User.username == "investigator")).one()
        actor = people.actor_for(
            uow, user, acknowledged_version=people.current_statement(uow).version
        )
        assert searches.last_purpose(uow, actor) is None

    search(client, plate="7ABC123", case_number="26-000777")

    with db.unit_of_work() as uow:
        remembered = searches.last_purpose(uow, actor)
        mine = searches.my_searches(uow, actor)
    assert remembered is not None
    assert remembered.case_number == "26-000777"
    assert remembered.crime_type == PURPOSE["crime_type"]
    assert [s.purpose.case_number for s in mine] == ["26-000777"]
